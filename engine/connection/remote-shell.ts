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

/** How a shell starts: the channel's command, what it reads first, the line it prints once ready. */
export interface ShellStart {
  command: string;
  stdinPrefix?: string;
  ready?: string;
  /** Said on stderr before the ready line: a refusal; the shell's stdin is then closed so that nothing more is read as a retry. */
  refusal?: RegExp;
}

/** The start command ended before the shell was ready (sudo refused): what it said and its exit status. */
export class ShellRefusedError extends Error {
  constructor(readonly result: ExecResult) {
    super('the remote shell was refused');
  }
}

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
  private exitCode: number | undefined;
  /** Called after each chunk of output (the start-up wait). */
  private onData: (() => void) | undefined;
  private whenDead: (() => void) | undefined;

  private constructor(private readonly channel: ClientChannel) {
    channel.on('data', (b: Buffer) => {
      this.out.push(b);
      this.settle();
      this.onData?.();
    });
    channel.stderr.on('data', (b: Buffer) => {
      this.err.push(b);
      this.settle();
      this.onData?.();
    });
    channel.on('exit', (c: number | null) => (this.exitCode = c ?? -1));
    channel.on('error', () => undefined);
    channel.on('close', () => this.die(new ShellDiedError('the remote shell ended')));
  }

  /**
   * Starts `sh` on a new channel of `exec` (by default `exec /bin/sh`; a become shell's start
   * reads its password line first and prints its ready line) and checks that it answers.
   * Rejects with ShellRefusedError when the start command ended first, with what it said.
   */
  static async open(exec: (command: string, cb: (err: Error | undefined, ch: ClientChannel) => void) => void, start: ShellStart = { command: 'exec /bin/sh' }): Promise<RemoteShell> {
    const channel = await new Promise<ClientChannel>((resolve, reject) => {
      exec(start.command, (err, ch) => (err ? reject(err) : resolve(ch)));
    });
    const shell = new RemoteShell(channel);
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new ShellDiedError('the remote shell did not answer')), HANDSHAKE_MS);
    });
    try {
      if (start.stdinPrefix) channel.write(start.stdinPrefix);
      if (start.ready) await Promise.race([shell.readyLine(start.ready, start.refusal), timeout]);
      const r = await Promise.race([shell.run('echo tsplay-shell-ready'), timeout]);
      if (r.code !== 0 || r.stdout !== 'tsplay-shell-ready\n') throw new ShellDiedError(`the remote /bin/sh did not answer as a POSIX shell: ${r.stdout}${r.stderr}`);
    } catch (e) {
      shell.close();
      throw e;
    } finally {
      clearTimeout(timer);
    }
    return shell;
  }

  /** Resolves once stdout ends with `line`; rejects with what was said if the channel closes first. */
  private readyLine(line: string, refusal?: RegExp): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      const check = (): void => {
        if (refusal?.test(this.err.tail(256))) this.channel.end();
        if (this.out.tail(line.length + 1) === `${line}\n`) {
          this.onData = undefined;
          this.out.begin();
          resolve();
        } else if (this.dead) {
          this.onData = undefined;
          reject(new ShellRefusedError({ stdout: '', stderr: this.err.take(0).text, code: this.exitCode ?? -1 }));
        }
      };
      this.onData = check;
      this.whenDead = check;
      check();
    });
  }

  get alive(): boolean {
    return !this.dead;
  }

  /** Runs one command; an abort (its caller went away) ends the shell under it. */
  run(command: string, stdin: string | Buffer = '', maxOutput?: number, signal?: AbortSignal): Promise<ExecResult> {
    if (signal?.aborted) return Promise.reject(new ShellDiedError('the command was abandoned'));
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
      const abandon = (): void => this.kill(new ShellDiedError('the command was abandoned'));
      signal?.addEventListener('abort', abandon, { once: true });
      const done = (): void => signal?.removeEventListener('abort', abandon);
      this.pending = { mark, resolve: (r) => (done(), resolve(r)), reject: (e) => (done(), reject(e)) };
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
    this.whenDead?.();
  }

  /** Ends the shell: EOF, so that it exits once its command is done. */
  close(): void {
    this.die(new ShellDiedError('the remote shell was closed'));
    this.channel.end();
  }

  /** Closes the channel at once (sshd closes the command's pipes), as a dropped connection would. */
  kill(e: Error): void {
    this.die(e);
    this.channel.close();
  }
}
