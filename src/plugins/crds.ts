import type { KubeObject } from '../kube/index.ts';

/**
 * ModulePlugin (cluster.alauda.io/v1alpha1, cluster-scoped, `mplugin`): the published cluster plugin,
 * created by `violet push` in the global cluster. Its controller (ModuleConfig per version, ModuleInfo
 * installs) arrives with the cluster-plugins issue; the schema lists the published spec fields and keeps
 * the rest (preserve-unknown-fields) until then. `kubectl get moduleplugins` prints NAME and AGE.
 */
export const MODULE_PLUGIN_CRD: KubeObject = {
  apiVersion: 'apiextensions.k8s.io/v1',
  kind: 'CustomResourceDefinition',
  metadata: { name: 'moduleplugins.cluster.alauda.io' },
  spec: {
    group: 'cluster.alauda.io',
    scope: 'Cluster',
    names: { plural: 'moduleplugins', singular: 'moduleplugin', kind: 'ModulePlugin', listKind: 'ModulePluginList', shortNames: ['mplugin'] },
    versions: [
      {
        name: 'v1alpha1',
        served: true,
        storage: true,
        subresources: { status: {} },
        schema: {
          openAPIV3Schema: {
            type: 'object',
            properties: {
              spec: {
                type: 'object',
                'x-kubernetes-preserve-unknown-fields': true,
                required: ['deleteable', 'description', 'logo', 'name'],
                properties: {
                  name: { type: 'string' },
                  version: { type: 'string' },
                  description: { type: 'object', properties: { en: { type: 'string' }, zh: { type: 'string' } } },
                  logo: { type: 'string' },
                  deleteable: { type: 'boolean' },
                  mainChart: { type: 'string' },
                  config: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true },
                },
              },
              status: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true },
            },
          },
        },
      },
    ],
  },
};

/** CRDs of this component, installed in the global cluster only. */
export const GLOBAL_PLUGIN_CRDS: KubeObject[] = [MODULE_PLUGIN_CRD];
