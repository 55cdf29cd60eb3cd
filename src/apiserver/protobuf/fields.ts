/**
 * Field facts that the .proto cannot express but Go-JSON parity needs. Keys are
 * `MessageName.field` (short message names are unique in k8s.proto).
 *
 * The rule: gogo protobuf writes every *value* scalar of a Go struct (so `""`, `0` and `false`
 * arrive for fields the client never set) but a *pointer* scalar only when it is non-nil. Go's
 * JSON encoder, with `omitempty`, drops zero value scalars and keeps set pointers. So a decoded
 * zero scalar is dropped unless its field is listed here: every pointer scalar (`*int32`,
 * `*bool`, `*string`, ...) of the messages we serve, plus the few value scalars upstream marks
 * without `omitempty` whose zero is meaningful (`PriorityClass.value`, `ContainerPort.containerPort`).
 */
const KEEP_ZERO_LIST: Record<string, string[]> = {
  ObjectMeta: ['deletionGracePeriodSeconds'],
  OwnerReference: ['controller', 'blockOwnerDeletion'],
  DeleteOptions: ['gracePeriodSeconds', 'orphanDependents', 'propagationPolicy', 'ignoreStoreReadErrorWithClusterBreakingPotential'],
  Preconditions: ['uid', 'resourceVersion'],
  PatchOptions: ['force'],
  ConfigMap: ['immutable'],
  Secret: ['immutable'],
  ServiceAccount: ['automountServiceAccountToken'],
  ServiceSpec: ['allocateLoadBalancerNodePorts', 'ipFamilyPolicy', 'loadBalancerClass', 'internalTrafficPolicy', 'trafficDistribution'],
  ServicePort: ['appProtocol', 'port'],
  ClientIPConfig: ['timeoutSeconds'],
  LoadBalancerIngress: ['ipMode'],
  PortStatus: ['port', 'error'],
  EndpointAddress: ['nodeName'],
  EndpointPort: ['appProtocol', 'port'],
  PersistentVolumeClaimSpec: ['storageClassName', 'volumeMode', 'volumeAttributesClassName'],
  PersistentVolumeClaimStatus: ['currentVolumeAttributesClassName'],
  PodSpec: [
    'terminationGracePeriodSeconds', 'activeDeadlineSeconds', 'automountServiceAccountToken', 'shareProcessNamespace',
    'priority', 'runtimeClassName', 'enableServiceLinks', 'preemptionPolicy', 'setHostnameAsFQDN', 'hostUsers',
  ],
  Container: ['restartPolicy'],
  EphemeralContainerCommon: ['restartPolicy'],
  ContainerPort: ['containerPort'],
  ConfigMapEnvSource: ['optional'],
  SecretEnvSource: ['optional'],
  ConfigMapKeySelector: ['optional'],
  SecretKeySelector: ['optional'],
  Probe: ['terminationGracePeriodSeconds'],
  GRPCAction: ['port', 'service'],
  SleepAction: ['seconds'],
  SecurityContext: ['privileged', 'runAsUser', 'runAsGroup', 'runAsNonRoot', 'readOnlyRootFilesystem', 'allowPrivilegeEscalation', 'procMount'],
  WindowsSecurityContextOptions: ['gmsaCredentialSpecName', 'gmsaCredentialSpec', 'runAsUserName', 'hostProcess'],
  SeccompProfile: ['localhostProfile'],
  AppArmorProfile: ['localhostProfile'],
  PodSecurityContext: ['runAsUser', 'runAsGroup', 'runAsNonRoot', 'fsGroup', 'fsGroupChangePolicy', 'supplementalGroupsPolicy', 'seLinuxChangePolicy'],
  Toleration: ['tolerationSeconds'],
  PodDNSConfigOption: ['value'],
  TopologySpreadConstraint: ['maxSkew', 'minDomains', 'nodeAffinityPolicy', 'nodeTaintsPolicy'],
  PodResourceClaim: ['resourceClaimName', 'resourceClaimTemplateName'],
  PreferredSchedulingTerm: ['weight'],
  WeightedPodAffinityTerm: ['weight'],
  HostPathVolumeSource: ['type'],
  SecretVolumeSource: ['defaultMode', 'optional'],
  KeyToPath: ['mode'],
  DownwardAPIVolumeSource: ['defaultMode'],
  DownwardAPIVolumeFile: ['mode'],
  ConfigMapVolumeSource: ['defaultMode', 'optional'],
  ProjectedVolumeSource: ['defaultMode'],
  SecretProjection: ['optional'],
  ConfigMapProjection: ['optional'],
  ServiceAccountTokenProjection: ['expirationSeconds'],
  CSIVolumeSource: ['readOnly', 'fsType'],
  ContainerStatus: ['ready', 'restartCount', 'started'],
  ContainerStateTerminated: ['exitCode'],
  DeploymentSpec: ['replicas', 'revisionHistoryLimit', 'progressDeadlineSeconds'],
  DeploymentStatus: ['terminatingReplicas', 'collisionCount'],
  StatefulSetSpec: ['replicas', 'revisionHistoryLimit'],
  RollingUpdateStatefulSetStrategy: ['partition'],
  StatefulSetStatus: ['replicas', 'collisionCount'],
  DaemonSetSpec: ['revisionHistoryLimit'],
  DaemonSetStatus: ['currentNumberScheduled', 'numberMisscheduled', 'desiredNumberScheduled', 'numberReady', 'collisionCount'],
  ReplicaSetSpec: ['replicas'],
  ReplicaSetStatus: ['replicas', 'terminatingReplicas'],
  JobSpec: [
    'parallelism', 'completions', 'activeDeadlineSeconds', 'backoffLimit', 'backoffLimitPerIndex', 'maxFailedIndexes',
    'manualSelector', 'ttlSecondsAfterFinished', 'completionMode', 'suspend', 'podReplacementPolicy', 'managedBy',
  ],
  SuccessPolicyRule: ['succeededIndexes', 'succeededCount'],
  PodFailurePolicyOnExitCodesRequirement: ['containerName'],
  JobStatus: ['terminating', 'ready'],
  CronJobSpec: ['timeZone', 'startingDeadlineSeconds', 'suspend', 'successfulJobsHistoryLimit', 'failedJobsHistoryLimit'],
  LeaseSpec: ['holderIdentity', 'leaseDurationSeconds', 'leaseTransitions', 'strategy', 'preferredHolder'],
  PriorityClass: ['value', 'preemptionPolicy'],
  PodDisruptionBudgetSpec: ['unhealthyPodEvictionPolicy'],
  PodDisruptionBudgetStatus: ['disruptionsAllowed', 'currentHealthy', 'desiredHealthy', 'expectedPods'],
  IngressSpec: ['ingressClassName'],
  HTTPIngressPath: ['pathType'],
  IngressPortStatus: ['port', 'error'],
  NetworkPolicyPort: ['protocol', 'endPort'],
  StorageClass: ['reclaimPolicy', 'allowVolumeExpansion', 'volumeBindingMode'],
  SubjectAccessReviewStatus: ['allowed'],
  TokenRequestSpec: ['expirationSeconds'],
};

/**
 * Embedded Go structs tagged `json:",inline"`: a nested message on the wire, flattened into
 * the parent in JSON (`Volume.volumeSource.configMap` is `volume.configMap`).
 */
const INLINE_LIST: Record<string, string[]> = {
  Volume: ['volumeSource'],
  Probe: ['handler'],
  EphemeralContainer: ['ephemeralContainerCommon'],
  IngressRule: ['ingressRuleValue'],
  ConfigMapEnvSource: ['localObjectReference'],
  SecretEnvSource: ['localObjectReference'],
  ConfigMapKeySelector: ['localObjectReference'],
  SecretKeySelector: ['localObjectReference'],
  ConfigMapVolumeSource: ['localObjectReference'],
  SecretProjection: ['localObjectReference'],
  ConfigMapProjection: ['localObjectReference'],
};

function toKeySet(list: Record<string, string[]>): ReadonlySet<string> {
  return new Set(Object.entries(list).flatMap(([message, fields]) => fields.map((field) => `${message}.${field}`)));
}

const KEEP_ZERO = toKeySet(KEEP_ZERO_LIST);
const INLINE = toKeySet(INLINE_LIST);

/** True if a zero value (`0`, `false`, `""`) of this field is meaningful and must be kept. */
export function keepsZero(messageName: string, fieldName: string): boolean {
  return KEEP_ZERO.has(`${messageName}.${fieldName}`);
}

/** True if this message field is an inline (embedded) struct in JSON. */
export function isInline(messageName: string, fieldName: string): boolean {
  return INLINE.has(`${messageName}.${fieldName}`);
}
