/**
 * meta.k8s.io/v1 Table building shared by the CRD and built-in converters: row objects per
 * `includeObject`, `noHeaders`, list metadata, and the CRD converter (apiextensions
 * tableconvertor.go) with its per-type cell conversion.
 */
import { StatusError } from '../../kube/errors.ts';
import type { KubeObject } from '../../kube/types.ts';
import type { PrinterColumn, ResourceDef } from '../resource.ts';
import { parseTimestamp, humanDuration } from './duration.ts';
import { goJson, goNumber } from './gofmt.ts';
import { compileJsonPathResults } from './jsonpath.ts';

export type ColumnType = 'integer' | 'number' | 'string' | 'boolean' | 'date';

/** meta/v1 TableColumnDefinition (every field is always serialized upstream). */
export interface TableColumnDefinition {
  name: string;
  type: ColumnType;
  format: string;
  description: string;
  priority: number;
}

export interface TableRowCondition {
  type: string;
  status: string;
  reason?: string;
  message?: string;
}

export interface TableRow {
  cells: unknown[];
  /** PartialObjectMetadata, the full object, or absent for includeObject=None. */
  object?: unknown;
  conditions?: TableRowCondition[];
}

/** meta.k8s.io/v1 Table. `columnDefinitions` is absent with noHeaders (watch events after the first). */
export interface Table {
  kind: 'Table';
  apiVersion: 'meta.k8s.io/v1';
  metadata: { resourceVersion?: string; continue?: string; remainingItemCount?: number };
  columnDefinitions?: TableColumnDefinition[];
  rows: TableRow[];
}

export type IncludeObject = 'None' | 'Object' | 'Metadata';

export interface TableOptions {
  /** Query `includeObject`; default Metadata. Anything else → 400. */
  includeObject?: string;
  /** Query `noHeaders=true` / watch events after the first. */
  noHeaders?: boolean;
  /** Clock for Age columns (ms since epoch); default Date.now(). */
  now?: number;
  resourceVersion?: string;
  continue?: string;
  remainingItemCount?: number;
}

export const NAME_DESCRIPTION =
  'Name must be unique within a namespace. Is required when creating resources, although some resources may allow a client to request the generation of an appropriate name automatically. Name is primarily intended for creation idempotence and configuration definition. Cannot be updated. More info: https://kubernetes.io/docs/concepts/overview/working-with-objects/names#names';

export const CREATION_TIMESTAMP_DESCRIPTION =
  'CreationTimestamp is a timestamp representing the server time when this object was created. It is not guaranteed to be set in happens-before order across separate operations. Clients may not set this value. It is represented in RFC3339 form and is in UTC.\n\nPopulated by the system. Read-only. Null for lists. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#metadata';

/** Builds a column definition; `priority` 1 columns are shown by `kubectl get -o wide` only. */
export function column(name: string, type: ColumnType, description: string, priority = 0, format = ''): TableColumnDefinition {
  return { name, type, format, description, priority };
}

/** The leading Name column every table has. */
export const nameColumn = (): TableColumnDefinition => column('Name', 'string', NAME_DESCRIPTION, 0, 'name');

/**
 * Validates the `includeObject` query value (handlers/response.go).
 *
 * @example
 * parseIncludeObject(undefined); // "Metadata"
 */
export function parseIncludeObject(value: string | undefined | null): IncludeObject {
  if (value === undefined || value === null || value === '' || value === 'Metadata') return 'Metadata';
  if (value === 'None' || value === 'Object') return value;
  throw StatusError.badRequest(`unrecognized includeObject value: ${JSON.stringify(value)}`);
}

function rowObject(obj: KubeObject, include: IncludeObject): unknown {
  if (include === 'Object') return obj;
  return { kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1', metadata: obj.metadata };
}

/** One computed row before the object is attached. */
export interface RowCells {
  cells: unknown[];
  conditions?: TableRowCondition[];
}

/**
 * Assembles a Table from column definitions and a row function; shared by every converter.
 * Throws StatusError.badRequest for an invalid includeObject before computing anything.
 */
export function buildTable(columns: TableColumnDefinition[], objects: readonly KubeObject[], opts: TableOptions, toRow: (obj: KubeObject) => RowCells): Table {
  const include = parseIncludeObject(opts.includeObject);
  const metadata: Table['metadata'] = {};
  if (opts.resourceVersion) metadata.resourceVersion = opts.resourceVersion;
  if (opts.continue) metadata.continue = opts.continue;
  if (opts.remainingItemCount !== undefined && opts.remainingItemCount !== null) metadata.remainingItemCount = opts.remainingItemCount;
  const rows = objects.map((obj) => {
    const { cells, conditions } = toRow(obj);
    const row: TableRow = { cells };
    if (conditions) row.conditions = conditions;
    if (include !== 'None') row.object = rowObject(obj, include);
    return row;
  });
  const table: Table = { kind: 'Table', apiVersion: 'meta.k8s.io/v1', metadata, rows };
  if (!opts.noHeaders) table.columnDefinitions = columns;
  return table;
}

/** CRD default when a version has no additionalPrinterColumns (apihelpers serveDefaultColumnsIfEmpty). */
const defaultCrdColumns: PrinterColumn[] = [{ name: 'Age', type: 'date', description: CREATION_TIMESTAMP_DESCRIPTION, jsonPath: '.metadata.creationTimestamp' }];

function dateCell(value: unknown, now: number): unknown {
  if (typeof value !== 'string') return null;
  const millis = parseTimestamp(value);
  if (millis === null) return '<unknown>';
  return Number.isNaN(millis) ? '<invalid>' : humanDuration(now - millis);
}

/** tableconvertor cellForJSONValue (string columns are printed text, see stringCell). */
export function cellForJsonValue(type: string, value: unknown, now: number): unknown {
  if (value === null || value === undefined) return null;
  switch (type) {
    case 'integer':
      return typeof value === 'number' ? Math.trunc(value) : null;
    case 'number':
      return typeof value === 'number' ? value : null;
    case 'boolean':
      return typeof value === 'boolean' ? value : null;
    case 'string':
      return typeof value === 'string' ? value : null;
    case 'date':
      return dateCell(value, now);
    default:
      return null;
  }
}

/** jsonpath PrintResults of the first result: JSON for maps/lists, fmt.Print otherwise. */
function stringCell(value: unknown): string {
  if (value === null || value === undefined) return '<no value>';
  if (typeof value === 'object') return goJson(value);
  return typeof value === 'number' ? goNumber(value) : String(value);
}

function compileColumn(col: PrinterColumn): (obj: KubeObject) => unknown[][] {
  try {
    return compileJsonPathResults(`{${col.jsonPath}}`);
  } catch {
    return () => [];
  }
}

/**
 * Table for custom resources: Name + the version's additionalPrinterColumns (first JSONPath
 * result, converted by column type), or Name + Age when there are none.
 *
 * @example
 * crdTable(widgetDef, widgets, { includeObject: 'Object' });
 */
export function crdTable(def: ResourceDef, objects: readonly KubeObject[], opts: TableOptions = {}): Table {
  const now = opts.now ?? Date.now();
  const printerColumns = def.printerColumns?.length ? def.printerColumns : defaultCrdColumns;
  const columns = [nameColumn(), ...printerColumns.map((c) => column(c.name, c.type, c.description || `Custom resource definition column (in JSONPath format): ${c.jsonPath}`, c.priority ?? 0, c.format ?? ''))];
  const finders = printerColumns.map(compileColumn);
  return buildTable(columns, objects, opts, (obj) => {
    const cells: unknown[] = [obj.metadata?.name ?? ''];
    printerColumns.forEach((col, i) => {
      let results: unknown[][];
      try {
        results = finders[i](obj);
      } catch {
        results = [];
      }
      const first = results[0];
      if (!first || first.length === 0) cells.push(null);
      else cells.push(col.type === 'string' ? stringCell(first[0]) : cellForJsonValue(col.type, first[0], now));
    });
    return { cells };
  });
}
