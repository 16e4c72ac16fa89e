// The drills' writer: an application that inserts single rows through the balancer the whole
// time a drill runs, and records which inserts the server acknowledged (COMMIT returned). After
// the drill, `stop` reads back which acknowledged rows the new primary has: an acknowledged row
// that is missing is a lost write. Lab only: the password (postgres_db_password) comes from the
// lab's secrets file, or from the file --secrets names.
//   node dist/lab/drill-writer.js start --host H --port P --run RUN --state DIR [--secrets FILE]
//   node dist/lab/drill-writer.js stop  --host H --port P --run RUN --state DIR [--secrets FILE] [--cut EPOCH_MS]
import { spawn } from 'node:child_process';
import { appendFileSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { parse } from 'yaml';
import { SECRETS_FILE } from './secrets.js';

interface Opts {
  host: string;
  port: number;
  run: string;
  state: string;
  secrets: string;
  cut?: number;
}

function options(args: string[]): Opts {
  const get = (name: string): string | undefined => {
    const i = args.indexOf(`--${name}`);
    return i >= 0 ? args[i + 1] : undefined;
  };
  const need = (name: string): string => {
    const v = get(name);
    if (v === undefined) throw new Error(`drill-writer: --${name} is required`);
    return v;
  };
  const cut = get('cut');
  return { host: need('host'), port: Number(need('port')), run: need('run'), state: need('state'), secrets: get('secrets') ?? SECRETS_FILE, cut: cut === undefined ? undefined : Number(cut) };
}

const password = (o: Opts): string => String((parse(readFileSync(o.secrets, 'utf8')) as Record<string, unknown>).postgres_db_password);
const client = (o: Opts) => new pg.Client({ host: o.host, port: o.port, user: 'postgres', password: password(o), database: 'postgres', connectionTimeoutMillis: 1000, query_timeout: 3000 });
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Inserts row n = 1, 2, … every 50 ms; each acknowledgement is appended to DIR/acks as "n epoch_ms". */
async function loop(o: Opts): Promise<void> {
  let stop = false;
  process.on('SIGTERM', () => (stop = true));
  const acks = join(o.state, 'acks');
  let c: pg.Client | undefined;
  // A later `start` owns the state folder: a writer it replaced (say, left behind by a drill that
  // was interrupted) stops instead of writing into the new drill's records.
  for (let n = 1; !stop && !replaced(o); n++) {
    try {
      if (!c) {
        c = client(o);
        c.on('error', () => undefined);
        await c.connect();
      }
      await c.query('INSERT INTO tsplay_drill (run, n) VALUES ($1, $2)', [o.run, n]);
      appendFileSync(acks, `${n} ${Date.now()}\n`);
    } catch (e) {
      appendFileSync(join(o.state, 'errors'), `${n} ${Date.now()} ${(e as Error).message.split('\n')[0]}\n`);
      await c?.end().catch(() => undefined);
      c = undefined;
    }
    await sleep(50);
  }
  await c?.end().catch(() => undefined);
}

/** The state folder names another writer (or is gone): this one was replaced. */
function replaced(o: Opts): boolean {
  try {
    return Number(readFileSync(join(o.state, 'pid'), 'utf8')) !== process.pid;
  } catch (e) {
    // Between the spawn and the parent's writing of the pid file, the file is missing.
    return (e as NodeJS.ErrnoException).code === 'ENOENT' && !existsSync(o.state);
  }
}

async function start(o: Opts): Promise<void> {
  // A writer still running from an earlier drill is stopped first.
  if (existsSync(join(o.state, 'pid'))) await stopProcess(Number(readFileSync(join(o.state, 'pid'), 'utf8')));
  rmSync(o.state, { recursive: true, force: true });
  mkdirSync(o.state, { recursive: true });
  const self = fileURLToPath(import.meta.url);
  const child = spawn(process.execPath, [self, 'loop', ...process.argv.slice(3)], { detached: true, stdio: 'ignore' });
  child.unref();
  writeFileSync(join(o.state, 'pid'), String(child.pid));
  console.log(JSON.stringify({ pid: child.pid }));
}

/** SIGTERM, then up to 10 s for the process to end. */
async function stopProcess(pid: number): Promise<void> {
  try {
    process.kill(pid, 'SIGTERM');
  } catch {
    return; // already gone
  }
  for (let i = 0; i < 100; i++) {
    try {
      process.kill(pid, 0);
      await sleep(100);
    } catch {
      break;
    }
  }
}

async function stop(o: Opts): Promise<void> {
  await stopProcess(Number(readFileSync(join(o.state, 'pid'), 'utf8')));
  rmSync(join(o.state, 'pid'), { force: true });
  const read = (f: string) => (existsSync(join(o.state, f)) ? readFileSync(join(o.state, f), 'utf8').trim().split('\n').filter(Boolean) : []);
  const acks = read('acks').map((l) => l.split(' ').map(Number) as [number, number]);
  const errors = read('errors');
  // What the primary has now, read through the balancer (the only backend left up after a failover).
  let present = new Set<number>();
  for (let i = 0; ; i++) {
    const c = client(o);
    try {
      await c.connect();
      const r = await c.query<{ n: number }>('SELECT n FROM tsplay_drill WHERE run = $1', [o.run]);
      present = new Set(r.rows.map((x) => Number(x.n)));
      break;
    } catch (e) {
      if (i >= 20) throw e;
      await sleep(500);
    } finally {
      await c.end().catch(() => undefined);
    }
  }
  const missing = acks.filter(([n]) => !present.has(n)).map(([n]) => n);
  const times = acks.map(([, t]) => t);
  // The longest stretch without an acknowledgement is the write outage; its end, after the cut,
  // is when the write service was back.
  let gap = 0;
  let back: number | undefined;
  for (let i = 1; i < times.length; i++) {
    if (times[i]! - times[i - 1]! > gap) (gap = times[i]! - times[i - 1]!), (back = times[i]);
  }
  console.log(
    JSON.stringify({
      attempts: acks.length + errors.length,
      acked: acks.length,
      missing: missing.length,
      missing_rows: missing.slice(0, 20),
      failed_attempts: errors.length,
      longest_gap_s: Number((gap / 1000).toFixed(1)),
      writes_back_after_cut_s: o.cut === undefined || back === undefined ? null : Number(((back - o.cut) / 1000).toFixed(1)),
    }),
  );
}

const [command, ...rest] = process.argv.slice(2);
const o = options(rest);
if (command === 'start') await start(o);
else if (command === 'loop') await loop(o);
else if (command === 'stop') await stop(o);
else {
  console.error('usage: drill-writer.js start|stop --host H --port P --run RUN --state DIR [--secrets FILE] [--cut EPOCH_MS]');
  process.exit(5);
}
