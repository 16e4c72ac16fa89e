// `tsplay lab …`: the one command line of the lab (lab/commands.ts does the work). The lab's
// code is loaded only when a lab command runs, so that `tsplay run` does not pay for it.
import type { Command } from 'commander';

const lab = () => import('../lab/commands.js');
const log = (s: string) => process.stderr.write(`lab: ${s}\n`);

export function labCommand(p: Command): void {
  const c = p.command('lab').description('a lab of real Debian hosts on this machine (needs root)');
  c.command('up')
    .description('build (once) and start the lab hosts')
    .option('--release <name>', 'Debian release: bookworm (default), bullseye, trixie; bookworm-pg10 (PostgreSQL 10 instead of 15)', 'bookworm')
    .option('--hosts <names>', 'comma list of host names', 'master,slave,balancer')
    .action(async (o: { release: string; hosts: string }) => {
      const status = await (await lab()).labUp({ release: o.release, hosts: o.hosts.split(',').filter(Boolean), log });
      process.stdout.write(status.text + '\n');
    });
  c.command('down').description('stop the lab and remove all it made').action(async () => (await lab()).labDown({ log }));
  c.command('status')
    .description('hosts, addresses and health (exit 1 when the lab is not up)')
    .action(async () => {
      const s = await (await lab()).labStatus();
      process.stdout.write(s.text + '\n');
      if (!s.up) process.exitCode = 1;
    });
  c.command('ssh')
    .argument('<host>')
    .argument('[command...]', 'a command to run instead of a shell (after --)')
    .description('a shell on a lab host, or one command')
    .action(async (h: string, command: string[]) => {
      process.exitCode = (await (await lab()).labSsh(h, command)) ?? 0;
    });
  c.command('cut').argument('<host>').description('take a host off the lab network').action(async (h: string) => (await lab()).labCut(h));
  c.command('heal').argument('<host>').description('put a host back on the lab network').action(async (h: string) => (await lab()).labHeal(h));
  c.command('reset').description('return every host to the base image').action(async () => (await lab()).labReset({ log }));
}
