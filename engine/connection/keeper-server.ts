// The connection keeper (`tsplay keeper serve SOCKET`): a per-user background process that holds
// SSH connections, with their persistent shells, across runs, as OpenSSH's ControlPersist does
// for Ansible. A run attaches one socket per host (keeper-wire.ts): `open` with the host's
// settings, then `exec`s. A connection is kept `persist` seconds after its last run detached;
// the keeper ends when it keeps nothing. A kept connection is handed only to a run whose
// settings give the same key (keeper-key.ts), only after its host key passed the same
// known_hosts check a new connection makes, and only when it still answers (else the run gets a
// new connection). A run that goes away mid-command has that
// command's channel closed, as a dropped connection would. Nothing is logged: the keeper has
// no output at all (secrets come in on the socket only).
import { randomBytes } from 'node:crypto';
import { chmodSync, unlinkSync } from 'node:fs';
import { createConnection, createServer, type Socket } from 'node:net';
import { dirname } from 'node:path';
import { ConnectionError } from '../errors.js';
import type { ExecOptions } from '../module-api.js';
import { checkKeeperDir } from './keeper-dir.js';
import { connectionKey } from './keeper-key.js';
import { encode, type Message, onMessages } from './keeper-wire.js';
import { verifyHostKey } from './known-hosts.js';
import { knownHostsOf, SshConnection, type SshSettings } from './ssh.js';

/** How long a keeper nobody attached to waits before it ends. */
const START_GRACE_MS = 10_000;
/** How long a keeper that keeps nothing waits for another run (a run's hosts attach one by one). */
const IDLE_GRACE_MS = 1_000;
/** How long a kept connection may take to answer before a run is given a new one instead. */
const ANSWER_MS = 2_000;

interface Kept {
  conn: SshConnection;
  opened: Promise<void>;
  clients: number;
  lingerMs: number;
  timer?: NodeJS.Timeout;
  commands: number;
}

export interface KeeperStats {
  pid: number;
  /** SSH connections opened (each one handshake). */
  handshakes: number;
  /** Runs given a connection already open. */
  reused: number;
  connections: { host: string; user: string; address: string; port: number; clients: number; commands: number }[];
}

export async function serveKeeper(socketPath: string): Promise<void> {
  const dir = checkKeeperDir(dirname(socketPath), false);
  if (!dir.ok) throw new Error(`tsplay keeper: ${dir.reason}`);
  const secret = randomBytes(32);
  const kept = new Map<string, Kept>();
  const sockets = new Set<Socket>();
  const stats = { handshakes: 0, reused: 0 };
  let idleTimer: NodeJS.Timeout | undefined;

  const server = createServer((sock) => {
    sockets.add(sock);
    clearTimeout(idleTimer);
    serveClient(sock);
  });

  const stop = (): void => {
    server.close();
    for (const k of kept.values()) void k.conn.close();
    kept.clear();
    for (const s of sockets) s.destroy();
    try {
      unlinkSync(socketPath);
    } catch {
      // gone already
    }
    process.exit(0);
  };
  const idle = (): boolean => !kept.size && !sockets.size;
  const endIfIdle = (): void => {
    clearTimeout(idleTimer);
    if (idle()) idleTimer = setTimeout(() => idle() && stop(), IDLE_GRACE_MS);
  };
  const drop = (key: string, k: Kept): void => {
    clearTimeout(k.timer);
    if (kept.get(key) === k) kept.delete(key);
    void k.conn.close();
  };

  function serveClient(sock: Socket): void {
    const running = new Map<number, AbortController>();
    let attached: { key: string; k: Kept } | undefined;
    const reply = (head: Message['head'], body?: Buffer): void => {
      if (!sock.destroyed) sock.write(encode(head, body));
    };
    const fail = (id: number, e: unknown): void => {
      const error = e instanceof ConnectionError ? { kind: 'connection', reason: e.reason } : { kind: 'error', message: (e as Error).message };
      reply({ id, error });
    };

    onMessages(sock, (m) => void handle(m).catch((e: unknown) => fail(m.head.id, e)));
    sock.on('error', () => undefined);
    sock.on('close', () => {
      sockets.delete(sock);
      for (const a of running.values()) a.abort();
      if (attached) {
        const { key, k } = attached;
        if (--k.clients === 0) k.timer = setTimeout(() => (drop(key, k), endIfIdle()), k.lingerMs);
      }
      endIfIdle();
    });

    async function handle({ head, body }: Message): Promise<void> {
      const id = head.id;
      switch (head.op) {
        case 'open': {
          const settings = head.settings as SshSettings;
          const key = connectionKey(settings, secret);
          let k = kept.get(key);
          // Handed out only when it answers: a host that went away silently would hang the run.
          if (k && (await k.opened.then(() => k!.conn.answers(ANSWER_MS), () => false))) {
            // The check a new connection would make, against today's known_hosts.
            const verdict = verifyHostKey(knownHostsOf(settings), settings.address, settings.port, k.conn.hostKey!, settings.hostKeyPolicy);
            if (!verdict.ok) {
              drop(key, k);
              throw new ConnectionError(settings.name, verdict.reason);
            }
            stats.reused++;
          } else {
            if (k) drop(key, k);
            const conn = new SshConnection(settings);
            k = { conn, opened: conn.ready(), clients: 0, lingerMs: 0, commands: 0 };
            kept.set(key, k);
            stats.handshakes++;
            const opening = k;
            await opening.opened.catch((e: unknown) => {
              drop(key, opening);
              throw e;
            });
          }
          clearTimeout(k.timer);
          k.clients++;
          k.lingerMs = Number(head.persist) * 1000;
          attached = { key, k };
          return reply({ id, ok: true });
        }
        case 'exec': {
          if (!attached) throw new Error('exec before open');
          const { k } = attached;
          const abort = new AbortController();
          running.set(id, abort);
          k.commands++;
          const opts: ExecOptions = { maxOutput: head.maxOutput === null ? Infinity : (head.maxOutput as number | undefined) };
          if (head.stdin) opts.stdin = body;
          try {
            const as = head.as as { user: string; password?: string } | undefined;
            const result = as ? await k.conn.execAs(as, String(head.command), opts, abort.signal) : await k.conn.exec(String(head.command), opts, abort.signal);
            return reply({ id, result });
          } finally {
            running.delete(id);
          }
        }
        case 'reset':
          if (attached) drop(attached.key, attached.k);
          return reply({ id, ok: true });
        case 'stats': {
          const connections = [...kept.values()].map(({ conn: { settings: s }, clients, commands }) => ({ host: s.name, user: s.user, address: s.address, port: s.port, clients, commands }));
          const out: KeeperStats = { pid: process.pid, ...stats, connections };
          return reply({ id, stats: out });
        }
        case 'stop':
          reply({ id, ok: true });
          return void setImmediate(stop);
        default:
          throw new Error(`unknown request ${String(head.op)}`);
      }
    }
  }

  await listen(server, socketPath);
  chmodSync(socketPath, 0o600);
  for (const sig of ['SIGTERM', 'SIGINT', 'SIGHUP'] as const) process.on(sig, stop);
  idleTimer = setTimeout(() => idle() && stop(), START_GRACE_MS);
}

/** Listens on the socket; a stale one (no keeper answers) is removed first, a live one means another keeper serves. */
async function listen(server: ReturnType<typeof createServer>, path: string): Promise<void> {
  for (let attempt = 0; ; attempt++) {
    const err = await new Promise<NodeJS.ErrnoException | undefined>((resolve) => {
      server.once('error', resolve);
      server.listen(path, () => resolve(undefined));
    });
    if (!err) return;
    if (err.code !== 'EADDRINUSE' || attempt > 0) throw err;
    const alive = await new Promise<boolean>((resolve) => {
      const probe = createConnection(path, () => (probe.destroy(), resolve(true)));
      probe.on('error', () => resolve(false));
    });
    if (alive) process.exit(0);
    unlinkSync(path);
  }
}
