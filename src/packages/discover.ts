import { readdir, stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';

/** Packages to verify: the file itself, or every `.tgz` in a directory (sorted). */
export async function packagesAt(path: string): Promise<string[]> {
  const abs = resolve(path);
  const s = await stat(abs);
  if (!s.isDirectory()) return [abs];
  return (await readdir(abs)).filter((n) => n.endsWith('.tgz')).sort().map((n) => join(abs, n));
}
