/**
 * ClusterServiceVersion (operators.coreos.com/v1alpha1, namespaced, `csv`/`csvs`): one operator
 * version and how to run it (api `clusterserviceversion_types.go`; olm.md §3.5). Every field name of
 * the spec and status is modelled; deep Kubernetes types (DeploymentSpec, PolicyRule, webhook rules)
 * and descriptor values are kept free-form so real-world bundles are accepted under Strict
 * field validation.
 */
import type { KubeObject } from '../../kube/index.ts';
import type { JSONSchemaProps, PrinterColumn } from '../../apiserver/index.ts';
import { arrayOf, bool, labelSelector, object, olmCRD, oneOf, preserved, rootSchema, str, stringMap, strings, time } from './schema.ts';

/**
 * Printer columns of api ≤ v0.36 (`NAME  DISPLAY  VERSION  REPLACES  PHASE`), the layout users and
 * docs show; the later Release column (api ≥ v0.37) is left out on purpose (olm.md §2).
 */
export const CLUSTER_SERVICE_VERSION_COLUMNS: PrinterColumn[] = [
  { description: 'The name of the CSV', jsonPath: '.spec.displayName', name: 'Display', type: 'string' },
  { description: 'The version of the CSV', jsonPath: '.spec.version', name: 'Version', type: 'string' },
  { description: 'The name of a CSV that this one replaces', jsonPath: '.spec.replaces', name: 'Replaces', type: 'string' },
  { jsonPath: '.status.phase', name: 'Phase', type: 'string' },
];

const int32: JSONSchemaProps = { type: 'integer', format: 'int32' };

/** Spec/status/action descriptor: `x-descriptors` and `value` are free-form UI hints. */
const descriptor = object({ description: str, displayName: str, path: str, value: { 'x-kubernetes-preserve-unknown-fields': true }, 'x-descriptors': strings }, ['path']);
const descriptorFields = {
  actionDescriptors: arrayOf(descriptor),
  description: str,
  displayName: str,
  resources: arrayOf(object({ kind: str, name: str, version: str }, ['kind', 'name', 'version'])),
  specDescriptors: arrayOf(descriptor),
  statusDescriptors: arrayOf(descriptor),
};

const crdDescription = object({ ...descriptorFields, kind: str, name: str, version: str }, ['kind', 'name', 'version']);
const apiServiceDescription = object(
  { ...descriptorFields, containerPort: int32, deploymentName: str, group: str, kind: str, name: str, version: str },
  ['group', 'kind', 'name', 'version'],
);

const permissions = arrayOf(object({ rules: preserved('array'), serviceAccountName: str }, ['rules', 'serviceAccountName']));

const install = object(
  {
    spec: object(
      {
        clusterPermissions: permissions,
        deployments: arrayOf(object({ label: stringMap, name: str, spec: preserved() }, ['name', 'spec'])),
        permissions,
      },
      ['deployments'],
    ),
    strategy: str,
  },
  ['strategy'],
);

const webhookDescription = object(
  {
    admissionReviewVersions: strings,
    containerPort: { type: 'integer', format: 'int32', default: 443, maximum: 65535, minimum: 1 },
    conversionCRDs: strings,
    deploymentName: str,
    failurePolicy: str,
    generateName: str,
    matchPolicy: str,
    objectSelector: labelSelector,
    reinvocationPolicy: str,
    rules: preserved('array'),
    sideEffects: str,
    targetPort: { 'x-kubernetes-int-or-string': true, anyOf: [{ type: 'integer' }, { type: 'string' }] },
    timeoutSeconds: int32,
    type: oneOf('ValidatingAdmissionWebhook', 'MutatingAdmissionWebhook', 'ConversionWebhook'),
    webhookPath: str,
  },
  ['admissionReviewVersions', 'generateName', 'sideEffects', 'type'],
);

const spec = object(
  {
    annotations: stringMap,
    apiservicedefinitions: object({ owned: arrayOf(apiServiceDescription), required: arrayOf(apiServiceDescription) }),
    cleanup: object({ enabled: bool }, ['enabled']),
    customresourcedefinitions: object({ owned: arrayOf(crdDescription), required: arrayOf(crdDescription) }),
    description: str,
    displayName: str,
    icon: arrayOf(object({ base64data: str, mediatype: str }, ['base64data', 'mediatype'])),
    install,
    installModes: arrayOf(object({ supported: bool, type: str }, ['supported', 'type'])),
    keywords: strings,
    labels: stringMap,
    links: arrayOf(object({ name: str, url: str })),
    maintainers: arrayOf(object({ email: str, name: str })),
    maturity: str,
    minKubeVersion: str,
    nativeAPIs: arrayOf(object({ group: str, kind: str, version: str }, ['group', 'kind', 'version'])),
    provider: object({ name: str, url: str }),
    relatedImages: arrayOf(object({ image: str, name: str }, ['image', 'name'])),
    release: { type: 'string', maxLength: 20 },
    replaces: str,
    selector: labelSelector,
    skips: strings,
    version: str,
    webhookdefinitions: arrayOf(webhookDescription),
  },
  ['displayName', 'install'],
);

const phaseCondition = object({ lastTransitionTime: time, lastUpdateTime: time, message: str, phase: str, reason: str });

const requirementStatus = object(
  {
    dependents: arrayOf(object({ group: str, kind: str, message: str, status: str, uuid: str, version: str }, ['group', 'kind', 'status', 'version'])),
    group: str,
    kind: str,
    message: str,
    name: str,
    status: str,
    uuid: str,
    version: str,
  },
  ['group', 'kind', 'message', 'name', 'status', 'version'],
);

const pendingDeletion = object(
  { group: str, instances: arrayOf(object({ name: str, namespace: str }, ['name'])), kind: str },
  ['group', 'instances', 'kind'],
);

const status = object({
  certsLastUpdated: time,
  certsRotateAt: time,
  cleanup: object({ pendingDeletion: arrayOf(pendingDeletion) }),
  conditions: arrayOf(phaseCondition),
  lastTransitionTime: time,
  lastUpdateTime: time,
  message: str,
  phase: str,
  reason: str,
  requirementStatus: arrayOf(requirementStatus),
});

/** The ClusterServiceVersion CRD. */
export const CLUSTER_SERVICE_VERSION_CRD: KubeObject = olmCRD({
  kind: 'ClusterServiceVersion',
  plural: 'clusterserviceversions',
  scope: 'Namespaced',
  shortNames: ['csv', 'csvs'],
  versions: [
    { name: 'v1alpha1', served: true, storage: true, columns: CLUSTER_SERVICE_VERSION_COLUMNS, schema: rootSchema({ spec, status, required: ['metadata', 'spec'] }) },
  ],
});
