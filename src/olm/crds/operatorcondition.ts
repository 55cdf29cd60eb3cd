/**
 * OperatorCondition (operators.coreos.com/v2 storage, v1 served; namespaced, `condition`): how an
 * operator tells OLM it is not upgradeable, and how an admin overrides that (olm.md §3.8).
 */
import type { KubeObject } from '../../kube/index.ts';
import { metaConditions, object, olmCRD, rootSchema, strings } from './schema.ts';

const v1Spec = { deployments: strings, overrides: metaConditions, serviceAccounts: strings };
const status = object({ conditions: metaConditions });

/** The OperatorCondition CRD; v2 adds `spec.conditions` (written by the operator). */
export const OPERATOR_CONDITION_CRD: KubeObject = olmCRD({
  kind: 'OperatorCondition',
  plural: 'operatorconditions',
  scope: 'Namespaced',
  shortNames: ['condition'],
  versions: [
    { name: 'v1', served: true, storage: false, schema: rootSchema({ spec: object(v1Spec), status }) },
    { name: 'v2', served: true, storage: true, schema: rootSchema({ spec: object({ conditions: metaConditions, ...v1Spec }), status }) },
  ],
});
