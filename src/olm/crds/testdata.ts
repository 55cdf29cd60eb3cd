/**
 * Upstream-shaped example objects of every OLM kind, taken from shared/reference/olm.md §3 and the
 * product document (the harbor-ce-operator Subscription); shared by the tests.
 */
import type { KubeObject } from '../../kube/index.ts';

const V1A1 = 'operators.coreos.com/v1alpha1';

/** olm.md §3.1. */
export const catalogSource: KubeObject = {
  apiVersion: V1A1,
  kind: 'CatalogSource',
  metadata: { name: 'my-catalog', namespace: 'olm' },
  spec: {
    sourceType: 'grpc',
    image: 'quay.io/example/my-catalog:latest',
    displayName: 'My Operators',
    publisher: 'Example Inc.',
    priority: 100,
    grpcPodConfig: { securityContextConfig: 'restricted', memoryTarget: '30Mi', nodeSelector: { 'kubernetes.io/os': 'linux' }, extractContent: { catalogDir: '/configs', cacheDir: '/tmp/cache' } },
    updateStrategy: { registryPoll: { interval: '30m' } },
  },
  status: {
    connectionState: { address: 'my-catalog.olm.svc:50051', lastConnect: '2025-01-10T10:01:00Z', lastObservedState: 'READY' },
    registryService: { createdAt: '2025-01-10T10:00:00Z', port: '50051', protocol: 'grpc', serviceName: 'my-catalog', serviceNamespace: 'olm' },
    latestImageRegistryPoll: '2025-01-10T10:30:00Z',
  },
};

/** The product document's Manual Subscription. */
export const harborSubscription: KubeObject = {
  apiVersion: V1A1,
  kind: 'Subscription',
  metadata: { annotations: { 'cpaas.io/target-namespaces': '' }, name: 'harbor-ce-operator-sub', namespace: 'harbor-ce-operator' },
  spec: {
    channel: 'stable',
    installPlanApproval: 'Manual',
    name: 'harbor-ce-operator',
    source: 'platform',
    sourceNamespace: 'cpaas-system',
    startingCSV: 'harbor-ce-operator.v2.12.11',
  },
};

/** olm.md §3.3, with the status OLM writes. */
export const etcdSubscription: KubeObject = {
  apiVersion: V1A1,
  kind: 'Subscription',
  metadata: { name: 'etcd', namespace: 'operators', labels: { 'operators.coreos.com/etcd.operators': '' } },
  spec: {
    channel: 'singlenamespace-alpha',
    name: 'etcd',
    source: 'operatorhubio-catalog',
    sourceNamespace: 'olm',
    installPlanApproval: 'Manual',
    startingCSV: 'etcdoperator.v0.9.2',
    config: {
      env: [{ name: 'LOG_LEVEL', value: 'debug' }, { name: 'POD', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } }],
      nodeSelector: { 'node-role.kubernetes.io/infra': '' },
      resources: { limits: { cpu: '500m', memory: '256Mi' }, requests: { cpu: 1 } },
      tolerations: [{ key: 'infra', operator: 'Exists', effect: 'NoSchedule' }],
    },
  },
  status: {
    state: 'UpgradePending',
    currentCSV: 'etcdoperator.v0.9.2',
    installPlanGeneration: 1,
    installPlanRef: { apiVersion: V1A1, kind: 'InstallPlan', name: 'install-x7k2p', namespace: 'operators', resourceVersion: '2049', uid: '0b1c-uid' },
    installplan: { apiVersion: V1A1, kind: 'InstallPlan', name: 'install-x7k2p', uuid: '0b1c-uid' },
    lastUpdated: '2025-01-10T10:05:00Z',
    catalogHealth: [
      {
        catalogSourceRef: { apiVersion: V1A1, kind: 'CatalogSource', name: 'operatorhubio-catalog', namespace: 'olm', resourceVersion: '1147', uid: '26cd-uid' },
        healthy: true,
        lastUpdated: '2025-01-10T10:04:00Z',
      },
    ],
    conditions: [
      { type: 'CatalogSourcesUnhealthy', status: 'False', reason: 'AllCatalogSourcesHealthy', message: 'all available catalogsources are healthy', lastTransitionTime: '2025-01-10T10:04:00Z' },
      { type: 'InstallPlanPending', status: 'True', reason: 'RequiresApproval', lastTransitionTime: '2025-01-10T10:05:00Z' },
    ],
  },
};

/** olm.md §3.4. */
export const installPlan: KubeObject = {
  apiVersion: V1A1,
  kind: 'InstallPlan',
  metadata: {
    name: 'install-x7k2p',
    namespace: 'operators',
    generateName: 'install-',
    labels: { 'operators.coreos.com/etcd.operators': '' },
    ownerReferences: [{ apiVersion: V1A1, kind: 'Subscription', name: 'etcd', uid: '8cfc-uid', controller: false, blockOwnerDeletion: false }],
  },
  spec: { approval: 'Manual', approved: false, clusterServiceVersionNames: ['etcdoperator.v0.9.2'], generation: 1 },
  status: {
    phase: 'RequiresApproval',
    catalogSources: ['operatorhubio-catalog'],
    bundleLookups: [
      {
        identifier: 'etcdoperator.v0.9.2',
        path: 'quay.io/operatorhubio/etcd@sha256:0000',
        replaces: '',
        catalogSourceRef: { name: 'operatorhubio-catalog', namespace: 'olm' },
        properties: '{"properties":[{"type":"olm.package","value":{"packageName":"etcd","version":"0.9.2"}}]}',
        conditions: [{ type: 'BundleLookupPending', status: 'True', reason: 'JobIncomplete', message: 'unpack job not completed', lastTransitionTime: '2025-01-10T10:05:00Z' }],
      },
    ],
    plan: [
      {
        resolving: 'etcdoperator.v0.9.2',
        status: 'Unknown',
        resource: {
          group: 'operators.coreos.com',
          version: 'v1alpha1',
          kind: 'ClusterServiceVersion',
          name: 'etcdoperator.v0.9.2',
          sourceName: 'operatorhubio-catalog',
          sourceNamespace: 'olm',
          manifest: '{"kind":"ConfigMap","name":"3f1c","namespace":"olm"}',
        },
      },
      {
        resolving: 'etcdoperator.v0.9.2',
        status: 'Unknown',
        optional: false,
        resource: { group: 'apiextensions.k8s.io', version: 'v1', kind: 'CustomResourceDefinition', name: 'etcdclusters.etcd.database.coreos.com', sourceName: 'operatorhubio-catalog', sourceNamespace: 'olm', manifest: '{}' },
      },
    ],
    conditions: [{ type: 'Installed', status: 'False', reason: 'InstallComponentFailed', message: 'error creating csv', lastUpdateTime: '2025-01-10T10:06:00Z', lastTransitionTime: '2025-01-10T10:06:00Z' }],
    startTime: '2025-01-10T10:05:00Z',
  },
};

const deploymentSpec = {
  replicas: 1,
  selector: { matchLabels: { name: 'etcd-operator' } },
  template: {
    metadata: { labels: { name: 'etcd-operator' } },
    spec: { serviceAccountName: 'etcd-operator', containers: [{ name: 'etcd-operator', image: 'quay.io/coreos/etcd-operator@sha256:c0301e', command: ['etcd-operator'], env: [{ name: 'MY_POD_NAMESPACE', valueFrom: { fieldRef: { fieldPath: 'metadata.namespace' } } }] }] },
  },
};

/** A registry+v1 CSV as shipped in real bundles (etcd, community catalog), with OLM's status. */
export const clusterServiceVersion: KubeObject = {
  apiVersion: V1A1,
  kind: 'ClusterServiceVersion',
  metadata: {
    name: 'etcdoperator.v0.9.4',
    namespace: 'operators',
    annotations: { 'alm-examples': '[{"apiVersion":"etcd.database.coreos.com/v1beta2","kind":"EtcdCluster"}]', capabilities: 'Full Lifecycle', categories: 'Database', 'olm.skipRange': '>=0.9.0 <0.9.4', 'olm.targetNamespaces': 'operators' },
  },
  spec: {
    displayName: 'etcd',
    description: 'Create and maintain highly-available etcd clusters on Kubernetes',
    version: '0.9.4',
    replaces: 'etcdoperator.v0.9.2',
    skips: ['etcdoperator.v0.9.3'],
    maturity: 'alpha',
    minKubeVersion: '1.20.0',
    keywords: ['etcd', 'key value', 'database'],
    labels: { 'alm-owner-etcd': 'etcdoperator' },
    selector: { matchLabels: { 'alm-owner-etcd': 'etcdoperator' } },
    links: [{ name: 'Blog', url: 'https://coreos.com/etcd' }],
    maintainers: [{ name: 'etcd Community', email: 'etcd-dev@googlegroups.com' }],
    provider: { name: 'CNCF' },
    icon: [{ base64data: 'iVBORw0KGgo=', mediatype: 'image/png' }],
    installModes: [
      { type: 'OwnNamespace', supported: true },
      { type: 'SingleNamespace', supported: true },
      { type: 'MultiNamespace', supported: false },
      { type: 'AllNamespaces', supported: false },
    ],
    install: {
      strategy: 'deployment',
      spec: {
        deployments: [{ name: 'etcd-operator', label: { app: 'etcd' }, spec: deploymentSpec }],
        permissions: [{ serviceAccountName: 'etcd-operator', rules: [{ apiGroups: ['etcd.database.coreos.com'], resources: ['etcdclusters'], verbs: ['*'] }] }],
        clusterPermissions: [{ serviceAccountName: 'etcd-operator', rules: [{ apiGroups: [''], resources: ['nodes'], verbs: ['get'] }] }],
      },
    },
    customresourcedefinitions: {
      owned: [
        {
          name: 'etcdclusters.etcd.database.coreos.com',
          version: 'v1beta2',
          kind: 'EtcdCluster',
          displayName: 'etcd Cluster',
          description: 'Represents a cluster of etcd nodes.',
          resources: [{ kind: 'Service', name: '', version: 'v1' }],
          specDescriptors: [{ path: 'size', displayName: 'Size', description: 'The desired number of member Pods.', 'x-descriptors': ['urn:alm:descriptor:com.tectonic.ui:podCount'], value: 3 }],
          statusDescriptors: [{ path: 'phase', displayName: 'Phase', 'x-descriptors': ['urn:alm:descriptor:io.kubernetes.phase'] }],
        },
      ],
      required: [{ name: 'backups.etcd.database.coreos.com', version: 'v1', kind: 'Backup' }],
    },
    apiservicedefinitions: { owned: [{ name: 'v1.metrics.example.com', group: 'metrics.example.com', version: 'v1', kind: 'Metric', deploymentName: 'etcd-operator', containerPort: 5443 }] },
    webhookdefinitions: [
      {
        generateName: 'vetcdcluster.kb.io',
        type: 'ValidatingAdmissionWebhook',
        deploymentName: 'etcd-operator',
        containerPort: 443,
        targetPort: 9443,
        sideEffects: 'None',
        failurePolicy: 'Fail',
        admissionReviewVersions: ['v1'],
        webhookPath: '/validate-etcdcluster',
        rules: [{ apiGroups: ['etcd.database.coreos.com'], apiVersions: ['v1beta2'], operations: ['CREATE', 'UPDATE'], resources: ['etcdclusters'] }],
      },
    ],
    nativeAPIs: [{ group: '', version: 'v1', kind: 'Pod' }],
    relatedImages: [{ name: 'etcd-operator', image: 'quay.io/coreos/etcd-operator@sha256:c0301e' }],
    cleanup: { enabled: false },
  },
  status: {
    phase: 'Succeeded',
    reason: 'InstallSucceeded',
    message: 'install strategy completed with no errors',
    lastUpdateTime: '2025-01-10T10:08:00Z',
    lastTransitionTime: '2025-01-10T10:08:00Z',
    conditions: [{ phase: 'Pending', reason: 'RequirementsUnknown', message: 'requirements not yet checked', lastUpdateTime: '2025-01-10T10:07:00Z', lastTransitionTime: '2025-01-10T10:07:00Z' }],
    requirementStatus: [
      { group: 'apiextensions.k8s.io', version: 'v1', kind: 'CustomResourceDefinition', name: 'etcdclusters.etcd.database.coreos.com', status: 'Present', message: 'CRD is present and Established condition is true', uuid: 'a1' },
      { group: '', version: 'v1', kind: 'ServiceAccount', name: 'etcd-operator', status: 'Present', message: '', dependents: [{ group: 'rbac.authorization.k8s.io', version: 'v1', kind: 'PolicyRule', status: 'Satisfied', message: 'namespaced rule:{"verbs":["*"]}' }] },
    ],
    certsLastUpdated: '2025-01-10T10:08:00Z',
    certsRotateAt: '2027-01-10T10:08:00Z',
    cleanup: { pendingDeletion: [{ group: 'etcd.database.coreos.com', kind: 'EtcdCluster', instances: [{ name: 'example', namespace: 'operators' }] }] },
  },
};

/** olm.md §3.6. */
export const operatorGroup: KubeObject = {
  apiVersion: 'operators.coreos.com/v1',
  kind: 'OperatorGroup',
  metadata: { name: 'og-single', namespace: 'team-a', annotations: { 'olm.providedAPIs': 'EtcdCluster.v1beta2.etcd.database.coreos.com' } },
  spec: { targetNamespaces: ['team-a'], upgradeStrategy: 'Default' },
  status: {
    lastUpdated: '2025-01-10T10:00:00Z',
    namespaces: ['team-a'],
    conditions: [{ type: 'MultipleOperatorGroup', status: 'True', reason: 'MultipleOperatorGroupsFound', message: 'Multiple OperatorGroup found in the same namespace', lastTransitionTime: '2025-01-10T10:00:00Z' }],
  },
};

/** The upstream quickstart's AllNamespaces group: no spec at all. */
export const globalOperatorGroup: KubeObject = {
  apiVersion: 'operators.coreos.com/v1alpha2',
  kind: 'OperatorGroup',
  metadata: { name: 'global-operators', namespace: 'operators' },
  status: { lastUpdated: '2025-01-10T10:00:00Z', namespaces: [''] },
};

/** olm.md §3.7. */
export const operator: KubeObject = {
  apiVersion: 'operators.coreos.com/v1',
  kind: 'Operator',
  metadata: { name: 'etcd.operators' },
  spec: {},
  status: {
    components: {
      labelSelector: { matchExpressions: [{ key: 'operators.coreos.com/etcd.operators', operator: 'Exists' }] },
      refs: [
        {
          apiVersion: V1A1,
          kind: 'ClusterServiceVersion',
          name: 'etcdoperator.v0.9.4',
          namespace: 'operators',
          conditions: [{ type: 'Succeeded', status: 'True', reason: 'InstallSucceeded', message: 'install strategy completed with no errors' }],
        },
        { apiVersion: 'apiextensions.k8s.io/v1', kind: 'CustomResourceDefinition', name: 'etcdclusters.etcd.database.coreos.com', conditions: [{ type: 'Established', status: 'True', reason: 'InitialNamesAccepted' }] },
      ],
    },
  },
};

/** olm.md §3.8: an operator reporting Upgradeable=False, overridden by an admin. */
export const operatorCondition: KubeObject = {
  apiVersion: 'operators.coreos.com/v2',
  kind: 'OperatorCondition',
  metadata: { name: 'etcdoperator.v0.9.4', namespace: 'operators' },
  spec: {
    deployments: ['etcd-operator'],
    serviceAccounts: ['etcd-operator'],
    conditions: [{ type: 'Upgradeable', status: 'False', reason: 'Migrating', message: 'data migration in progress', lastTransitionTime: '2025-01-10T10:00:00Z' }],
    overrides: [{ type: 'Upgradeable', status: 'True', reason: 'AdminOverride', message: 'approved by admin', lastTransitionTime: '2025-01-10T11:00:00Z' }],
  },
  status: { conditions: [{ type: 'Upgradeable', status: 'True', reason: 'AdminOverride', message: 'approved by admin', lastTransitionTime: '2025-01-10T11:00:00Z' }] },
};

/** olm.md §3.8: the `cluster` singleton. */
export const olmConfig: KubeObject = {
  apiVersion: 'operators.coreos.com/v1',
  kind: 'OLMConfig',
  metadata: { name: 'cluster' },
  spec: { features: { disableCopiedCSVs: true, packageServerSyncInterval: '1h30m' } },
  status: { conditions: [{ type: 'DisabledCopiedCSVs', status: 'True', reason: 'CopiedCSVsDisabled', message: 'Copied CSVs are disabled', lastTransitionTime: '2025-01-10T10:00:00Z' }] },
};

/** Every example, one or more per kind. */
export const EXAMPLES: KubeObject[] = [catalogSource, harborSubscription, etcdSubscription, installPlan, clusterServiceVersion, operatorGroup, globalOperatorGroup, operator, operatorCondition, olmConfig];
