import type { ResourceDef } from './resource.ts';

/** The resources one logical cluster serves: built-ins plus those its CRDs define. */
export class ResourceRegistry {
  private readonly builtins: ResourceDef[];
  private readonly fromCRDs = new Map<string, ResourceDef[]>();
  private index = new Map<string, ResourceDef>();
  /** Bumped on every change so derived documents (discovery, OpenAPI) can be cached. */
  generation = 0;

  constructor(builtins: ResourceDef[]) {
    this.builtins = builtins;
    this.rebuild();
  }

  /** Replace the resources contributed by one CRD (by CRD name). An empty list removes them. */
  setCRD(crdName: string, defs: ResourceDef[]): void {
    if (defs.length === 0) this.fromCRDs.delete(crdName);
    else this.fromCRDs.set(crdName, defs);
    this.rebuild();
  }

  hasCRD(crdName: string): boolean {
    return this.fromCRDs.has(crdName);
  }

  lookup(group: string, version: string, plural: string): ResourceDef | undefined {
    return this.index.get(`${group}/${version}/${plural}`);
  }

  /** Resolve an owner reference or a `kind` to its definition. */
  byKind(group: string, version: string, kind: string): ResourceDef | undefined {
    return this.all().find((d) => d.group === group && d.version === version && d.kind === kind);
  }

  /** The definition serving group+plural (first served version), version-agnostic. */
  byGroupResource(group: string, plural: string): ResourceDef | undefined {
    return this.all().find((d) => d.group === group && d.plural === plural);
  }

  /** Any served version of the resource (for GC and namespace cleanup, which are version-agnostic). */
  storageDefs(): ResourceDef[] {
    const seen = new Set<string>();
    const out: ResourceDef[] = [];
    for (const d of this.all()) {
      const id = `${d.group}/${d.plural}`;
      if (seen.has(id)) continue;
      seen.add(id);
      out.push(d);
    }
    return out;
  }

  all(): ResourceDef[] {
    return [...this.index.values()];
  }

  /** Groups with their versions in preference order; core group first, then by name. */
  groups(): { group: string; versions: string[] }[] {
    const map = new Map<string, string[]>();
    for (const d of this.all()) {
      const versions = map.get(d.group) ?? [];
      if (!versions.includes(d.version)) versions.push(d.version);
      map.set(d.group, versions);
    }
    return [...map.entries()].map(([group, versions]) => ({ group, versions: versions.sort(compareKubeVersions) }));
  }

  private rebuild(): void {
    const index = new Map<string, ResourceDef>();
    for (const d of [...this.builtins, ...[...this.fromCRDs.values()].flat()]) {
      const key = `${d.group}/${d.version}/${d.plural}`;
      if (!index.has(key)) index.set(key, d);
    }
    this.index = index;
    this.generation++;
  }
}

/** Kubernetes version priority: GA > beta > alpha, higher numbers first (v2 > v1 > v1beta2). */
export function compareKubeVersions(a: string, b: string): number {
  const pa = parseKubeVersion(a);
  const pb = parseKubeVersion(b);
  if (!pa || !pb) return pa ? -1 : pb ? 1 : a.localeCompare(b);
  if (pa.stage !== pb.stage) return pb.stage - pa.stage;
  if (pa.major !== pb.major) return pb.major - pa.major;
  return pb.minor - pa.minor;
}

function parseKubeVersion(v: string): { major: number; stage: number; minor: number } | undefined {
  const m = /^v(\d+)(?:(alpha|beta)(\d+))?$/.exec(v);
  if (!m) return undefined;
  const stage = m[2] === 'alpha' ? 0 : m[2] === 'beta' ? 1 : 2;
  return { major: Number(m[1]), stage, minor: Number(m[3] ?? 0) };
}
