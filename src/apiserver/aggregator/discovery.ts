import type { ResourceDef, Verb } from '../resource.ts';

/** One entry of a backend's APIResourceList (`GET /apis/<g>/<v>`). */
interface APIResource {
  name: string;
  singularName?: string;
  namespaced: boolean;
  kind: string;
  verbs: string[];
  shortNames?: string[];
  categories?: string[];
}

/** Turns a backend's APIResourceList into ResourceDefs served by proxy (status subresources folded in). */
export function defsFromResourceList(group: string, version: string, list: { resources?: APIResource[] }): ResourceDef[] {
  const resources = list.resources ?? [];
  const subresources = new Set(resources.filter((r) => r.name.includes('/')).map((r) => r.name));
  return resources
    .filter((r) => !r.name.includes('/'))
    .map((r) => ({
      group,
      version,
      kind: r.kind,
      listKind: `${r.kind}List`,
      plural: r.name,
      singular: r.singularName || r.kind.toLowerCase(),
      shortNames: r.shortNames ?? [],
      categories: r.categories ?? [],
      namespaced: r.namespaced,
      verbs: r.verbs as Verb[],
      statusSubresource: subresources.has(`${r.name}/status`),
      builtin: false,
      allowUnconditionalUpdate: true,
    }));
}
