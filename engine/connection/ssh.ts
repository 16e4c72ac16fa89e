// The `ssh` connection: one SSH connection per host, opened lazily and reused for the whole
// run; every command is one exec channel on it, never more at once than sshd's MaxSessions.
import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import type { NodeSSH as NodeSSHType } from 'node-ssh';
import { ConnectionError } from '../errors.js';
import type { Connection, ExecOptions, ExecResult } from '../module-api.js';
import { type HostKeyPolicy, verifyHostKey } from './known-hosts.js';

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

export class SshConnection implements Connection {
  roundTrips = 0;
  private client: Promise<NodeSSHType> | undefined;
  private active = 0;
  private waiting: (() => void)[] = [];

  constructor(readonly settings: SshSettings) {}

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
    try {
      await ssh.connect({
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
    await this.acquire();
    this.roundTrips++;
    try {
      return await new Promise<ExecResult>((resolve, reject) => {
        const conn = ssh.connection;
        if (!conn) return reject(new ConnectionError(this.host, 'connection closed'));
        conn.exec(command, (err, channel) => {
          if (err) return reject(new ConnectionError(this.host, `cannot open a channel: ${err.message}`));
          const out: Buffer[] = [];
          const errs: Buffer[] = [];
          let code = -1;
          channel.on('data', (b: Buffer) => out.push(b));
          channel.stderr.on('data', (b: Buffer) => errs.push(b));
          channel.on('exit', (c: number | null) => {
            code = c ?? -1;
          });
          channel.on('close', () =>
            resolve({ stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(errs).toString('utf8'), code }),
          );
          channel.end(opts.stdin ?? '');
        });
      });
    } finally {
      this.release();
    }
  }

  async close(): Promise<void> {
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
