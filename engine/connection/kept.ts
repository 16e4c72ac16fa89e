// The `ssh` connection through the connection keeper (keeper-server.ts): the SSH connection and
// its shells outlive the run, so the next run within `persist` seconds costs no handshake. The
// keeper is started on first use (a detached `tsplay keeper serve`, no output, no secrets in
// its argv) and reached over a unix socket in a directory only this user can reach
// (keeper-dir.ts). Whenever the keeper cannot serve — the directory is refused, it does not
// start, it breaks or is killed — the run connects directly instead: a command it was running
// then fails as on a dropped connection, and the commands after it go direct.
import { spawn } from 'node:child_process';
import { connect as connectSocket, type Socket } from 'node:net';
import { ConnectionError } from '../errors.js';
import type { Connection, ExecOptions, ExecResult } from '../module-api.js';
import type { BecomeSettings } from './become.js';
import { checkKeeperDir } from './keeper-dir.js';
import { encode, type Message, onMessages } from './keeper-wire.js';
import { knownHostsOf, readPrivateKey, shellsWanted, SshConnection, type SshSettings } from './ssh.js';

export interface KeepSettings {
  /** Seconds a connection is kept after the run (> 0). */
  persist: number;
  dir: string;
  socket: string;
  /** The command that starts a keeper: `tsplay keeper serve SOCKET`. */
  spawn: { command: string; args: string[] };
  /** Told once why connections are not kept (a refused directory). */
  warn?: (message: string) => void;
}

/** How long a new keeper may take to listen. */
const START_MS = 5_000;

/** One keeper start per socket and process, however many hosts ask at once. */
const starting = new Map<string, Promise<void>>();
const warned = new Set<string>();

/** Connects to the keeper's socket, starting a keeper when none listens. */
async function keeperSocket(keep: KeepSettings): Promise<Socket | undefined> {
  const dir = checkKeeperDir(keep.dir, true);
  if (!dir.ok) {
    if (!warned.has(dir.reason)) keep.warn?.(`tsplay: connections are not kept across runs: ${dir.reason}`);
    warned.add(dir.reason);
    return undefined;
  }
  const first = await dial(keep.socket);
  if (first) return first;
  let start = starting.get(keep.socket);
  if (!start) {
    start = startKeeper(keep);
    starting.set(keep.socket, start);
    void start.finally(() => starting.delete(keep.socket));
  }
  await start;
  return dial(keep.socket);
}

function dial(path: string): Promise<Socket | undefined> {
  return new Promise((resolve) => {
    const s = connectSocket(path, () => {
      s.removeAllListeners('error');
      // An idle link to the keeper does not keep the run's process alive (KeeperLink refs it while it waits).
      s.unref();
      resolve(s);
    });
    s.once('error', () => resolve(undefined));
  });
}

async function startKeeper(keep: KeepSettings): Promise<void> {
  try {
    const child = spawn(keep.spawn.command, keep.spawn.args, { detached: true, stdio: 'ignore', cwd: '/' });
    child.on('error', () => undefined);
    child.unref();
  } catch {
    return;
  }
  for (const deadline = Date.now() + START_MS; Date.now() < deadline; ) {
    const s = await dial(keep.socket);
    if (s) return void s.destroy();
    await new Promise((r) => setTimeout(r, 15));
  }
}

/** One host's socket to the keeper: requests out, replies matched by id. */
class KeeperLink {
  private nextId = 1;
  private readonly pending = new Map<number, { resolve: (m: Message) => void; reject: (e: Error) => void }>();
  gone = false;

  constructor(private readonly sock: Socket, private readonly host: string, onGone: () => void) {
    onMessages(sock, (m) => {
      const p = this.pending.get(m.head.id);
      this.pending.delete(m.head.id);
      if (!this.pending.size) sock.unref();
      p?.resolve(m);
    });
    sock.on('error', () => undefined);
    sock.on('close', () => {
      this.gone = true;
      onGone();
      for (const p of this.pending.values()) p.reject(new ConnectionError(this.host, 'the connection keeper ended while a command was running'));
      this.pending.clear();
    });
  }

  request(head: Record<string, unknown>, body?: Buffer): Promise<Message> {
    if (this.gone) return Promise.reject(new ConnectionError(this.host, 'the connection keeper has ended'));
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.sock.ref();
      this.sock.write(encode({ ...head, id }, body));
    });
  }

  end(): void {
    this.sock.end();
  }
}

/** The reply's error as the run knows it: an unreachable host stays a ConnectionError. */
function replyError(host: string, head: Message['head']): Error | undefined {
  const e = head.error as { kind: string; reason?: string; message?: string } | undefined;
  if (!e) return undefined;
  return e.kind === 'connection' ? new ConnectionError(host, e.reason ?? 'unreachable') : new Error(`tsplay keeper: ${e.message}`);
}

export class KeptConnection implements Connection {
  private viaKeeper = 0;
  private route: Promise<KeeperLink | SshConnection> | undefined;
  private direct: SshConnection | undefined;

  constructor(readonly settings: SshSettings, private readonly keep: KeepSettings) {}

  get host(): string {
    return this.settings.name;
  }

  get user(): string {
    return this.settings.user;
  }

  get roundTrips(): number {
    return this.viaKeeper + (this.direct?.roundTrips ?? 0);
  }

  /** Through the keeper when it serves, else directly; a host the keeper could not reach stays unreachable. */
  private routeOf(): Promise<KeeperLink | SshConnection> {
    this.route ??= this.attach().catch((e: unknown) => {
      this.route = undefined;
      throw e;
    });
    return this.route;
  }

  private async attach(): Promise<KeeperLink | SshConnection> {
    const settings: SshSettings = {
      ...this.settings,
      privateKey: this.settings.privateKey ?? readPrivateKey(this.settings),
      knownHostsFile: knownHostsOf(this.settings),
      agent: this.settings.agent ?? process.env.SSH_AUTH_SOCK,
      shells: this.settings.shells ?? shellsWanted(),
    };
    const sock = await keeperSocket(this.keep);
    if (!sock) return this.goDirect();
    const link = new KeeperLink(sock, this.host, () => {
      // Later commands go direct (the ones in flight failed with the keeper).
      if (this.route) this.route = Promise.resolve(this.goDirect());
    });
    let reply: Message;
    try {
      reply = await link.request({ op: 'open', settings, persist: this.keep.persist });
    } catch {
      return this.goDirect();
    }
    const err = replyError(this.host, reply.head);
    if (err) {
      link.end();
      throw err;
    }
    return link;
  }

  private goDirect(): SshConnection {
    this.direct ??= new SshConnection(this.settings);
    return this.direct;
  }

  exec(command: string, opts: ExecOptions = {}): Promise<ExecResult> {
    return this.run(command, opts);
  }

  execAs(become: BecomeSettings, command: string, opts: ExecOptions = {}): Promise<ExecResult> {
    return this.run(command, opts, become);
  }

  private async run(command: string, opts: ExecOptions, as?: BecomeSettings): Promise<ExecResult> {
    const route = await this.routeOf();
    if (route instanceof SshConnection || route.gone) {
      const d = this.goDirect();
      return as ? d.execAs(as, command, opts) : d.exec(command, opts);
    }
    this.viaKeeper++;
    const stdin = opts.stdin === undefined ? undefined : Buffer.from(opts.stdin);
    const head = { op: 'exec', command, stdin: stdin !== undefined, maxOutput: opts.maxOutput === Infinity ? null : opts.maxOutput, as };
    const reply = await route.request(head, stdin);
    const err = replyError(this.host, reply.head);
    if (err) throw err;
    return reply.head.result as ExecResult;
  }

  async close(opts: { reset?: boolean } = {}): Promise<void> {
    const route = await this.route?.catch(() => undefined);
    this.route = undefined;
    if (route instanceof KeeperLink && !route.gone) {
      if (opts.reset) await route.request({ op: 'reset' }).catch(() => undefined);
      route.end();
    }
    await this.direct?.close();
    this.direct = undefined;
  }
}

/** Asks the keeper on `socket` for one thing (`stats`, `stop`); undefined when none listens. */
export async function askKeeper(socket: string, op: 'stats' | 'stop'): Promise<Record<string, unknown> | undefined> {
  const sock = await dial(socket);
  if (!sock) return undefined;
  const link = new KeeperLink(sock, 'keeper', () => undefined);
  try {
    return (await link.request({ op })).head;
  } catch {
    return undefined;
  } finally {
    link.end();
  }
}
