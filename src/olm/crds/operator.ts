/**
 * Operator (operators.coreos.com/v1, cluster-scoped): the read-mostly aggregate of everything
 * labelled `operators.coreos.com/<package>.<namespace>` (api `operator_types.go`; olm.md §3.7).
 */
import type { KubeObject } from '../../kube/index.ts';
import { arrayOf, labelSelector, object, olmCRD, rootSchema, str, time } from './schema.ts';

const componentCondition = object({ lastTransitionTime: time, lastUpdateTime: time, message: str, reason: str, status: str, type: str }, ['status', 'type']);

/** `RichReference`: an ObjectReference plus the component's conditions. */
const richReference = object({
  apiVersion: str,
  conditions: arrayOf(componentCondition),
  fieldPath: str,
  kind: str,
  name: str,
  namespace: str,
  resourceVersion: str,
  uid: str,
});

const status = object({ components: object({ labelSelector, refs: arrayOf(richReference) }, ['labelSelector']) });

/** The Operator CRD (`spec: {}` upstream). */
export const OPERATOR_CRD: KubeObject = olmCRD({
  kind: 'Operator',
  plural: 'operators',
  scope: 'Cluster',
  versions: [{ name: 'v1', served: true, storage: true, schema: rootSchema({ spec: { type: 'object' }, status, required: [] }) }],
});
