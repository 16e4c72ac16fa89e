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

/** One probe of a probe script (engine/module/probe.ts, shell.ts's sections()). */
const PROBE = /echo '@@tsplay@@ (.*?)'; \( ([\s\S]*?) \) 2>&1; echo "@@tsplay@@rc \$\?"/g;

export class FakeConnection implements Connection {
  roundTrips = 0;
  readonly commands: Recorded[] = [];
  constructor(readonly host: string, private replies: Reply[]) {}

  async exec(command: string, opts: ExecOptions = {}): Promise<ExecResult> {
    this.roundTrips++;
    this.commands.push({ command, stdin: opts.stdin === undefined ? undefined : String(opts.stdin) });
    const r = this.reply(command);
    if (r && (!command.includes("echo '@@tsplay@@ ") || r.stdout?.includes('@@tsplay@@ '))) return { stdout: r.stdout ?? '', stderr: r.stderr ?? '', code: r.code ?? 0 };
    const probes = [...command.matchAll(PROBE)];
    if (!probes.length) return { stdout: '', stderr: `fake: no reply for: ${command}`, code: 127 };
    // A probe script without a reply for the whole of it is answered probe by probe, as a host
    // would run it: each probe's stdout and stderr together, then its exit status.
    const out = probes.map(([, key, inner]) => {
      const p = this.reply(inner!);
      const text = p ? `${p.stdout ?? ''}${p.stderr ?? ''}` : `fake: no reply for: ${inner}\n`;
      return `@@tsplay@@ ${key}\n${text}@@tsplay@@rc ${p ? (p.code ?? 0) : 127}\n`;
    });
    return { stdout: out.join(''), stderr: '', code: 0 };
  }

  private reply(command: string): Reply | undefined {
    return this.replies.find((x) => (typeof x.match === 'string' ? command.includes(x.match) : x.match.test(command)));
  }

  async close(): Promise<void> {}
}
