import { Command } from 'commander';
import { StatusError } from '../kube/errors.ts';

/** Each command's module, loaded only when that command runs (start-up is most of a no-op re-push). */
const COMMANDS: Record<string, () => Promise<(program: Command) => void>> = {
  show: async () => (await import('./commands/show.ts')).registerShow,
  verify: async () => (await import('./commands/verify.ts')).registerVerify,
  package: async () => (await import('./commands/package.ts')).registerPackage,
  create: async () => (await import('./commands/package.ts')).registerPackage,
  push: async () => (await import('./commands/push.ts')).registerPush,
  list: async () => (await import('./commands/list.ts')).registerList,
  ac: async () => (await import('./commands/ac.ts')).registerAc,
};

/**
 * The `violet` package CLI (product document: 下载软件包 / 上架软件包). Commands live in ./commands.
 */
const program = new Command('violet')
  .description('Package CLI: inspect, verify and upload Operator, Cluster Plugin and Helm Chart packages.')
  .version('violet v0.1.0', '-v, --version')
  .showHelpAfterError();

async function main(): Promise<void> {
  const wanted = process.argv.slice(2).find((a) => !a.startsWith('-'));
  // `violet --version` needs no command module (they are most of the start-up).
  if (!wanted && process.argv.slice(2).some((a) => a === '-v' || a === '--version')) return void (await program.parseAsync(process.argv));
  const loaders = wanted && COMMANDS[wanted] ? [COMMANDS[wanted]] : [...new Set(Object.values(COMMANDS))].filter((l, i, all) => all.indexOf(l) === i && l !== COMMANDS.create);
  for (const load of loaders) (await load())(program);
  await program.parseAsync(process.argv);
}

main().catch((err: unknown) => {
  const message = err instanceof StatusError || err instanceof Error ? err.message : String(err);
  process.stderr.write(`Error: ${message}\n`);
  process.exit(1);
});
