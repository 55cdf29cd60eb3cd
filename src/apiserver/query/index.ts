/**
 * Query helpers of the API server, all pure: label and field selectors, client-go JSONPath,
 * human durations and meta.k8s.io/v1 Tables (CRD printer columns and built-in column sets).
 */
export type { LabelOperator, LabelSelector, LabelSelectorObject, Requirement } from './labels.ts';
export { formatLabels, formatLabelSelector, isEverything, labelSelectorFromObject, labelSelectorString, matchesLabels } from './labels.ts';
export { parseLabelSelector } from './labels-parse.ts';
export type { FieldRequirement, FieldSelector } from './fields.ts';
export { fieldsOf, matchesFields, parseFieldSelector, selectableFields, validateFieldSelector } from './fields.ts';
export { compileJsonPath, compileJsonPathResults, evaluateJsonPath } from './jsonpath.ts';
export { jsonPathText } from './gofmt.ts';
export { humanDuration, parseTimestamp, translateTimestampSince } from './duration.ts';
export type { ColumnType, IncludeObject, Table, TableColumnDefinition, TableOptions, TableRow, TableRowCondition } from './table.ts';
export { crdTable, parseIncludeObject } from './table.ts';
export { builtinTable, hasBuiltinPrinter, resourceTable } from './printers.ts';
