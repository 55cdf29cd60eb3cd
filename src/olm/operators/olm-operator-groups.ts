/**
 * OperatorGroup membership: the target namespaces of a group (`status.namespaces`), the annotations OLM puts on
 * member CSVs, and `InstallModeSet.Supports` with the upstream messages (olm.md §4.10).
 */
import type { KubeObject } from '../../kube/index.ts';

/** Annotation keys OLM writes on CSVs (and projects onto deployment pod templates). */
export const OG_ANNOTATIONS = {
  operatorGroup: 'olm.operatorGroup',
  operatorNamespace: 'olm.operatorNamespace',
  targetNamespaces: 'olm.targetNamespaces',
} as const;

/** A LabelSelector. */
export interface LabelSelector {
  matchLabels?: Record<string, string>;
  matchExpressions?: { key: string; operator: 'In' | 'NotIn' | 'Exists' | 'DoesNotExist'; values?: string[] }[];
}

/** The parts of an OperatorGroup read here. */
export interface OperatorGroup extends KubeObject {
  spec?: { targetNamespaces?: string[]; selector?: LabelSelector; upgradeStrategy?: string };
  status?: { namespaces?: string[]; lastUpdated?: string };
}

/** Whether `labels` match `selector` (an empty selector matches everything). */
export function matchesSelector(selector: LabelSelector, labels: Record<string, string> = {}): boolean {
  for (const [k, v] of Object.entries(selector.matchLabels ?? {})) if (labels[k] !== v) return false;
  for (const e of selector.matchExpressions ?? []) {
    const has = Object.hasOwn(labels, e.key);
    const inValues = has && (e.values ?? []).includes(labels[e.key]);
    if ((e.operator === 'In' && !inValues) || (e.operator === 'NotIn' && inValues) || (e.operator === 'Exists' && !has) || (e.operator === 'DoesNotExist' && has)) return false;
  }
  return true;
}

const emptySelector = (s?: LabelSelector) => !s || (!Object.keys(s.matchLabels ?? {}).length && !(s.matchExpressions ?? []).length);

/**
 * The group's target namespaces, sorted: `spec.targetNamespaces` when set; else the namespaces matching a
 * non-empty selector (possibly none); else `[""]` (AllNamespaces).
 */
export function targetNamespaces(og: OperatorGroup, namespaces: KubeObject[]): string[] {
  const spec = og.spec ?? {};
  if (spec.targetNamespaces?.length) return [...new Set(spec.targetNamespaces)].sort();
  if (emptySelector(spec.selector)) return [''];
  return namespaces.filter((n) => matchesSelector(spec.selector!, n.metadata.labels)).map((n) => n.metadata.name!).sort();
}

/** The annotations a member CSV must carry. */
export function groupAnnotations(og: OperatorGroup, targets: string[]): Record<string, string> {
  return {
    [OG_ANNOTATIONS.operatorGroup]: og.metadata.name!,
    [OG_ANNOTATIONS.operatorNamespace]: og.metadata.namespace!,
    [OG_ANNOTATIONS.targetNamespaces]: targets.join(','),
  };
}

/** A message when the install modes list a type twice (→ `InvalidInstallModes`), else undefined. */
export function duplicateInstallModes(modes: { type: string }[] = []): string | undefined {
  const seen = new Set<string>();
  for (const m of modes) {
    if (seen.has(m.type)) return `installModes list duplicate InstallModeType ${m.type}`;
    seen.add(m.type);
  }
  return undefined;
}

/**
 * Upstream `InstallModeSet.Supports(operatorNamespace, targets)`: undefined when supported, else the error text
 * that becomes the `UnsupportedOperatorGroup` message.
 */
export function installModeError(modes: { type: string; supported: boolean }[] = [], namespace: string, targets: string[]): string | undefined {
  const supported = (t: string) => modes.some((m) => m.type === t && m.supported);
  const need = (t: string, what: string) => (supported(t) ? undefined : `${t} InstallModeType not supported, cannot configure to watch ${what}`);
  if (targets.length === 0) return 'operatorgroup has invalid selected namespaces, cannot configure to watch zero namespaces';
  if (targets.length === 1) {
    if (targets[0] === namespace) return need('OwnNamespace', 'own namespace');
    if (targets[0] === '') return need('AllNamespaces', 'all namespaces');
    return need('SingleNamespace', 'one namespace');
  }
  if (targets.includes('')) return 'operatorgroup has invalid selected namespaces, NamespaceAll found when |selected namespaces| > 1';
  return need('MultiNamespace', `${targets.length} namespaces`) ?? (targets.includes(namespace) ? need('OwnNamespace', 'own namespace') : undefined);
}
