// A recording fake connection: answers commands from a script of replies and records every
// command it was sent, so module tests see exactly what a check or an apply would run.
import type { Connection, ExecOptions, ExecResult } from '../../engine/module-api.js';

/** A reply: the first whose pattern matches the command answers it. */
export interface Reply {
  match: RegExp | string;
  stdout?: string;
  stderr?: string;
  code?: number;
}

export interface Recorded {
  command: string;
  stdin?: string;
}

export class FakeConnection implements Connection {
  roundTrips = 0;
  readonly commands: Recorded[] = [];
  constructor(readonly host: string, private replies: Reply[]) {}

  async exec(command: string, opts: ExecOptions = {}): Promise<ExecResult> {
    this.roundTrips++;
    this.commands.push({ command, stdin: opts.stdin === undefined ? undefined : String(opts.stdin) });
    const r = this.replies.find((x) => (typeof x.match === 'string' ? command.includes(x.match) : x.match.test(command)));
    if (!r) return { stdout: '', stderr: `fake: no reply for: ${command}`, code: 127 };
    return { stdout: r.stdout ?? '', stderr: r.stderr ?? '', code: r.code ?? 0 };
  }

  async close(): Promise<void> {}
}
