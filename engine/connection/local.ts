// The `local` connection: commands run through /bin/sh on the controller itself.
import { userInfo } from 'node:os';
import { spawn } from 'node:child_process';
import type { Connection, ExecOptions, ExecResult } from '../module-api.js';
import { BoundedOutput, execResult } from './bounded-output.js';

/** Commands still running, each the leader of its own process group. */
const running = new Set<number>();

/**
 * Kills every local command still running, with its children (a second Ctrl-C). The commands
 * run in process groups of their own, so that the first Ctrl-C, which the terminal sends to
 * tsplay's group, lets them finish.
 */
export function killLocalCommands(): void {
  for (const pid of running) {
    try {
      process.kill(-pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
  running.clear();
}

export class LocalConnection implements Connection {
  roundTrips = 0;
  readonly user = userInfo().username;
  constructor(readonly host: string) {}

  exec(command: string, opts: ExecOptions = {}): Promise<ExecResult> {
    this.roundTrips++;
    return new Promise((resolve, reject) => {
      const child = spawn('/bin/sh', ['-c', command], { stdio: ['pipe', 'pipe', 'pipe'], detached: true });
      const pid = child.pid;
      if (pid) running.add(pid);
      const out = new BoundedOutput(opts.maxOutput);
      const err = new BoundedOutput(opts.maxOutput);
      child.stdout.on('data', (b: Buffer) => out.push(b));
      child.stderr.on('data', (b: Buffer) => err.push(b));
      child.on('error', reject);
      child.on('close', (code) => {
        if (pid) running.delete(pid);
        resolve(execResult(out, err, code ?? -1));
      });
      // A command that does not read its stdin closes the pipe early: that is not an error.
      child.stdin.on('error', () => undefined);
      child.stdin.end(opts.stdin ?? '');
    });
  }

  async close(): Promise<void> {}
}
