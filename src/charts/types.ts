/** Shapes of the chart repository: Chart.yaml metadata and index entries (helm `pkg/repo/v1/index.go`). */

/** Chart.yaml fields Helm knows (`pkg/chart/metadata.go`); only these go into index.yaml (Helm reads it strictly). */
export interface ChartMetadata {
  apiVersion: string;
  name: string;
  version: string;
  appVersion?: string;
  description?: string;
  type?: string;
  keywords?: string[];
  home?: string;
  sources?: string[];
  maintainers?: { name?: string; email?: string; url?: string }[];
  icon?: string;
  kubeVersion?: string;
  condition?: string;
  tags?: string;
  dependencies?: Record<string, unknown>[];
  deprecated?: boolean;
  annotations?: Record<string, string>;
}

/** Where an index entry comes from: an upload (ChartMuseum API, violet push) or a Helm OCI push. */
export type ChartSource = 'upload' | 'oci';

/** One chart version in a repository, as kept in memory and persisted (uploads) per version. */
export interface ChartEntry {
  metadata: ChartMetadata;
  /** Hex sha256 of the archive. */
  digest: string;
  size: number;
  /** RFC 3339 time the version entered the repository. */
  created: string;
  source: ChartSource;
  /** A provenance file is stored beside the archive (uploads) or as an OCI layer. */
  hasProvenance: boolean;
  /** For OCI charts: where the archive lives in the platform registry. */
  oci?: { repository: string; tag: string; manifestDigest: string; provenanceDigest?: string };
}
