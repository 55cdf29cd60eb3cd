/**
 * OperatorGroup (operators.coreos.com/v1 storage, v1alpha2 served; namespaced, `og`): the target
 * namespaces of the operators installed in its namespace (api `operatorgroup_types.go`; olm.md §3.6).
 */
import type { KubeObject } from '../../kube/index.ts';
import type { JSONSchemaProps } from '../../apiserver/index.ts';
import { bool, labelSelector, metaConditions, object, objectReference, olmCRD, rootSchema, str, time } from './schema.ts';

/** `targetNamespaces` / `status.namespaces` are sets upstream (`+listType=set`). */
const namespaceSet: JSONSchemaProps = { type: 'array', items: { type: 'string' }, 'x-kubernetes-list-type': 'set' };

const spec: JSONSchemaProps = {
  type: 'object',
  // Upstream `+kubebuilder:default={upgradeStrategy:Default}` on the spec field.
  default: { upgradeStrategy: 'Default' },
  properties: {
    selector: labelSelector,
    serviceAccountName: str,
    staticProvidedAPIs: bool,
    targetNamespaces: namespaceSet,
    upgradeStrategy: { type: 'string', enum: ['Default', 'TechPreviewUnsafeFailForward'], default: 'Default' },
  },
};

const status = object(
  { conditions: metaConditions, lastUpdated: time, namespaces: namespaceSet, serviceAccountRef: objectReference },
  ['lastUpdated'],
);

const schema = rootSchema({ spec, status });

/**
 * The OperatorGroup CRD. Both versions share one schema (no conversion is needed with strategy
 * None); upstream's v1alpha2 lacks `upgradeStrategy`, which here is accepted on both.
 */
export const OPERATOR_GROUP_CRD: KubeObject = olmCRD({
  kind: 'OperatorGroup',
  plural: 'operatorgroups',
  scope: 'Namespaced',
  shortNames: ['og'],
  versions: [
    { name: 'v1', served: true, storage: true, schema },
    { name: 'v1alpha2', served: true, storage: false, schema },
  ],
});
