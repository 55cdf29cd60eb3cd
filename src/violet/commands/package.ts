import type { Command } from 'commander';
import { resolve } from 'node:path';
import { mkdirSync } from 'node:fs';
import { packageSource } from '../authoring/build.ts';
import { createHash } from 'node:crypto';
import { createReadStream, writeFileSync } from 'node:fs';
import { basename } from 'node:path';

/** `<pkg>.sha256` in sha256sum format, which `violet verify` and `sha256sum -c` both accept. */
async function writeChecksum(file: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(file)) hash.update(chunk as Buffer);
  writeFileSync(`${file}.sha256`, `${hash.digest('hex')}  ${basename(file)}\n`);
  return `${file}.sha256`;
}

/** `violet package SOURCE` (alias `create`): build a package from a bundle, plugin chart or chart directory. */
export function registerPackage(program: Command): void {
  program
    .command('package <source>')
    .alias('create')
    .description('build a package from an operator bundle directory, a cluster plugin chart or a Helm chart')
    .option('--images <oci-layout>', 'OCI layout holding the images the source references (tagged by full reference)')
    .option('--bundle-image <ref>', 'reference of the operator bundle image (default: <registry of the operator image>/<package>-bundle:v<version>)')
    .option('--arch <arch>', 'arch part of the file name: amd64, arm64, hybrid or ALL', 'ALL')
    .option('-o, --out <dir>', 'directory to write the package into', '.')
    .option('--checksum', 'also write <package>.sha256 next to it (sha256sum format)')
    .option('--pull', 'pull images that are not in --images from their registries (all platforms)')
    .option('--src-username <user>', 'registry user name for --pull')
    .option('--src-password <password>', 'registry password for --pull')
    .option('--src-plain <hosts>', 'comma separated registry hosts to reach over plain HTTP for --pull')
    .option('--src-ca-file <file>', 'CA certificate for the source registries')
    .action(async (source: string, opts: { images?: string; bundleImage?: string; arch: string; out: string; checksum?: boolean; pull?: boolean; srcUsername?: string; srcPassword?: string; srcPlain?: string; srcCaFile?: string }) => {
      const outDir = resolve(opts.out);
      mkdirSync(outDir, { recursive: true });
      const pull = opts.pull ? { username: opts.srcUsername, password: opts.srcPassword, plainHosts: opts.srcPlain?.split(',').map((h) => h.trim()), caFile: opts.srcCaFile } : undefined;
      const { file, manifest } = await packageSource(resolve(source), { imagesLayout: opts.images && resolve(opts.images), bundleImage: opts.bundleImage, arch: opts.arch, outDir, pull });
      process.stdout.write(`built ${file} (${manifest.type} ${manifest.name} ${manifest.version}, ${manifest.images.length} images)\n`);
      if (opts.checksum) process.stdout.write(`wrote ${await writeChecksum(file)}\n`);
    });
}
