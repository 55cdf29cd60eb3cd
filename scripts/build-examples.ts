// Builds every example package (examples/*/*) with synthetic images: `npm run examples -- --out DIR`.
import { mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { buildExamples } from '../src/violet/authoring/examples.ts';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const { values } = parseArgs({ options: { out: { type: 'string', default: join(root, 'dist', 'examples') } } });
const out = resolve(values.out!);
mkdirSync(out, { recursive: true });
const work = mkdtempSync(join(tmpdir(), 'examples-images-'));
try {
  const built = await buildExamples(join(root, 'examples'), out, work);
  for (const b of built) console.log(`built ${b}`);
  console.log(`${readdirSync(out).filter((f) => f.endsWith('.tgz')).length} packages in ${out}`);
} finally {
  rmSync(work, { recursive: true, force: true });
}
