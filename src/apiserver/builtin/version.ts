/** The `GET /version` payload. */

/**
 * Kubernetes version the server emulates. No pre-release suffix: helm matches chart `kubeVersion`
 * constraints (e.g. ">=1.25.0") with Masterminds/semver, which rejects pre-release versions
 * unless the constraint itself has one.
 */
export const KUBERNETES_GIT_VERSION = 'v1.33.0';

/** Shape of k8s.io/apimachinery/pkg/version.Info. */
export interface VersionInfo {
  major: string;
  minor: string;
  gitVersion: string;
  gitCommit: string;
  gitTreeState: string;
  buildDate: string;
  goVersion: string;
  compiler: string;
  platform: string;
}

/**
 * Body of `GET /version` (helm calls it before anything else; kubectl version prints it).
 *
 * @example
 * versionInfo().gitVersion; // 'v1.33.0'
 */
export function versionInfo(): VersionInfo {
  const [major, minor] = KUBERNETES_GIT_VERSION.slice(1).split('.');
  return {
    major,
    minor,
    gitVersion: KUBERNETES_GIT_VERSION,
    gitCommit: '0000000000000000000000000000000000000000',
    gitTreeState: 'clean',
    buildDate: '2025-04-23T00:00:00Z',
    goVersion: `node${process.versions.node}`,
    compiler: 'gc',
    platform: `${process.platform === 'win32' ? 'windows' : process.platform}/${process.arch === 'x64' ? 'amd64' : process.arch}`,
  };
}
