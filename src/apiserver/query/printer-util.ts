/** Small typed readers over decoded objects for the built-in printers. */
import type { KubeObject } from '../../kube/types.ts';
import { translateTimestampSince } from './duration.ts';
import type { RowCells, TableColumnDefinition } from './table.ts';
import { column, CREATION_TIMESTAMP_DESCRIPTION } from './table.ts';

/** One built-in kind's table: columns (wide ones with priority 1) and a row function. */
export interface Printer {
  columns: TableColumnDefinition[];
  row(obj: KubeObject, now: number): RowCells;
}

type Obj = Record<string, unknown>;

/** Value at a dotted path, undefined when any step is missing or not an object. */
export function at(obj: unknown, path: string): unknown {
  let cur = obj;
  for (const key of path.split('.')) {
    if (cur === null || typeof cur !== 'object' || Array.isArray(cur)) return undefined;
    cur = (cur as Obj)[key];
  }
  return cur;
}

export function str(obj: unknown, path: string, fallback = ''): string {
  const v = at(obj, path);
  return typeof v === 'string' ? v : fallback;
}

/** int64 cell: numbers truncated, anything else `fallback`. */
export function int(obj: unknown, path: string, fallback = 0): number {
  const v = at(obj, path);
  return typeof v === 'number' ? Math.trunc(v) : fallback;
}

export function list(obj: unknown, path: string): Obj[] {
  const v = at(obj, path);
  return Array.isArray(v) ? (v as Obj[]) : [];
}

export function map(obj: unknown, path: string): Record<string, unknown> {
  const v = at(obj, path);
  return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
}

export function count(obj: unknown, path: string): number {
  const v = at(obj, path);
  if (Array.isArray(v)) return v.length;
  return v !== null && typeof v === 'object' ? Object.keys(v).length : 0;
}

export const ageColumn = (): TableColumnDefinition => column('Age', 'string', CREATION_TIMESTAMP_DESCRIPTION);

export function age(obj: KubeObject, now: number): string {
  return translateTimestampSince(obj.metadata?.creationTimestamp, now);
}

/** layoutContainerCells: names and images joined with ",". */
export function containerCells(obj: unknown, podSpecPath: string): [string, string] {
  const containers = list(obj, `${podSpecPath}.containers`);
  return [containers.map((c) => str(c, 'name')).join(','), containers.map((c) => str(c, 'image')).join(',')];
}

export const containerColumns = (): TableColumnDefinition[] => [
  column('Containers', 'string', 'Names of each container in the template.', 1),
  column('Images', 'string', 'Images referenced by each container in the template.', 1),
];

/** IntOrString.String(). */
export function intOrString(value: unknown): string {
  return typeof value === 'number' ? String(Math.trunc(value)) : String(value ?? '');
}

/** printBoolPtr: "True"/"False", "<unset>" when absent. */
export function boolPtr(value: unknown): string {
  if (typeof value !== 'boolean') return '<unset>';
  return value ? 'True' : 'False';
}

export function hasCondition(obj: unknown, type: string): boolean {
  return list(obj, 'status.conditions').some((c) => c.type === type && c.status === 'True');
}

/** loadBalancerStatusStringer in wide mode: unique sorted IPs/hostnames. */
export function loadBalancerIngress(obj: unknown): string {
  const names = new Set<string>();
  for (const ing of list(obj, 'status.loadBalancer.ingress')) {
    const name = str(ing, 'ip') || str(ing, 'hostname');
    if (name) names.add(name);
  }
  return [...names].sort().join(',');
}
