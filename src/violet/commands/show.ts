import type { Command } from 'commander';
import { readPackageManifest } from '../../packages/reader.ts';
import type { PackageManifest } from '../../packages/format.ts';

/** `violet show PKG [--all]`: reads only the package head (manifest.json). */
export function registerShow(program: Command): void {
  program
    .command('show <package>')
    .description('print what a package contains without unpacking it')
    .option('--all', 'also print the main artifact and related images')
    .action(async (file: string, opts: { all?: boolean }) => {
      process.stdout.write(formatShow(await readPackageManifest(file), !!opts.all));
    });
}

export function formatShow(m: PackageManifest, all: boolean): string {
  const arch = [...new Set(m.images.flatMap((i) => i.platforms))].sort();
  const lines = [`Name: ${m.displayName}`, `Type: ${m.type}`, `Arch: [${arch.join(' ')}]`, `Version: ${m.version}`];
  if (all) lines.push(`Artifact: ${m.artifact}`, `RelateImages: [${m.relatedImages.join(' ')}]`);
  return lines.join('\n') + '\n';
}
