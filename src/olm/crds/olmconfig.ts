/**
 * OLMConfig (operators.coreos.com/v1, cluster-scoped): OLM's feature switches, a singleton named
 * `cluster` (olm.md §3.8).
 */
import type { KubeObject } from '../../kube/index.ts';
import { bool, metaConditions, object, olmCRD, rootSchema } from './schema.ts';

const features = object({
  disableCopiedCSVs: bool,
  packageServerSyncInterval: { type: 'string', pattern: '^([0-9]+(\\.[0-9]+)?(s|m|h))+$' },
});

/** The OLMConfig CRD. */
export const OLM_CONFIG_CRD: KubeObject = olmCRD({
  kind: 'OLMConfig',
  plural: 'olmconfigs',
  scope: 'Cluster',
  versions: [{ name: 'v1', served: true, storage: true, schema: rootSchema({ spec: object({ features }), status: object({ conditions: metaConditions }) }) }],
});
