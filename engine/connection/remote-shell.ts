// One long-lived `sh` on an SSH channel, fed one command at a time. An exec channel costs the
// host a new session and a new login shell for every command (about 2 ms of host CPU and a round
// trip for the channel open); a persistent shell costs a fork per command.
//
// Framing: each command is sent as
//   ( eval 'COMMAND' ) <STDIN; printf '\nMARK %s\n' "$?"; printf '\nMARK\n' >&2
// with MARK 128 random bits, fresh per command, so no output can forge the end of another
// command. `eval` of a quoted word keeps the script well-formed whatever the command holds (a
// syntax error fails that command only), the subshell keeps `exit`, `cd` and variables from
// reaching the shell. The shell reads its script ahead (dash reads in blocks), so a command
// must never read the shell's own stdin: its stdin is /dev/null, or its data carried inside the
// script in base64 and decoded by coreutils' base64 (binary-safe; printf is a builtin, so the
// data, a become password included, is never in any process's argv).
import { randomBytes } from 'node:crypto';
import type { ClientChannel } from 'ssh2';
import { quote } from '../shell.js';
import type { ExecResult } from '../module-api.js';
import { BoundedOutput } from './bounded-output.js';

/** Larger stdin goes over an exec channel: base64 in the script costs memory in the remote sh. */
export const MAX_SHELL_STDIN = 256 * 1024;
/** How long a new shell may take to answer its first command before the host is taken as unable. */
const HANDSHAKE_MS = 10_000;

/** The shell ended under a command (the command killed it, or the channel closed). */
export class ShellDiedError extends Error {}

interface Pending {
  mark: string;
  resolve: (r: ExecResult) => void;
  reject: (e: Error) => void;
}

/** What one stream of the shell has sent since the current command began, within bounds. */
class Stream {
  private kept = new BoundedOutput();
  /** The last bytes received (for the trailer), whatever the bounds cut. */
  private last = Buffer.alloc(0);

  /** Starts a command's output with its own limit. */
  begin(limit?: number): void {
    this.kept = new BoundedOutput(limit);
    this.last = Buffer.alloc(0);
  }

  push(b: Buffer): void {
    this.kept.push(b);
    this.last = Buffer.concat([this.last, b]).subarray(-256);
  }

  /** The last `n` bytes (fewer when there are fewer), n ≤ 256. */
  tail(n: number): string {
    return this.last.subarray(Math.max(0, this.last.length - n)).toString('latin1');
  }

  /** The command's output without the last `trailer` bytes, and what was cut. */
  take(trailer: number): { text: string; cut: number } {
    const r = { text: this.kept.text(trailer), cut: this.kept.cut };
    this.begin();
    return r;
  }
}

export class RemoteShell {
  private readonly out = new Stream();
  private readonly err = new Stream();
  private pending: Pending | undefined;
  private dead: Error | undefined;

  private constructor(private readonly channel: ClientChannel) {
    channel.on('data', (b: Buffer) => {
      this.out.push(b);
      this.settle();
    });
    channel.stderr.on('data', (b: Buffer) => {
      this.err.push(b);
      this.settle();
    });
    channel.on('error', () => undefined);
    channel.on('close', () => this.die(new ShellDiedError('the remote shell ended')));
  }

  /** Starts `sh` on a new channel of `exec` and checks that it answers. */
  static async open(exec: (command: string, cb: (err: Error | undefined, ch: ClientChannel) => void) => void): Promise<RemoteShell> {
    const channel = await new Promise<ClientChannel>((resolve, reject) => {
      exec('exec /bin/sh', (err, ch) => (err ? reject(err) : resolve(ch)));
    });
    const shell = new RemoteShell(channel);
    let timer: NodeJS.Timeout | undefined;
    try {
      const r = await Promise.race([
        shell.run('echo tsplay-shell-ready'),
        new Promise<never>((_, reject) => {
          timer = setTimeout(() => reject(new ShellDiedError('the remote shell did not answer')), HANDSHAKE_MS);
        }),
      ]);
      if (r.code !== 0 || r.stdout !== 'tsplay-shell-ready\n') throw new ShellDiedError(`the remote /bin/sh did not answer as a POSIX shell: ${r.stdout}${r.stderr}`);
    } catch (e) {
      shell.close();
      throw e;
    } finally {
      clearTimeout(timer);
    }
    return shell;
  }

  get alive(): boolean {
    return !this.dead;
  }

  run(command: string, stdin: string | Buffer = '', maxOutput?: number): Promise<ExecResult> {
    if (this.dead) return Promise.reject(this.dead);
    if (this.pending) return Promise.reject(new Error('internal: remote shell already busy'));
    this.out.begin(maxOutput);
    this.err.begin(maxOutput);
    const mark = `tsplay-${randomBytes(16).toString('hex')}`;
    const data = typeof stdin === 'string' ? Buffer.from(stdin) : stdin;
    const input = data.length ? `printf '%s' '${data.toString('base64')}' | base64 -d | ` : '';
    const redirect = data.length ? '' : ' </dev/null';
    const script = `${input}( eval ${quote(command)} )${redirect}; printf '\\n%s %s\\n' ${mark} "$?"; printf '\\n%s\\n' ${mark} >&2\n`;
    return new Promise<ExecResult>((resolve, reject) => {
      this.pending = { mark, resolve, reject };
      this.channel.write(script);
    });
  }

  /**
   * Resolves the pending command once both trailers have arrived. Commands run one at a time, so
   * a trailer is always the last thing on its stream: only the tails need looking at.
   */
  private settle(): void {
    const p = this.pending;
    if (!p) return;
    const outTrailer = new RegExp(`\\n${p.mark} (\\d+)\\n$`).exec(this.out.tail(p.mark.length + 16));
    const errTrailer = `\n${p.mark}\n`;
    if (!outTrailer || this.err.tail(errTrailer.length) !== errTrailer) return;
    this.pending = undefined;
    const out = this.out.take(outTrailer[0].length);
    const err = this.err.take(errTrailer.length);
    const r: ExecResult = { stdout: out.text, stderr: err.text, code: Number(outTrailer[1]) };
    if (out.cut || err.cut) r.cut = { stdout: out.cut, stderr: err.cut };
    p.resolve(r);
  }

  private die(e: Error): void {
    if (this.dead) return;
    this.dead = e;
    const p = this.pending;
    this.pending = undefined;
    p?.reject(e);
  }

  close(): void {
    this.die(new ShellDiedError('the remote shell was closed'));
    this.channel.end();
  }
}
