/**
 * InstallPlan (operators.coreos.com/v1alpha1, namespaced, `ip`): the resolved set of resources to
 * create for one or more CSVs, approved by the user when Manual (api `installplan_types.go`; olm.md §3.4).
 */
import type { KubeObject } from '../../kube/index.ts';
import type { PrinterColumn } from '../../apiserver/index.ts';
import { arrayOf, bool, int, object, objectReference, olmCRD, oneOf, rootSchema, str, strings, time } from './schema.ts';
import { INSTALL_PLAN_APPROVALS } from './subscription.ts';

/** Upstream printer columns: `NAME  CSV  APPROVAL  APPROVED` — no AGE. */
export const INSTALL_PLAN_COLUMNS: PrinterColumn[] = [
  { description: 'The first CSV in the list of clusterServiceVersionNames', jsonPath: '.spec.clusterServiceVersionNames[0]', name: 'CSV', type: 'string' },
  { description: 'The approval mode', jsonPath: '.spec.approval', name: 'Approval', type: 'string' },
  { jsonPath: '.spec.approved', name: 'Approved', type: 'boolean' },
];

const spec = object(
  {
    approval: oneOf(...INSTALL_PLAN_APPROVALS),
    approved: bool,
    clusterServiceVersionNames: strings,
    generation: int,
    source: str,
    sourceNamespace: str,
  },
  ['approval', 'approved', 'clusterServiceVersionNames'],
);

const condition = object({ lastTransitionTime: time, lastUpdateTime: time, message: str, reason: str, status: str, type: str });
const bundleLookupCondition = object({ lastTransitionTime: time, lastUpdateTime: time, message: str, reason: str, status: str, type: str }, ['status', 'type']);

const bundleLookup = object(
  { catalogSourceRef: objectReference, conditions: arrayOf(bundleLookupCondition), identifier: str, path: str, properties: str, replaces: str },
  ['catalogSourceRef', 'identifier', 'path', 'replaces'],
);

const step = object(
  {
    optional: bool,
    resolving: str,
    resource: object(
      { group: str, kind: str, manifest: str, name: str, sourceName: str, sourceNamespace: str, version: str },
      ['group', 'kind', 'name', 'sourceName', 'sourceNamespace', 'version'],
    ),
    status: str,
  },
  ['resolving', 'resource', 'status'],
);

const status = object(
  {
    attenuatedServiceAccountRef: objectReference,
    bundleLookups: arrayOf(bundleLookup),
    catalogSources: strings,
    conditions: arrayOf(condition),
    message: str,
    phase: str,
    plan: arrayOf(step),
    startTime: time,
  },
  ['catalogSources', 'phase'],
);

/** The InstallPlan CRD. */
export const INSTALL_PLAN_CRD: KubeObject = olmCRD({
  kind: 'InstallPlan',
  plural: 'installplans',
  scope: 'Namespaced',
  shortNames: ['ip'],
  versions: [{ name: 'v1alpha1', served: true, storage: true, columns: INSTALL_PLAN_COLUMNS, schema: rootSchema({ spec, status, required: ['metadata', 'spec'] }) }],
});
