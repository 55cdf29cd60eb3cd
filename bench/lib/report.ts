/** Number formatting and the aligned report printer shared by the benchmarks. */

export const MiB = 1024 * 1024;

export const fmt = (n: number, digits = 0) => (Number.isFinite(n) ? n.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits }) : 'n/a');
export const ms = (n: number) => `${fmt(n, n < 10 ? 2 : n < 100 ? 1 : 0)} ms`;
export const secs = (n: number) => (n < 1000 ? ms(n) : `${fmt(n / 1000, 2)} s`);
export const mib = (bytes: number) => `${fmt(bytes / MiB, 1)} MiB`;
/** KiB below 1 MiB (with `kibDigits` decimals), else MiB. */
export const size = (bytes: number, kibDigits = 0) => (bytes < MiB ? `${fmt(bytes / 1024, kibDigits)} KiB` : mib(bytes));
export const ratio = (a: number, b: number) => (Number.isFinite(a) && Number.isFinite(b) && b > 0 ? `${fmt(a / b, 2)}×` : 'n/a');
export const percent = (a: number, b: number) => (Number.isFinite(a) && Number.isFinite(b) && b > 0 ? `${fmt((100 * a) / b, 1)} %` : 'n/a');

export function section(title: string): void {
  process.stdout.write(`\n${title}\n`);
}

/** `  <label padded to labelWidth> <value>` lines. */
export function lineWriter(labelWidth: number): (label: string, value: string) => void {
  return (label, value) => process.stdout.write(`  ${label.padEnd(labelWidth)} ${value}\n`);
}

/** `  <label padded to labelWidth> <cells, each laid out by pad, space-separated>` rows (trailing blanks trimmed). */
export function rowWriter(labelWidth: number, pad: (cell: string, index: number) => string): (label: string, cells: string[]) => void {
  return (label, cells) => process.stdout.write(`  ${label.padEnd(labelWidth)} ${cells.map(pad).join(' ').trimEnd()}\n`);
}
