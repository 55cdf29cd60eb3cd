import { Command } from 'commander';

/**
 * The `violet` package CLI. Its commands (show, verify, push, list, ac …) arrive with the packages
 * issue; until then it only describes itself, so the installed binary never crashes.
 */
const program = new Command('violet').description('Package CLI: verify, inspect and upload Operator, Cluster Plugin and Helm Chart packages to the platform.').version('0.1.0');

program.action(() => {
  program.outputHelp();
  console.error('\nno commands are available in this version yet: show, verify, push, list and ac arrive with the packages work (issue 4).');
  process.exitCode = 2;
});

program.parse(process.argv);
