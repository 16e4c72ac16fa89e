// The `ssh` connection: one SSH connection per host, opened lazily and reused for the whole
// run. Commands run in persistent remote shells on it (remote-shell.ts, shell-pool.ts), up to
// MAX_SHELLS at once for tasks that run in parallel on the host; commands with become run in
// shells started as the become user (one sudo per shell, not per command). A command with a
// large stdin, or a host whose /bin/sh does not answer as a POSIX shell, gets an exec channel
// of its own (with become, wrapped in sudo). Never more channels at once than sshd's MaxSessions.
import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import type { NodeSSH as NodeSSHType } from 'node-ssh';
import type { ServerHostKeyAlgorithm } from 'ssh2';
import { ConnectionError } from '../errors.js';
import type { Connection, ExecOptions, ExecResult } from '../module-api.js';
import { BECOME_READY, type BecomeSettings, SUDO_REFUSED, becomeKey, becomeShellCommand, wrapBecome } from './become.js';
import { BoundedOutput, execResult } from './bounded-output.js';
import { type HostKeyPolicy, hostKeyAlgorithms, verifyHostKey } from './known-hosts.js';
import { MAX_SHELL_STDIN, RemoteShell, ShellDiedError, ShellRefusedError, type ShellStart } from './remote-shell.js';
import { type ShellHost, ShellPool } from './shell-pool.js';

export interface SshSettings {
  /** The inventory name, used in messages. */
  name: string;
  address: string;
  port: number;
  user: string;
  privateKeyFile?: string;
  /** The private key itself, read already (the keeper gets it so, never the file's name alone). */
  privateKey?: string;
  password?: string;
  knownHostsFile?: string;
  hostKeyPolicy: HostKeyPolicy;
  connectTimeoutMs?: number;
  /** The agent to authenticate with when there is neither key nor password (default $SSH_AUTH_SOCK). */
  agent?: string;
  /** Persistent shells (default: unless TSPLAY_PERSISTENT_SHELL=0). */
  shells?: boolean;
}

/** OpenSSH's default MaxSessions. */
const MAX_CHANNELS = 10;
/** Tries to open one channel (the waits between them add up to about 1.3 s). */
const OPEN_ATTEMPTS = 8;
/** TSPLAY_PERSISTENT_SHELL=0 runs every command on an exec channel of its own, as before. */
export const shellsWanted = (): boolean => process.env.TSPLAY_PERSISTENT_SHELL !== '0';

export class SshConnection implements Connection {
  roundTrips = 0;
  /** The host key the connection was opened with (the keeper checks it again for each run). */
  hostKey: Buffer | undefined;
  private client: Promise<NodeSSHType> | undefined;
  private active = 0;
  private waiting: (() => void)[] = [];
  /** The login user's shells ('') and each become identity's (becomeKey). */
  private readonly pools = new Map<string, ShellPool>();
  /** Set when this host's shell did not answer: every command then takes an exec channel. */
  private noShell: boolean;
  private readonly shellHost: ShellHost;

  constructor(readonly settings: SshSettings) {
    this.noShell = !(settings.shells ?? shellsWanted());
    this.shellHost = {
      openShell: (start) => this.openShell(start),
      shellEnded: () => this.release(),
      shellCount: () => [...this.pools.values()].reduce((n, p) => n + p.size, 0),
      evictIdle: (except) => [...this.pools.values()].some((p) => p !== except && p.closeIdle()),
    };
  }

  get user(): string {
    return this.settings.user;
  }

  get host(): string {
    return this.settings.name;
  }

  /** True while the SSH connection is up (false before it was opened). */
  async connected(): Promise<boolean> {
    const c = await this.client?.catch(() => undefined);
    return !!c?.isConnected();
  }

  /**
   * True when a command comes back within `ms`: the connection is up at both ends. A host that
   * went away without closing (stopped, rebooted, cut off) leaves the TCP connection looking open
   * until keepalives give up, a minute later.
   */
  async answers(ms: number): Promise<boolean> {
    if (!(await this.connected())) return false;
    let timer: NodeJS.Timeout | undefined;
    const probe = this.exec(':').then((r) => r.code === 0, () => false);
    const late = new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(false), ms)));
    try {
      return await Promise.race([probe, late]);
    } finally {
      clearTimeout(timer);
    }
  }

  /** Connects now (the keeper opens a connection before it answers a run). */
  async ready(): Promise<void> {
    await this.connect();
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
    const knownHosts = knownHostsOf(s);
    const privateKey = s.privateKey ?? readPrivateKey(s);
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
        agent: privateKey || s.password ? undefined : (s.agent ?? process.env.SSH_AUTH_SOCK),
        readyTimeout: s.connectTimeoutMs ?? 10_000,
        keepaliveInterval: 15_000,
        hostVerifier: (key: Buffer) => {
          const verdict = verifyHostKey(knownHosts, s.address, s.port, key, s.hostKeyPolicy);
          if (!verdict.ok) keyRefusal = verdict.reason;
          else this.hostKey = key;
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

  /** Runs a command; `signal` abandons it (the keeper's caller went away): its channel closes. */
  async exec(command: string, opts: ExecOptions = {}, signal?: AbortSignal): Promise<ExecResult> {
    return this.execIn('', command, opts, signal);
  }

  /** Runs a command as another user: in a shell started as that user, else wrapped in sudo. */
  async execAs(become: BecomeSettings, command: string, opts: ExecOptions = {}, signal?: AbortSignal): Promise<ExecResult> {
    return this.execIn(becomeKey(become), command, opts, signal, become);
  }

  private async execIn(key: string, command: string, opts: ExecOptions, signal: AbortSignal | undefined, become?: BecomeSettings): Promise<ExecResult> {
    const ssh = await this.connect();
    const stdin = opts.stdin ?? '';
    if (!this.noShell && Buffer.byteLength(stdin) <= MAX_SHELL_STDIN) {
      const taken = await this.pool(key, become).take();
      if (taken && 'refused' in taken) {
        this.roundTrips++;
        return taken.refused;
      }
      if (taken) return this.runInShell(ssh, this.pool(key, become), taken.shell, command, opts, signal);
    }
    if (!become) return this.execChannel(ssh, command, opts, signal);
    const w = wrapBecome(command, become);
    const withPassword = opts.stdin === undefined ? w.stdinPrefix : Buffer.concat([Buffer.from(w.stdinPrefix), Buffer.from(opts.stdin)]);
    return this.execChannel(ssh, w.command, { ...opts, stdin: withPassword }, signal);
  }

  private pool(key: string, become: BecomeSettings | undefined): ShellPool {
    let p = this.pools.get(key);
    if (!p) {
      const start: ShellStart = become ? { ...becomeShellCommand(become), ready: BECOME_READY, refusal: SUDO_REFUSED } : { command: 'exec /bin/sh' };
      p = new ShellPool(this.shellHost, start);
      this.pools.set(key, p);
    }
    return p;
  }

  private async runInShell(ssh: NodeSSHType, pool: ShellPool, shell: RemoteShell, command: string, opts: ExecOptions, signal?: AbortSignal): Promise<ExecResult> {
    this.roundTrips++;
    try {
      return await shell.run(command, opts.stdin, opts.maxOutput, signal);
    } catch (e) {
      if (!(e instanceof ShellDiedError)) throw e;
      if (!ssh.isConnected()) throw new ConnectionError(this.host, 'connection lost while a command was running');
      // The command ended its own shell (kill, exec of something that exits): that command fails,
      // the next one gets a new shell.
      return { stdout: '', stderr: 'tsplay: the remote shell running this command ended before the command did', code: -1 };
    } finally {
      pool.giveBack(shell);
    }
  }

  /** A new shell on a channel of its own; the plain shell not answering sends the host to exec channels. */
  private async openShell(start: ShellStart): Promise<RemoteShell> {
    const ssh = await this.connect();
    await this.acquire();
    try {
      return await RemoteShell.open((command, cb) => {
        const conn = ssh.connection;
        if (!conn) return cb(new ConnectionError(this.host, 'connection closed'), undefined as never);
        conn.exec(command, (err, ch) => cb(err, ch));
      }, start);
    } catch (e) {
      this.release();
      if (!start.ready && !(e instanceof ShellRefusedError)) this.noShell = true;
      throw e;
    }
  }

  /** One command on an exec channel of its own. */
  private async execChannel(ssh: NodeSSHType, command: string, opts: ExecOptions, signal?: AbortSignal): Promise<ExecResult> {
    await this.acquire();
    this.roundTrips++;
    try {
      // sshd frees a session slot only after it has processed the close that ended it, so a
      // channel opened the moment another one closed can be refused though we never exceed
      // MaxSessions: such refusals are retried a few times.
      for (let attempt = 1; ; attempt++) {
        try {
          return await this.runOnChannel(ssh, command, opts, signal);
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
  private runOnChannel(ssh: NodeSSHType, command: string, opts: ExecOptions, signal?: AbortSignal): Promise<ExecResult> {
    return new Promise<ExecResult>((resolve, reject) => {
      const conn = ssh.connection;
      if (!conn) return reject(new ConnectionError(this.host, 'connection closed'));
      if (signal?.aborted) return reject(new ConnectionError(this.host, 'the command was abandoned'));
      conn.exec(command, (err, channel) => {
        if (err) return reject(err);
        const abandon = (): void => void channel.close();
        signal?.addEventListener('abort', abandon, { once: true });
        channel.on('close', () => signal?.removeEventListener('abort', abandon));
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
    for (const pool of this.pools.values()) pool.closeAll();
    this.pools.clear();
    const c = this.client;
    this.client = undefined;
    if (c) (await c.catch(() => undefined))?.dispose();
  }
}

/** The known_hosts file a connection checks the host key against. */
export const knownHostsOf = (s: Pick<SshSettings, 'knownHostsFile'>): string => s.knownHostsFile ?? join(homedir(), '.ssh', 'known_hosts');

/** The key file's content; unreadable, the host is unreachable with a message saying why. */
export function readPrivateKey(s: Pick<SshSettings, 'name' | 'privateKeyFile'>): string | undefined {
  if (!s.privateKeyFile) return undefined;
  try {
    return readFileSync(s.privateKeyFile, 'utf8');
  } catch (e) {
    throw new ConnectionError(s.name, `cannot read private key ${s.privateKeyFile}: ${(e as Error).message}`);
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
