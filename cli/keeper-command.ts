// `tsplay keeper …`: the connection keeper that holds SSH connections across runs (see
// engine/connection/keeper-server.ts). `serve` is what a run starts in the background; `status`
// and `stop` are for people (as `ssh -O check|exit` for a ControlMaster).
import type { Command } from 'commander';
import { KEEPER_ENTRY, keeperDir, keeperSocket } from '../engine/connection/keeper-dir.js';
import type { KeepSettings } from '../engine/connection/kept.js';

/** ControlPersist's default in Ansible's ssh_args: 60 s. */
export const DEFAULT_PERSIST = 60;

/** How a run keeps its connections (`persist` seconds), or undefined when it does not. */
export function keepSettings(persist: number): KeepSettings | undefined {
  if (persist <= 0) return undefined;
  const dir = keeperDir();
  const socket = keeperSocket(dir);
  return {
    persist,
    dir,
    socket,
    spawn: { command: process.execPath, args: [KEEPER_ENTRY, 'keeper', 'serve', socket] },
    warn: (m) => process.stderr.write(`${m}\n`),
  };
}

export function keeperCommand(p: Command): void {
  const c = p.command('keeper').description('the background process that keeps SSH connections open across runs (see --persist)');
  c.command('serve', { hidden: true })
    .argument('<socket>')
    .action(async (socket: string) => {
      const { serveKeeper } = await import('../engine/connection/keeper-server.js');
      await serveKeeper(socket);
    });
  c.command('status')
    .description("the keeper's connections as JSON (exit 1 when no keeper runs)")
    .action(async () => {
      const { askKeeper } = await import('../engine/connection/kept.js');
      const r = await askKeeper(keeperSocket(keeperDir()), 'stats');
      if (r?.stats) process.stdout.write(JSON.stringify(r.stats, null, 2) + '\n');
      else process.exitCode = 1;
    });
  c.command('stop')
    .description('close the kept connections and end the keeper')
    .action(async () => {
      const { askKeeper } = await import('../engine/connection/kept.js');
      await askKeeper(keeperSocket(keeperDir()), 'stop');
    });
}
