/**
 * The cluster agent: reconciles AppReleases (`operator.alauda.io/v1alpha1`) in one cluster — fetch charts
 * from the platform (OCI or Helm HTTP repository), render them with the real helm, apply with ownership
 * labels, prune, report per-chart phase and health. See README.md.
 */
export { startClusterAgent } from './agent.ts';
export type { ClusterAgent, ClusterAgentOptions } from './agent.ts';
export { AGENT_CRDS, APPRELEASE_CRD, APPRELEASES } from './crd.ts';
export type { AppRelease, AppReleaseChart, AppReleaseCondition, AppReleaseSpec, AppReleaseStatus, ChartPhase, ChartStatus } from './crd.ts';
export { APP_RELEASE_FINALIZER } from './reconcile.ts';
export { AGENT_FIELD_MANAGER } from './apply.ts';
export { APP_RELEASE_LABEL, APP_RELEASE_NAMESPACE_LABEL, CHART_RELEASE_LABEL, ownerSelector } from './manifests.ts';
export { resolveHelm } from './helm.ts';
