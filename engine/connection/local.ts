// The `local` connection: commands run through /bin/sh on the controller itself.
import { userInfo } from 'node:os';
import { spawn } from 'node:child_process';
import type { Connection, ExecOptions, ExecResult } from '../module-api.js';

export class LocalConnection implements Connection {
  roundTrips = 0;
  readonly user = userInfo().username;
  constructor(readonly host: string) {}

  exec(command: string, opts: ExecOptions = {}): Promise<ExecResult> {
    this.roundTrips++;
    return new Promise((resolve, reject) => {
      const child = spawn('/bin/sh', ['-c', command], { stdio: ['pipe', 'pipe', 'pipe'] });
      const out: Buffer[] = [];
      const err: Buffer[] = [];
      child.stdout.on('data', (b: Buffer) => out.push(b));
      child.stderr.on('data', (b: Buffer) => err.push(b));
      child.on('error', reject);
      child.on('close', (code) =>
        resolve({ stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(err).toString('utf8'), code: code ?? -1 }),
      );
      // A command that does not read its stdin closes the pipe early: that is not an error.
      child.stdin.on('error', () => undefined);
      child.stdin.end(opts.stdin ?? '');
    });
  }

  async close(): Promise<void> {}
}
