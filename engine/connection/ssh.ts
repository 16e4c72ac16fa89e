// The `ssh` connection: one SSH connection per host, opened lazily and reused for the whole
// run. Commands run in persistent remote shells on it (remote-shell.ts), up to MAX_SHELLS at
// once for tasks that run in parallel on the host; a command with a large stdin, or a host
// whose /bin/sh does not answer as a POSIX shell, gets an exec channel of its own. Never more
// channels at once than sshd's MaxSessions.
import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import type { NodeSSH as NodeSSHType } from 'node-ssh';
import type { ServerHostKeyAlgorithm } from 'ssh2';
import { ConnectionError } from '../errors.js';
import type { Connection, ExecOptions, ExecResult } from '../module-api.js';
import { BoundedOutput, execResult } from './bounded-output.js';
import { type HostKeyPolicy, hostKeyAlgorithms, verifyHostKey } from './known-hosts.js';
import { MAX_SHELL_STDIN, RemoteShell, ShellDiedError } from './remote-shell.js';

export interface SshSettings {
  /** The inventory name, used in messages. */
  name: string;
  address: string;
  port: number;
  user: string;
  privateKeyFile?: string;
  password?: string;
  knownHostsFile?: string;
  hostKeyPolicy: HostKeyPolicy;
  connectTimeoutMs?: number;
}

/** OpenSSH's default MaxSessions. */
const MAX_CHANNELS = 10;
/** Tries to open one channel (the waits between them add up to about 1.3 s). */
const OPEN_ATTEMPTS = 8;
/** Persistent shells per host; the other channels stay free for exec channels. */
const MAX_SHELLS = 4;
/** TSPLAY_PERSISTENT_SHELL=0 runs every command on an exec channel of its own, as before. */
const shellsWanted = (): boolean => process.env.TSPLAY_PERSISTENT_SHELL !== '0';

export class SshConnection implements Connection {
  roundTrips = 0;
  private client: Promise<NodeSSHType> | undefined;
  private active = 0;
  private waiting: (() => void)[] = [];
  private shells: RemoteShell[] = [];
  private shellsOpening = 0;
  /** The shells handed to a command (from takeShell until giveBack). */
  private readonly reserved = new Set<RemoteShell>();
  private shellWaiters: ((s: RemoteShell | undefined) => void)[] = [];
  /** Set when this host's shell did not answer: every command then takes an exec channel. */
  private noShell = !shellsWanted();

  constructor(readonly settings: SshSettings) {}

  get user(): string {
    return this.settings.user;
  }

  get host(): string {
    return this.settings.name;
  }

  private connect(): Promise<NodeSSHType> {
    this.client ??= this.open();
    return this.client;
  }

  private async open(): Promise<NodeSSHType> {
    const s = this.settings;
    // node-ssh (and ssh2) are loaded on first use: a run with only local hosts never pays for them.
    const { NodeSSH } = await import('node-ssh');
    const ssh = new NodeSSH();
    let keyRefusal: string | undefined;
    const knownHosts = s.knownHostsFile ?? join(homedir(), '.ssh', 'known_hosts');
    let privateKey: string | undefined;
    if (s.privateKeyFile) {
      try {
        privateKey = readFileSync(s.privateKeyFile, 'utf8');
      } catch (e) {
        throw new ConnectionError(s.name, `cannot read private key ${s.privateKeyFile}: ${(e as Error).message}`);
      }
    }
    // As OpenSSH does, ask first for the key types the host is known by.
    const serverHostKey = s.hostKeyPolicy === 'off' ? undefined : hostKeyAlgorithms(knownHosts, s.address, s.port);
    try {
      const connecting = ssh.connect({
        algorithms: serverHostKey ? { serverHostKey: serverHostKey as ServerHostKeyAlgorithm[] } : undefined,
        host: s.address,
        port: s.port,
        username: s.user,
        privateKey,
        password: s.password,
        agent: privateKey || s.password ? undefined : process.env.SSH_AUTH_SOCK,
        readyTimeout: s.connectTimeoutMs ?? 10_000,
        keepaliveInterval: 15_000,
        hostVerifier: (key: Buffer) => {
          const verdict = verifyHostKey(knownHosts, s.address, s.port, key, s.hostKeyPolicy);
          if (!verdict.ok) keyRefusal = verdict.reason;
          return verdict.ok;
        },
      });
      // Nagle's algorithm would hold back each small packet sent right after another (the exec
      // request's EOF, the handshake's messages) until the server's delayed ACK: about 40 ms per
      // command. node-ssh has created its ssh2 client synchronously, so this covers the handshake.
      ssh.connection?.setNoDelay(true);
      await connecting;
    } catch (e) {
      this.client = undefined;
      throw new ConnectionError(s.name, describeSshFailure(e as Error, s, keyRefusal));
    }
    ssh.connection?.on('error', () => undefined);
    return ssh;
  }

  private async acquire(): Promise<void> {
    if (this.active < MAX_CHANNELS) {
      this.active++;
      return;
    }
    await new Promise<void>((resolve) => this.waiting.push(resolve));
  }

  private release(): void {
    const next = this.waiting.shift();
    if (next) next();
    else this.active--;
  }

  async exec(command: string, opts: ExecOptions = {}): Promise<ExecResult> {
    const ssh = await this.connect();
    const stdin = opts.stdin ?? '';
    if (!this.noShell && Buffer.byteLength(stdin) <= MAX_SHELL_STDIN) {
      const shell = await this.takeShell(ssh);
      if (shell) return this.runInShell(ssh, shell, command, opts);
    }
    return this.execChannel(ssh, command, opts);
  }

  private async runInShell(ssh: NodeSSHType, shell: RemoteShell, command: string, opts: ExecOptions): Promise<ExecResult> {
    this.roundTrips++;
    try {
      return await shell.run(command, opts.stdin, opts.maxOutput);
    } catch (e) {
      if (!(e instanceof ShellDiedError)) throw e;
      if (!ssh.isConnected()) throw new ConnectionError(this.host, 'connection lost while a command was running');
      // The command ended its own shell (kill, exec of something that exits): that command fails,
      // the next one gets a new shell.
      return { stdout: '', stderr: 'tsplay: the remote shell running this command ended before the command did', code: -1 };
    } finally {
      this.giveBack(shell);
    }
  }

  /** An idle shell, a new one while fewer than MAX_SHELLS are open, or the next one freed. */
  private async takeShell(ssh: NodeSSHType): Promise<RemoteShell | undefined> {
    const idle = this.shells.find((s) => s.alive && !this.reserved.has(s));
    if (idle) {
      this.reserved.add(idle);
      return idle;
    }
    if (this.shells.length + this.shellsOpening >= MAX_SHELLS) return new Promise((resolve) => this.shellWaiters.push(resolve));
    this.shellsOpening++;
    await this.acquire();
    try {
      const shell = await RemoteShell.open((command, cb) => {
        const conn = ssh.connection;
        if (!conn) return cb(new ConnectionError(this.host, 'connection closed'), undefined as never);
        conn.exec(command, (err, ch) => cb(err, ch));
      });
      this.shells.push(shell);
      this.reserved.add(shell);
      return shell;
    } catch {
      // No POSIX shell to keep (or no channel for one): this host uses exec channels.
      this.release();
      this.noShell = true;
      for (const w of this.shellWaiters.splice(0)) w(undefined);
      return undefined;
    } finally {
      this.shellsOpening--;
    }
  }

  private giveBack(shell: RemoteShell): void {
    this.reserved.delete(shell);
    if (!shell.alive) {
      this.shells = this.shells.filter((s) => s !== shell);
      this.release();
    }
    const next = this.shellWaiters.shift();
    if (!next) return;
    if (shell.alive) {
      this.reserved.add(shell);
      next(shell);
    } else {
      // Let the waiter open a replacement.
      void this.connect().then((ssh) => this.takeShell(ssh)).then(next, () => next(undefined));
    }
  }

  /** One command on an exec channel of its own. */
  private async execChannel(ssh: NodeSSHType, command: string, opts: ExecOptions): Promise<ExecResult> {
    await this.acquire();
    this.roundTrips++;
    try {
      // sshd frees a session slot only after it has processed the close that ended it, so a
      // channel opened the moment another one closed can be refused though we never exceed
      // MaxSessions: such refusals are retried a few times.
      for (let attempt = 1; ; attempt++) {
        try {
          return await this.runOnChannel(ssh, command, opts);
        } catch (e) {
          if (e instanceof ConnectionError) throw e;
          // ssh2 sets `reason` (a number) when the server answered the open with a refusal.
          const refused = typeof (e as { reason?: unknown }).reason === 'number';
          if (!refused || attempt >= OPEN_ATTEMPTS) {
            const hint = refused ? ` (does sshd allow ${MAX_CHANNELS} sessions per connection? see MaxSessions)` : '';
            throw new ConnectionError(this.host, `cannot open a channel: ${(e as Error).message}${hint}`);
          }
          await new Promise((r) => setTimeout(r, 5 * 2 ** attempt));
        }
      }
    } finally {
      this.release();
    }
  }

  /** One command on a new channel; rejects with ssh2's own error when the channel cannot open. */
  private runOnChannel(ssh: NodeSSHType, command: string, opts: ExecOptions): Promise<ExecResult> {
    return new Promise<ExecResult>((resolve, reject) => {
      const conn = ssh.connection;
      if (!conn) return reject(new ConnectionError(this.host, 'connection closed'));
      conn.exec(command, (err, channel) => {
        if (err) return reject(err);
        // Listeners go on now, not after an await: the rest of the reply (the exit status
        // included) may arrive in the same batch of packets as this callback.
        const out = new BoundedOutput(opts.maxOutput);
        const errs = new BoundedOutput(opts.maxOutput);
        let code: number | undefined;
        channel.on('data', (b: Buffer) => out.push(b));
        channel.stderr.on('data', (b: Buffer) => errs.push(b));
        channel.on('exit', (c: number | null) => {
          code = c ?? -1; // null: killed by a signal
        });
        // A command that exits without reading all of its stdin is not an error.
        channel.on('error', () => undefined);
        channel.on('close', () => {
          // No exit status: the connection went down under the command (commands are not quoted
          // here, as this error is not redacted).
          if (code === undefined) reject(new ConnectionError(this.host, 'connection lost while a command was running'));
          else resolve(execResult(out, errs, code));
        });
        channel.end(opts.stdin ?? '');
      });
    });
  }

  async close(): Promise<void> {
    for (const shell of this.shells.splice(0)) shell.close();
    const c = this.client;
    this.client = undefined;
    if (c) (await c.catch(() => undefined))?.dispose();
  }
}

function describeSshFailure(e: Error, s: SshSettings, keyRefusal?: string): string {
  if (keyRefusal) return keyRefusal;
  const code = (e as { code?: string }).code;
  const where = `${s.user}@${s.address}:${s.port}`;
  if (code === 'ECONNREFUSED') return `connection refused by ${where} (is sshd running?)`;
  if (code === 'EHOSTUNREACH' || code === 'ENETUNREACH') return `no route to ${where}`;
  if (code === 'ENOTFOUND') return `cannot resolve ${s.address}`;
  if (/Timed out/i.test(e.message)) return `timed out connecting to ${where}`;
  if (/authentication methods failed/i.test(e.message)) {
    return `authentication failed for ${where} (key: ${s.privateKeyFile ?? 'agent/none'})`;
  }
  return `${where}: ${e.message}`;
}
