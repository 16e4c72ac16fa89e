// The cluster's whole life on the lab, in one suite (issue 12): build, fail over with the writer,
// rerun site.yml (the new primary and its rows are kept, the old one fenced and named), rejoin by
// pg_rewind, rerun (nothing changes), status, fail over the other way with the writer, rejoin.
// Each step logs its figures (the closing note of issue 12 quotes them). Cost: about 4 minutes
// on an idle 2-core machine, 10 on a loaded one, most of it the first site.yml (apt-get install).
import { expect } from 'chai';
import { labExec, labReset, labUp, reserveLab } from '../../lab/commands.js';
import { requireRootOrSkip } from '../support/root.js';
import { explain, recap, tsplay } from '../support/lab-playbooks.js';

const NODES = ['master', 'slave', 'balancer'];

/** psql -At on a lab host through its namespaces (works whatever the network). */
async function sql(host: string, query: string): Promise<string> {
  const r = await labExec(host, ['su', 'postgres', '-s', '/bin/sh', '-c', `cd / && psql -X -At -c "${query}"`]);
  expect(r.code, `${host}: ${query}: ${r.stderr}`).to.equal(0);
  return r.stdout.trim();
}

/** The writer's report in the drill's output. */
function writer(out: string): { acked: number; missing: number; back: number } {
  const field = (name: string) => Number(new RegExp(`\\\\"${name}\\\\":([\\d.]+)`).exec(out)?.[1] ?? NaN);
  return { acked: field('acked'), missing: field('missing'), back: field('writes_back_after_cut_s') };
}

const seconds = (out: string, label: RegExp): number => Number(label.exec(out)?.[1] ?? NaN);

describe('the cluster lifecycle on the lab (e2e)', function () {
  this.timeout(30 * 60_000);
  let release: (() => void) | undefined;
  const figures: string[] = [];
  const note = (s: string) => {
    figures.push(s);
    console.log(`      ${s}`);
  };

  before(async function () {
    requireRootOrSkip(this, 'the lifecycle e2e suite');
    release = await reserveLab();
    await labUp();
    await labReset();
  });

  after(() => {
    release?.();
    if (figures.length) console.log(`\n  lifecycle figures:\n${figures.map((f) => `    ${f}`).join('\n')}\n`);
  });

  // Each step needs the state the previous one left.
  let broken = false;
  beforeEach(function () {
    if (broken) this.skip();
  });
  afterEach(function () {
    if (this.currentTest?.state === 'failed') broken = true;
  });

  async function ok(args: string[], minutes = 10) {
    const r = await tsplay(args, minutes * 60_000);
    expect(r.code, explain(r)).to.equal(0);
    return r;
  }

  async function drill(extra: string[] = []) {
    const r = await ok(['playbooks/drill-failover.yml', ...extra]);
    const w = writer(r.stdout);
    const detected = seconds(r.stdout, /→ pgpool-II detected it: +([\d.]+) s/);
    const promoted = seconds(r.stdout, /→ \S+ promoted: +([\d.]+) s/);
    const written = seconds(r.stdout, /→ first write through balancer: +([\d.]+) s/);
    note(`drill ${extra.join(' ') || 'cut'}: detected ${detected} s, promoted ${promoted} s, first write ${written} s; writer: ${w.acked} acked, ${w.missing} missing on the new primary, writes back ${w.back} s after the fault`);
    expect(w.acked, 'the writer got acknowledgements').to.be.greaterThan(0);
    // The health check promises detection within 10 s (7 s on paper: inventory/group_vars/all.yml).
    expect(detected, 'seconds from the fault to pgpool-II detaching the node').to.be.at.most(10);
    return { r, w, written };
  }

  async function rejoin(extra: string[] = []) {
    const r = await ok(['playbooks/rejoin.yml', ...extra]);
    const took = seconds(r.stdout, /rejoin took ([\d.]+) s/);
    const how = /is a standby of \S+ again: (by pg_rewind|by base backup|it already was one)/.exec(r.stdout)?.[1];
    note(`rejoin ${extra.join(' ')}: ${how}, ${took} s`);
    return { r, took, how };
  }

  it('site.yml builds the cluster', async () => {
    const t0 = Date.now();
    await ok(['playbooks/site.yml'], 15);
    note(`site.yml on fresh hosts: ${((Date.now() - t0) / 1000).toFixed(0)} s`);
  });

  // Issue 12's target is 15 s; measured 11.2 s and 19.1 s on a 2-core machine loaded by other
  // suites (pgpool-II's own failover work after the promotion varies most). The bound here
  // catches a regression without failing CI on load; the figure is logged for the note.
  it('a cut of the primary: write service back through the balancer (target 15 s; fails above 30 s)', async () => {
    const { r, w } = await drill();
    expect(r.stdout).to.include('fault: cut of the primary master; slave promoted');
    expect(w.back, 'writes back after the cut (s)').to.be.at.most(30);
  });

  it('site.yml after the failover keeps the new primary and its rows, fences and names the stale master', async () => {
    const rows = await sql('slave', 'SELECT count(*) FROM tsplay_drill');
    const r = await ok(['playbooks/site.yml']);
    expect(r.stdout).to.include('master is a stale former primary (timeline 1, the primary slave is on 2)');
    expect(r.stdout).to.include('rejoin_host=master');
    for (const h of NODES) expect(recap(r.stdout)[h], h).to.include({ failed: 0, unreachable: 0 });
    expect(await sql('slave', 'SELECT pg_is_in_recovery()')).to.equal('f');
    expect(await sql('slave', 'SELECT count(*) FROM tsplay_drill')).to.equal(rows);
    const master = await labExec('master', ['sh', '-c', 'pg_lsclusters -h; grep -v "^#" /etc/postgresql/*/main/start.conf']);
    expect(master.stdout).to.match(/ down /);
    expect(master.stdout).to.match(/^manual$/m);
  });

  it('rejoin.yml makes the old master a standby again by pg_rewind within 30 s', async () => {
    const { took, how } = await rejoin();
    expect(how).to.equal('by pg_rewind');
    expect(took).to.be.at.most(30);
    expect(await sql('master', 'SELECT pg_is_in_recovery()')).to.equal('t');
  });

  it('site.yml on the swapped cluster changes nothing on any host', async () => {
    const r = await ok(['playbooks/site.yml']);
    for (const h of NODES) expect(recap(r.stdout)[h], h).to.include({ changed: 0, failed: 0 });
  });

  it('status.yml shows the swapped cluster healthy', async () => {
    const r = await ok(['playbooks/status.yml']);
    expect(r.stdout).to.include('healthy: primary slave, standby master');
  });

  it('the drill cuts the slave (the primary now) and the master takes over; rejoin', async () => {
    const { r } = await drill();
    expect(r.stdout).to.include('fault: cut of the primary slave; master promoted');
    await rejoin();
  });

  // The other faults of issue 12: the postmaster killed (kill -9) and a clean stop, each
  // followed by the rejoin of the failed node; then a failed standby, and a planned switchover.
  it('kill -9 of the primary\'s postmaster (the master now): the slave takes over; rejoin', async () => {
    const { r, w } = await drill(['-e', 'drill_fault=kill']);
    expect(r.stdout).to.include('fault: kill of the primary master; slave promoted');
    expect(w.back, 'writes back after the kill (s)').to.be.at.most(30);
    expect((await rejoin()).how).to.match(/^by (pg_rewind|base backup)$/);
  });

  it('a clean stop of the primary (the slave now): the master takes over; rejoin', async () => {
    const { r } = await drill(['-e', 'drill_fault=stop']);
    expect(r.stdout).to.include('fault: stop of the primary slave; master promoted');
    await rejoin();
  });

  it('drill-standby.yml: the standby stopped, the primary keeps taking writes; rejoin starts it again', async () => {
    const r = await ok(['playbooks/drill-standby.yml']);
    const detached = seconds(r.stdout, /pgpool-II detached it after ([\d.]+) s/);
    const w = writer(r.stdout);
    note(`standby drill: detached after ${detached} s; writer: ${w.acked} acked, ${w.missing} missing`);
    expect(w.acked).to.be.greaterThan(0);
    expect(w.missing).to.equal(0);
    expect((await rejoin(['-e', 'rejoin_host=slave'])).how).to.equal('it already was one');
  });

  it('switchover.yml swaps the roles with nothing lost and rejoins the old primary; site.yml then changes nothing', async () => {
    const rows = await sql('master', 'SELECT count(*) FROM tsplay_drill');
    const r = await ok(['playbooks/switchover.yml']);
    const unavailable = seconds(r.stdout, /writes through the balancer unavailable for ([\d.]+) s/);
    note(`switchover: writes unavailable ${unavailable} s`);
    expect(r.stdout).to.include('switchover: slave is the primary, master rejoins as its standby next');
    expect(await sql('slave', 'SELECT pg_is_in_recovery()')).to.equal('f');
    expect(await sql('slave', 'SELECT count(*) FROM tsplay_drill')).to.equal(rows);
    expect(await sql('master', 'SELECT pg_is_in_recovery()')).to.equal('t');
    const again = await ok(['playbooks/site.yml']);
    for (const h of NODES) expect(recap(again.stdout)[h], h).to.include({ changed: 0, failed: 0 });
  });

  // pg_synchronous_replication on the same cluster (slave primary, master standby now): site.yml
  // turns it on, a cut of the primary loses no acknowledged write, a failed standby blocks
  // commits only until pgpool-II detaches it (the failover script then empties
  // synchronous_standby_names), and each rejoin makes the primary synchronous again.
  const SYNC = ['-e', '{"pg_synchronous_replication": true}'];

  async function synchronousOn(primary: string, standby: string) {
    expect(await sql(primary, 'SHOW synchronous_standby_names')).to.equal('*');
    expect(await sql(primary, 'SELECT application_name, sync_state FROM pg_stat_replication')).to.equal(`${standby}|sync`);
  }

  it('pg_synchronous_replication=true: site.yml makes the standby synchronous', async () => {
    await ok(['playbooks/site.yml', ...SYNC]);
    await synchronousOn('slave', 'master');
  });

  it('synchronous: a cut of the primary (the slave) loses no acknowledged write; rejoin makes it synchronous again', async () => {
    const { r, w } = await drill(SYNC);
    expect(r.stdout).to.include('fault: cut of the primary slave; master promoted');
    expect(r.stdout).to.include('synchronous replication: on');
    expect(w.missing, 'acknowledged writes missing on the new primary').to.equal(0);
    expect(w.back, 'writes back after the cut (s)').to.be.at.most(30);
    await rejoin(SYNC);
    await synchronousOn('master', 'slave');
  });

  it('synchronous: a cut standby blocks commits only until pgpool-II detaches it; rejoin', async () => {
    const r = await ok(['playbooks/drill-standby.yml', ...SYNC, '-e', 'drill_standby_fault=cut']);
    const detached = seconds(r.stdout, /pgpool-II detached it after ([\d.]+) s/);
    const w = writer(r.stdout);
    const gap = Number(/\\"longest_gap_s\\":([\d.]+)/.exec(r.stdout)?.[1] ?? NaN);
    note(`synchronous standby cut: detached after ${detached} s; writer: ${w.acked} acked, ${w.missing} missing, commits blocked ${gap} s`);
    expect(w.missing).to.equal(0);
    // Detection (≤ 10 s) plus the failover script's ALTER SYSTEM over ssh.
    expect(gap, 'longest stretch without an acknowledged commit (s)').to.be.at.most(15);
    await rejoin([...SYNC, '-e', 'rejoin_host=slave']);
    await synchronousOn('master', 'slave');
    const again = await ok(['playbooks/site.yml', ...SYNC]);
    for (const h of NODES) expect(recap(again.stdout)[h], h).to.include({ changed: 0, failed: 0 });
  });
});
