/** One problem found in catalog or bundle content: where (file, blob) and what. */
export interface CatalogProblem {
  /** File inside the catalog or bundle, e.g. `etcd/catalog.yaml`, `manifests/etcd.csv.yaml`. */
  file?: string;
  /** The blob or document, e.g. `olm.bundle "etcd.v0.9.4"` or `document 2`. */
  blob?: string;
  message: string;
}

/** Renders a problem as `file: blob: message`. */
export function formatProblem(p: CatalogProblem): string {
  return [p.file, p.blob, p.message].filter(Boolean).join(': ');
}

/**
 * Invalid catalog or bundle content. Every problem found is reported at once (`problems`); the message lists
 * them one per line. Retrying cannot fix it: the content must be rebuilt.
 * @example
 * try { parseFileBasedCatalog(files); } catch (err) { if (err instanceof CatalogError) for (const p of err.problems) log(p); }
 */
export class CatalogError extends Error {
  readonly problems: CatalogProblem[];

  constructor(what: string, problems: CatalogProblem[]) {
    const lines = problems.map(formatProblem);
    super(problems.length === 1 ? `${what}: ${lines[0]}` : `${what}: ${problems.length} problems:\n  ${lines.join('\n  ')}`);
    this.name = 'CatalogError';
    this.problems = problems;
  }
}
