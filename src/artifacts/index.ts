/** Artifact / ArtifactVersion: the listing resources `violet push` creates for operators and charts. */
export { ARTIFACT_CRD, ARTIFACT_VERSION_CRD, ARTIFACT_CRDS } from './crds.ts';
