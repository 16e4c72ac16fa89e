// The release matrix on the lab: for each release, site.yml on fresh hosts, a rerun that changes
// nothing, the failover drill and the rejoin of the old primary. bookworm is
// test/e2e/playbooks.test.ts and lifecycle.test.ts; this suite runs the others (TSPLAY_LAB_MATRIX,
// default "bullseye,trixie,bookworm-pg10") one after the other under the lab reservation, prints
// what each costs, and gives the lab back as bookworm.
import { expect } from 'chai';
import { ASTRA_PG_HBA_LINE } from '../../lab/astra-like.js';
import { labExec, labReset, labStatus, labUp, reserveLab } from '../../lab/commands.js';
import { parseRelease } from '../../lab/base-image.js';
import { type CliResult, runCli } from '../support/cli.js';
import { requireRootOrSkip } from '../support/root.js';

const MATRIX = (process.env.TSPLAY_LAB_MATRIX ?? 'bullseye,trixie,bookworm-pg10').split(',').filter(Boolean).map((r) => parseRelease(r));
const HOSTS = ['master', 'slave', 'balancer'];

function recap(out: string): Record<string, Record<string, number>> {
  const result: Record<string, Record<string, number>> = {};
  for (const line of out.slice(out.lastIndexOf('PLAY RECAP')).split('\n')) {
    const m = /^(\S+)\s+:\s+(.*)$/.exec(line);
    if (m) result[m[1]!] = Object.fromEntries([...m[2]!.matchAll(/(\w+)=(\d+)/g)].map((x) => [x[1]!, Number(x[2])]));
  }
  return result;
}

const address = async (host: string) => (await labStatus()).hosts.find((h) => h.name === host)!.address;
const explain = (r: CliResult) => `exit ${r.code}\n${r.stdout.slice(-8000)}\n${r.stderr}`;
const seconds = (t0: number) => ((Date.now() - t0) / 1000).toFixed(1);

/** Extra variables a flavour needs (the PostgreSQL 10 one configures 10, not the 15 clients). */
const FLAVOUR_VARS: Partial<Record<string, string>> = { 'bookworm-pg10': 'inventory/lab-postgres10.yml' };

async function playbook(file: string, release: string, timeoutMs: number): Promise<CliResult> {
  const flavour = FLAVOUR_VARS[release];
  const extra = flavour ? ['-e', `@${flavour}`] : [];
  return runCli(['run', file, '-i', 'inventory/lab.yml', ...extra, '--output', 'plain'], { timeoutMs });
}

describe('release matrix on the lab (e2e)', function () {
  this.timeout(60 * 60_000);
  let giveBack: (() => void) | undefined;
  const costs: string[] = [];

  before(async function () {
    requireRootOrSkip(this, 'the release matrix');
    giveBack = await reserveLab();
  });

  after(async () => {
    if (!giveBack) return;
    try {
      // Others expect the default lab: bookworm.
      if ((await labStatus()).release !== 'bookworm') await labUp();
    } finally {
      giveBack();
    }
    for (const c of costs) console.log(`    ${c}`);
  });

  for (const release of MATRIX) {
    describe(release, () => {
      let built = false;
      let drilled = false;
      const cost: Record<string, string> = {};
      after(() => {
        costs.push(`${release}: ${Object.entries(cost).map(([k, v]) => `${k} ${v} s`).join(', ')}`);
      });

      it(`fresh ${release} hosts`, async () => {
        const t0 = Date.now();
        const before = await labStatus();
        await labUp({ release });
        // A lab already on this release keeps its hosts: start them from the fresh base.
        if (before.up && before.release === release) await labReset();
        expect((await labStatus()).release).to.equal(release);
        cost['lab up'] = seconds(t0);
      });

      if (release === 'bookworm-pg10') {
        // The flavour's base has PostgreSQL 10 without a cluster; each host creates its own, as a
        // package install does, so no two hosts share a system identifier (one cluster cloned to
        // every host looked like a split brain to pg_topology). The emulated pg_controldata
        // (lab/pg-controldata10.ts) must say what the running server says of its control file.
        it('each host has its own cluster 10/main (distinct system identifiers), read alike by pg_controldata and the server', async () => {
          const ids = await Promise.all(HOSTS.map(async (h) => {
            const r = await labExec(h, ['su', 'postgres', '-s', '/bin/sh', '-c', [
              'cd / && /usr/lib/postgresql/10/bin/pg_controldata /var/lib/postgresql/10/main && psql -X -At -F " " -c',
              '"SELECT pg_control_version, catalog_version_no, system_identifier, checkpoint_lsn, redo_lsn, timeline_id',
              'FROM pg_control_system(), pg_control_checkpoint()"',
            ].join(' ')]);
            const field = (name: string) => new RegExp(`^${name}:\\s+(\\S.*)$`, 'm').exec(r.stdout)?.[1];
            const sql = r.stdout.trim().split('\n').at(-1)!.split(' ');
            const read = ['pg_control version number', 'Catalog version number', 'Database system identifier',
              'Latest checkpoint location', "Latest checkpoint's REDO location", "Latest checkpoint's TimeLineID"].map(field);
            expect(r.code, `${h}: ${r.stdout}${r.stderr}`).to.equal(0);
            expect(read, `${h}: pg_controldata versus the server`).to.deep.equal(sql);
            expect(field('Database cluster state'), h).to.equal('in production');
            return sql[2]!;
          }));
          expect(new Set(ids).size, ids.join(', ')).to.equal(HOSTS.length);
        });
      }

      it('site.yml builds the cluster and its verify section passes', async () => {
        const t0 = Date.now();
        const r = await playbook('playbooks/site.yml', release, 20 * 60_000);
        cost['site.yml'] = seconds(t0);
        expect(r.code, explain(r)).to.equal(0);
        for (const h of HOSTS) expect(recap(r.stdout)[h], h).to.include({ failed: 0, unreachable: 0 });
        built = true;
      });

      if (release === 'bookworm-pg10') {
        it('PostgreSQL 10 runs the pre-12 way, and the Astra-like details were handled', async function () {
          if (!built) this.skip();
          const slave = await labExec('slave', ['sh', '-c', 'pg_lsclusters --no-header; cat /var/lib/postgresql/10/main/recovery.conf; ls /var/lib/postgresql/10/main']);
          expect(slave.stdout).to.match(/^10\s+main\s+5432\s+online,recovery/m).and.match(/^standby_mode = 'on'$/m).and.match(/^trigger_file = /m);
          expect(slave.stdout).to.not.match(/^standby\.signal$/m);
          const master = await labExec('master', ['sh', '-c', 'cat /etc/postgresql/10/main/pg_hba.conf /etc/parsec/mswitch.conf']);
          expect(master.stdout).to.include(`#${ASTRA_PG_HBA_LINE}  # commented out by tsplay`).and.not.match(/^host\s+all\s+all\s+0\.0\.0\.0\/0/m);
          expect(master.stdout).to.match(/^zero_if_notfound: yes$/m);
          // With the broad line gone the playbooks' narrow lines decide: the slave may stream and
          // rewind, but not open any other database on the master.
          const fromSlave = await labExec('slave', ['su', 'postgres', '-s', '/bin/sh', '-c', `cd / && psql -X -w -h ${await address('master')} -d template1 -c 'SELECT 1'`]);
          expect(fromSlave.code).to.not.equal(0);
          expect(fromSlave.stderr).to.include(`no pg_hba.conf entry for host "${await address('slave')}"`);
          // rsync -e ssh went through the OpenSSH 7.4 wrapper
          const ssh = await labExec('master', ['sh', '-c', 'su postgres -s /bin/sh -c "command -v ssh; ssh -o StrictHostKeyChecking=accept-new -G x 2>&1; echo rc=\\$?"']);
          expect(ssh.stdout).to.match(/^\/usr\/local\/bin\/ssh$/m).and.include('unsupported option "accept-new"').and.include('rc=255');
          // known_hosts has every host key type the slave's sshd offers (rsa, ecdsa, ed25519 here),
          // under its address and its name, so a client that negotiates any of them finds its key.
          const slaveAddress = await address('slave');
          const keys = (await labExec('slave', ['sh', '-c', 'cut -d" " -f1,2 /etc/ssh/ssh_host_*_key.pub'])).stdout.trim().split('\n');
          expect(keys.map((k) => k.split(' ')[0]).sort()).to.deep.equal(['ecdsa-sha2-nistp256', 'ssh-ed25519', 'ssh-rsa']);
          const known = (await labExec('master', ['cat', '/var/lib/postgresql/.ssh/known_hosts'])).stdout.split('\n');
          for (const k of keys) expect(known, k).to.include.members([`${slaveAddress} ${k}`, `slave ${k}`]);
        });
      }

      it('a second run changes nothing', async function () {
        if (!built) this.skip();
        const t0 = Date.now();
        const r = await playbook('playbooks/site.yml', release, 10 * 60_000);
        cost.rerun = seconds(t0);
        expect(r.code, explain(r)).to.equal(0);
        for (const h of HOSTS) expect(recap(r.stdout)[h], h).to.include({ changed: 0, failed: 0 });
      });

      it('the failover drill promotes the slave and writes through the balancer again', async function () {
        if (!built) this.skip();
        const t0 = Date.now();
        const r = await playbook('playbooks/drill-failover.yml', release, 10 * 60_000);
        cost.drill = seconds(t0);
        expect(r.code, explain(r)).to.equal(0);
        const write = /cut → first write through balancer: +(\d+(?:\.\d+)?) s/.exec(r.stdout);
        expect(write, explain(r)).to.not.equal(null);
        cost['drill: write back after'] = write![1]!;
        drilled = true;
      });

      // After the drill the old master is a stale former primary: rejoin.yml rewinds it (pre-12:
      // recovery.conf with a trigger file, pg_rewind of a cluster with wal_log_hints), then
      // site.yml keeps the swapped roles and changes nothing.
      it('rejoin.yml makes the old master a standby again (pg_rewind; a base backup on PostgreSQL 10); site.yml then changes nothing', async function () {
        if (!drilled) this.skip();
        const t0 = Date.now();
        const r = await playbook('playbooks/rejoin.yml', release, 10 * 60_000);
        cost.rejoin = seconds(t0);
        expect(r.code, explain(r)).to.equal(0);
        // The PostgreSQL 10 flavour has no pg_rewind of 10 (lab/postgres10.ts): the module falls back.
        const how = release === 'bookworm-pg10' ? 'by base backup' : 'by pg_rewind';
        expect(r.stdout, explain(r)).to.include(`master is a standby of slave again: ${how}`);
        const recovery = await labExec('master', ['su', 'postgres', '-s', '/bin/sh', '-c', 'cd / && psql -X -At -c "SELECT pg_is_in_recovery()"']);
        expect(recovery.stdout.trim()).to.equal('t');
        const rerun = await playbook('playbooks/site.yml', release, 10 * 60_000);
        expect(rerun.code, explain(rerun)).to.equal(0);
        for (const h of HOSTS) expect(recap(rerun.stdout)[h], h).to.include({ changed: 0, failed: 0 });
      });
    });
  }
});
