import type { FileHandle } from 'node:fs/promises';

/** Writes every byte of `parts` with `writev` (a short write continues where it stopped). */
export async function writevAll(fh: FileHandle, parts: Buffer[]): Promise<void> {
  let rest = parts;
  while (rest.length) {
    const { bytesWritten } = await fh.writev(rest);
    rest = after(rest, bytesWritten);
  }
}

/** The buffers after the first `skip` bytes. */
function after(parts: Buffer[], skip: number): Buffer[] {
  const out: Buffer[] = [];
  for (const p of parts) {
    if (skip >= p.length) {
      skip -= p.length;
      continue;
    }
    out.push(skip ? p.subarray(skip) : p);
    skip = 0;
  }
  return out;
}
