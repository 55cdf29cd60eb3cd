import { readdir, readFile, stat } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { parse } from 'yaml';

/** Every regular file under `dir` (sorted, `.git` and `.helmignore`d basics skipped), as tar-ready entries. */
export async function readTree(dir: string, prefix = ''): Promise<{ path: string; data: Buffer }[]> {
  const out: { path: string; data: Buffer }[] = [];
  const walk = async (d: string) => {
    for (const name of (await readdir(d)).sort()) {
      if (name === '.git' || name === '.DS_Store') continue;
      const full = join(d, name);
      const s = await stat(full);
      if (s.isDirectory()) await walk(full);
      else if (s.isFile()) out.push({ path: prefix + relative(dir, full).split('\\').join('/'), data: await readFile(full) });
    }
  };
  await walk(dir);
  return out;
}

export async function readYaml<T>(file: string, what: string): Promise<T> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch {
    throw new Error(`${what} not found: ${file}`);
  }
  try {
    return parse(text) as T;
  } catch (err) {
    throw new Error(`${what} ${file} is not valid YAML: ${(err as Error).message.split('\n')[0]}`);
  }
}
