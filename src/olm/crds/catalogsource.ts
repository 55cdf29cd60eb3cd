/**
 * CatalogSource (operators.coreos.com/v1alpha1, namespaced, `catsrc`): a repository of bundles
 * (api `catalogsource_types.go`; olm.md §3.1). `sourceType` is not an enum in the CRD: OLM reports a
 * bad value as `status.reason: SpecInvalidError`, so the schema accepts any string.
 */
import type { KubeObject } from '../../kube/index.ts';
import type { JSONSchemaProps, PrinterColumn } from '../../apiserver/index.ts';
import { arrayOf, int, metaCondition, object, olmCRD, oneOf, preserved, quantity, rootSchema, str, stringMap, strings, time } from './schema.ts';

/** Upstream printer columns: `NAME  DISPLAY  TYPE  PUBLISHER  AGE`. */
export const CATALOG_SOURCE_COLUMNS: PrinterColumn[] = [
  { description: 'The pretty name of the catalog', jsonPath: '.spec.displayName', name: 'Display', type: 'string' },
  { description: 'The type of the catalog', jsonPath: '.spec.sourceType', name: 'Type', type: 'string' },
  { description: 'The publisher of the catalog', jsonPath: '.spec.publisher', name: 'Publisher', type: 'string' },
  { jsonPath: '.metadata.creationTimestamp', name: 'Age', type: 'date' },
];

const grpcPodConfig = object({
  affinity: preserved(),
  extractContent: object({ cacheDir: str, catalogDir: str }, ['catalogDir']),
  memoryTarget: quantity,
  nodeSelector: stringMap,
  priorityClassName: str,
  securityContextConfig: oneOf('legacy', 'restricted'),
  tolerations: preserved('array'),
});

const spec = object(
  {
    address: str,
    configMap: str,
    description: str,
    displayName: str,
    grpcPodConfig,
    icon: object({ base64data: str, mediatype: str }, ['base64data', 'mediatype']),
    image: str,
    priority: int,
    publisher: str,
    secrets: strings,
    sourceType: str,
    updateStrategy: object({ registryPoll: object({ interval: str }) }),
  },
  ['sourceType'],
);

const status: JSONSchemaProps = object({
  conditions: { ...arrayOf(metaCondition), 'x-kubernetes-list-type': 'map', 'x-kubernetes-list-map-keys': ['type'] },
  configMapReference: object({ lastUpdateTime: time, name: str, namespace: str, resourceVersion: str, uid: str }, ['name', 'namespace']),
  connectionState: object({ address: str, lastConnect: time, lastObservedState: str }, ['lastObservedState']),
  latestImageRegistryPoll: time,
  message: str,
  reason: str,
  registryService: object({ createdAt: time, port: str, protocol: str, serviceName: str, serviceNamespace: str }),
});

/** The CatalogSource CRD. */
export const CATALOG_SOURCE_CRD: KubeObject = olmCRD({
  kind: 'CatalogSource',
  plural: 'catalogsources',
  scope: 'Namespaced',
  shortNames: ['catsrc'],
  versions: [{ name: 'v1alpha1', served: true, storage: true, columns: CATALOG_SOURCE_COLUMNS, schema: rootSchema({ spec, status, required: ['metadata', 'spec'] }) }],
});
