// The drills' writer (lab/drill-writer.ts) against a throw-away cluster on this machine. A drill
// interrupted midway (its playbook killed before the writer's `stop`) once left its writer
// running, and that writer went on appending its acknowledgements to the next drill's records,
// which then counted another run's rows as its own. `start` now stops the writer it replaces.
import { expect } from 'chai';
import { execFile } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import pg from 'pg';
import { startTempCluster, type TempCluster, tempClusterUnavailable } from '../modules/local/temp-cluster.js';

const WRITER = fileURLToPath(new URL('../../lab/drill-writer.js', import.meta.url));
const PASSWORD = 'drill-writer-test-pw';
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const alive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

describe('lab/drill-writer.js: a drill interrupted midway leaves nothing in the next one', function () {
  this.timeout(60_000);
  let cluster: TempCluster;
  let db: pg.Client;
  let state: string;
  let secrets: string;
  const pids: number[] = [];

  before(async function () {
    const why = tempClusterUnavailable();
    if (why) {
      console.warn(`\n  !!! SKIPPED: the drill writer's local run needs root and the postgresql packages (${why})\n`);
      this.skip();
    }
    cluster = await startTempCluster();
    state = join(cluster.dir, 'writer-state');
    secrets = join(cluster.dir, 'secrets.yml');
    writeFileSync(secrets, `postgres_db_password: "${PASSWORD}"\n`);
    await promisify(execFile)('su', ['-s', '/bin/sh', 'postgres', '-c', `psql -X -q -p ${cluster.port} -c "ALTER ROLE postgres PASSWORD '${PASSWORD}'"`]);
    db = new pg.Client({ host: '127.0.0.1', port: cluster.port, user: 'postgres', password: PASSWORD, database: 'postgres' });
    await db.connect();
    await db.query('CREATE TABLE tsplay_drill (id bigserial PRIMARY KEY, run text NOT NULL, n integer NOT NULL)');
  });

  after(async () => {
    for (const pid of pids) if (alive(pid)) process.kill(pid, 'SIGKILL');
    await db?.end().catch(() => undefined);
    cluster?.stop();
  });

  async function writer(command: 'start' | 'stop', run: string): Promise<Record<string, unknown>> {
    const args = [WRITER, command, '--host', '127.0.0.1', '--port', String(cluster.port), '--run', run, '--state', state, '--secrets', secrets];
    const { stdout } = await promisify(execFile)(process.execPath, args, { timeout: 30_000 });
    return JSON.parse(stdout.trim().split('\n').at(-1)!) as Record<string, unknown>;
  }

  const rows = async (run: string): Promise<number> => Number((await db.query<{ n: string }>('SELECT count(*) AS n FROM tsplay_drill WHERE run = $1', [run])).rows[0]!.n);
  const acks = (): string[] => (existsSync(join(state, 'acks')) ? readFileSync(join(state, 'acks'), 'utf8').trim().split('\n').filter(Boolean) : []);

  it("the next drill's start stops the orphaned writer; its records hold its own writes only", async () => {
    // Drill A starts its writer and is killed before it stops it: the writer is orphaned.
    const a = Number((await writer('start', 'drill-A')).pid);
    pids.push(a);
    for (let i = 0; i < 100 && acks().length < 5; i++) await sleep(50);
    expect(acks().length, "drill A's writer acknowledged writes").to.be.at.least(5);

    // Drill B starts while A's writer still runs.
    const b = Number((await writer('start', 'drill-B')).pid);
    pids.push(b);
    expect(alive(a), "drill A's writer after drill B's start").to.equal(false);
    const aRows = await rows('drill-A');
    for (let i = 0; i < 100 && acks().length < 10; i++) await sleep(50);
    const report = await writer('stop', 'drill-B');

    expect(await rows('drill-A'), "drill A's rows written after drill B started").to.equal(aRows);
    const bRows = await rows('drill-B');
    expect(report).to.include({ acked: bRows, missing: 0 });
    expect(bRows).to.be.at.least(10);
    expect(alive(b), "drill B's writer after its stop").to.equal(false);
  });
});
