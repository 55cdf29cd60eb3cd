/**
 * Subscription (operators.coreos.com/v1alpha1, namespaced, `sub`/`subs`): keeps an operator up to
 * date from a catalog channel (api `subscription_types.go`; olm.md §3.3).
 */
import type { KubeObject } from '../../kube/index.ts';
import type { JSONSchemaProps, PrinterColumn } from '../../apiserver/index.ts';
import { arrayOf, bool, int, labelSelector, object, objectReference, olmCRD, oneOf, preserved, quantity, rootSchema, str, stringMap, time } from './schema.ts';

/** Upstream printer columns: `NAME  PACKAGE  SOURCE  CHANNEL` — no AGE (olm.md §2, §8). */
export const SUBSCRIPTION_COLUMNS: PrinterColumn[] = [
  { description: 'The package subscribed to', jsonPath: '.spec.name', name: 'Package', type: 'string' },
  { description: 'The catalog source for the specified package', jsonPath: '.spec.source', name: 'Source', type: 'string' },
  { description: 'The channel of updates to subscribe to', jsonPath: '.spec.channel', name: 'Channel', type: 'string' },
];

/**
 * The approval policies. Upstream's CRD has no enum here and treats anything but `Manual` as
 * Automatic; this project rejects other values at admission instead (see README, "Deviations").
 */
export const INSTALL_PLAN_APPROVALS = ['Automatic', 'Manual'] as const;

const keyRef = (keyName: 'key' | 'fieldPath' | 'resource', extra: Record<string, JSONSchemaProps>): JSONSchemaProps => object({ [keyName]: str, ...extra }, [keyName]);

const envVar = object(
  {
    name: str,
    value: str,
    valueFrom: object({
      configMapKeyRef: keyRef('key', { name: str, optional: bool }),
      fieldRef: keyRef('fieldPath', { apiVersion: str }),
      resourceFieldRef: keyRef('resource', { containerName: str, divisor: quantity }),
      secretKeyRef: keyRef('key', { name: str, optional: bool }),
    }),
  },
  ['name'],
);

const envFromSource = object({
  configMapRef: object({ name: str, optional: bool }),
  prefix: str,
  secretRef: object({ name: str, optional: bool }),
});

/** `SubscriptionConfig`: Deployment overrides; deep core types (volumes, affinity, tolerations) are kept free-form. */
const config = object({
  affinity: preserved(),
  annotations: stringMap,
  env: arrayOf(envVar),
  envFrom: arrayOf(envFromSource),
  nodeSelector: stringMap,
  resources: object({ claims: preserved('array'), limits: { type: 'object', additionalProperties: quantity }, requests: { type: 'object', additionalProperties: quantity } }),
  selector: labelSelector,
  tolerations: preserved('array'),
  volumeMounts: preserved('array'),
  volumes: preserved('array'),
});

const spec = object(
  {
    channel: str,
    config,
    installPlanApproval: oneOf(...INSTALL_PLAN_APPROVALS),
    name: str,
    source: str,
    sourceNamespace: str,
    startingCSV: str,
  },
  ['name', 'source', 'sourceNamespace'],
);

const subscriptionCondition = object(
  { lastHeartbeatTime: time, lastTransitionTime: time, message: str, reason: str, status: str, type: str },
  ['status', 'type'],
);

const status = object(
  {
    catalogHealth: arrayOf(object({ catalogSourceRef: objectReference, healthy: bool, lastUpdated: time }, ['catalogSourceRef', 'healthy', 'lastUpdated'])),
    conditions: arrayOf(subscriptionCondition),
    currentCSV: str,
    installPlanGeneration: int,
    installPlanRef: objectReference,
    installedCSV: str,
    installplan: object({ apiVersion: str, kind: str, name: str, uuid: str }, ['apiVersion', 'kind', 'name', 'uuid']),
    lastUpdated: time,
    reason: str,
    state: str,
  },
  ['lastUpdated'],
);

/** The Subscription CRD. */
export const SUBSCRIPTION_CRD: KubeObject = olmCRD({
  kind: 'Subscription',
  plural: 'subscriptions',
  scope: 'Namespaced',
  shortNames: ['sub', 'subs'],
  versions: [{ name: 'v1alpha1', served: true, storage: true, columns: SUBSCRIPTION_COLUMNS, schema: rootSchema({ spec, status, required: ['metadata', 'spec'] }) }],
});
