// A throw-away PostgreSQL cluster on this machine for the local runs of the PostgreSQL modules:
// initdb into a temp dir as the postgres OS user, socket in /var/run/postgresql (where psql looks
// by default) on a free port, TCP on 127.0.0.1 only. Needs root and the postgresql packages.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface TempCluster {
  port: number;
  dir: string;
  /** Major version of the server binaries. */
  version: number;
  stop(): void;
}

const SOCKET_DIR = '/var/run/postgresql';

/** Why a temp cluster cannot be made here, or undefined when it can. */
export function tempClusterUnavailable(): string | undefined {
  if (process.getuid?.() !== 0) return 'not root';
  if (!binDir()) return 'no PostgreSQL server binaries under /usr/lib/postgresql';
  if (!existsSync(SOCKET_DIR)) return `${SOCKET_DIR} missing`;
  try {
    execFileSync('id', ['postgres'], { stdio: 'ignore' });
  } catch {
    return 'no postgres OS user';
  }
  return undefined;
}

function binDir(): string | undefined {
  const root = '/usr/lib/postgresql';
  if (!existsSync(root)) return undefined;
  const versions = readdirSync(root)
    .filter((v) => existsSync(join(root, v, 'bin', 'initdb')))
    .sort((a, b) => Number(b) - Number(a));
  return versions[0] ? join(root, versions[0], 'bin') : undefined;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const port = (srv.address() as { port: number }).port;
      srv.close(() => resolve(port));
    });
  });
}

function asPostgres(command: string): string {
  return execFileSync('su', ['-s', '/bin/sh', 'postgres', '-c', command], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

const q = (s: string): string => `'${s.replace(/'/g, `'\\''`)}'`;

export async function startTempCluster(): Promise<TempCluster> {
  const bin = binDir()!;
  const dir = mkdtempSync(join(tmpdir(), 'tsplay-pg-'));
  execFileSync('chown', ['postgres:postgres', dir]);
  const data = join(dir, 'data');
  asPostgres(`${q(join(bin, 'initdb'))} -D ${q(data)} -U postgres --auth-local=peer --auth-host=scram-sha-256 >/dev/null`);
  const port = await freePort();
  const opts = `-p ${port} -k ${SOCKET_DIR} -c listen_addresses=127.0.0.1`;
  asPostgres(`${q(join(bin, 'pg_ctl'))} -D ${q(data)} -l ${q(join(dir, 'log'))} -o ${q(opts)} -w start >/dev/null`);
  return {
    port,
    dir,
    version: Number(bin.split('/').at(-2)),
    stop() {
      try {
        asPostgres(`${q(join(bin, 'pg_ctl'))} -D ${q(data)} -m fast -w stop >/dev/null`);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  };
}
