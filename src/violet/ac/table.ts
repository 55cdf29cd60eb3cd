/** Aligned text tables (columns padded to their widest cell, three spaces apart, like kubectl). */
export function formatTable(header: string[], rows: string[][]): string {
  const all = [header, ...rows];
  const widths = header.map((_, i) => Math.max(...all.map((r) => (r[i] ?? '').length)));
  return all.map((r) => r.map((c, i) => (i === r.length - 1 ? c : (c ?? '').padEnd(widths[i] + 3))).join('').trimEnd()).join('\n') + '\n';
}
