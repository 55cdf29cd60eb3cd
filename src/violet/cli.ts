import { Command } from 'commander';
import { StatusError } from '../kube/index.ts';
import { registerShow } from './commands/show.ts';
import { registerVerify } from './commands/verify.ts';
import { registerPackage } from './commands/package.ts';
import { registerPush } from './commands/push.ts';
import { registerList } from './commands/list.ts';

/**
 * The `violet` package CLI (product document: 下载软件包 / 上架软件包). Commands live in ./commands.
 */
const program = new Command('violet')
  .description('Package CLI: inspect, verify and upload Operator, Cluster Plugin and Helm Chart packages.')
  .version('violet v0.1.0', '-v, --version')
  .showHelpAfterError();

registerShow(program);
registerVerify(program);
registerPackage(program);
registerPush(program);
registerList(program);

program.parseAsync(process.argv).catch((err: unknown) => {
  const message = err instanceof StatusError || err instanceof Error ? err.message : String(err);
  process.stderr.write(`Error: ${message}\n`);
  process.exit(1);
});
