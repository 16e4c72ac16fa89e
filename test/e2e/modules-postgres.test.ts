// The PostgreSQL modules on real lab hosts through the real SSH connection: the postgres
// password on the master (postgresql_user), a streaming standby seeded with rsync_basebackup
// (password auth for replication through ~/.pgpass), the manual's VPN_proto table written on the
// master and read on the standby (postgresql_query), a write refused by the standby, and
// wait_for/command on the hosts. Root only (the lab needs it).
import { expect } from 'chai';
import { ModuleError } from '../../engine/errors.js';
import type { ApplyResult } from '../../engine/module-api.js';
import type { LabHost } from '../../lab/addresses.js';
import command from '../../modules/command.js';
import postgresqlQuery from '../../modules/postgresql_query.js';
import postgresqlUser from '../../modules/postgresql_user.js';
import rsyncBasebackup from '../../modules/rsync_basebackup.js';
import waitFor from '../../modules/wait_for.js';
import { freshLab, hosts, said, sentCommands, sh, task } from '../support/lab-modules.js';

const PASSWORD = 'Lab-Pg p4ss:word';


async function rows(h: LabHost, query: string): Promise<Record<string, string | null>[]> {
  const r = await task(h, postgresqlQuery, { query });
  expect(r.check.changed, said(r.check)).to.equal(false);
  return (r.check.changed ? [] : (r.check.result!.rows as Record<string, string | null>[]));
}

/** The end of both servers' logs, for a failure message. */
async function serverLogs(pg: string): Promise<string> {
  const logs = await Promise.all(
    [hosts.master, hosts.slave].map(async (h) => `--- ${h.name}:\n${await sh(h, `tail -n 15 /var/log/postgresql/postgresql-${pg}-main.log`).catch((e: Error) => e.message)}`),
  );
  return logs.join('\n');
}

async function until<T>(what: string, probe: () => Promise<T>, ok: (v: T) => boolean, pg: string, timeoutMs = 60_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (ok(v)) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}: ${JSON.stringify(v)}\n${await serverLogs(pg)}`);
    await new Promise((r) => setTimeout(r, 1000));
  }
}

describe('PostgreSQL modules on lab hosts (e2e)', function () {
  let done: (() => Promise<void>) | undefined;
  let pg = '15';
  const { master, slave } = hosts;

  before(async function () {
    this.timeout(600_000);
    ({ pg, done } = await freshLab(this, 'PostgreSQL module e2e tests'));
  });

  after(async () => {
    await done?.();
  });

  it('installs PostgreSQL on master and slave (offline apt) and sets up the postgres key mesh', async function () {
    this.timeout(300_000);
    await Promise.all([master, slave].map((h) => sh(h, 'DEBIAN_FRONTEND=noninteractive apt-get install -y -q postgresql >/dev/null')));
    const keys: Record<string, string> = {};
    for (const h of [master, slave]) {
      keys[h.name] = await sh(
        h,
        "su postgres -s /bin/sh -c 'mkdir -p -m 0700 ~/.ssh && ssh-keygen -q -t ed25519 -N \"\" -f ~/.ssh/id_ed25519 && cat ~/.ssh/id_ed25519.pub'",
      );
    }
    for (const [to, from] of [[master, slave], [slave, master]] as const) {
      await sh(to, `su postgres -s /bin/sh -c 'cat >> ~/.ssh/authorized_keys && chmod 0600 ~/.ssh/authorized_keys' <<'EOF'\n${keys[from.name]!.trim()}\nEOF`);
      // The base backup checks host keys strictly (OpenSSH 7.4 has no accept-new), so each peer's
      // host keys are known beforehand, as playbooks/ssh.yml records them.
      const hostKeys = (await sh(from, 'cat /etc/ssh/ssh_host_*_key.pub')).trim().split('\n').map((l) => `${from.address} ${l.split(' ').slice(0, 2).join(' ')}`);
      await sh(to, `su postgres -s /bin/sh -c 'cat >> ~/.ssh/known_hosts' <<'EOF'\n${hostKeys.join('\n')}\nEOF`);
    }
    // The primary: reachable from the standby, replication with a password, WAL kept for it.
    await sh(
      master,
      `printf "listen_addresses = '*'\\nwal_keep_size = '256MB'\\n" > /etc/postgresql/${pg}/main/conf.d/replication.conf && ` +
        `echo 'host replication postgres ${slave.address}/32 scram-sha-256' >> /etc/postgresql/${pg}/main/pg_hba.conf && ` +
        `pg_ctlcluster ${pg} main restart`,
    );
    expect(await sh(master, `pg_lsclusters -h ${pg} main`)).to.match(/online/);
  });

  it("postgresql_user sets the postgres password (the manual's ALTER USER), never on a command line", async function () {
    this.timeout(60_000);
    const args = { name: 'postgres', password: PASSWORD };
    const dry = await task(master, postgresqlUser, args, true);
    expect(said(dry.check)).to.match(/would change role postgres: password \(none set\)/);
    expect(dry.checkTrips).to.equal(1);
    const first = await task(master, postgresqlUser, args);
    expect(first.verify?.changed, first.verify && said(first.verify)).to.equal(false);
    const second = await task(master, postgresqlUser, args);
    expect(said(second.check)).to.match(/password matches the stored scram-sha-256 verifier/);
    expect((await rows(master, "SELECT rolpassword LIKE 'SCRAM-SHA-256$4096:%' AS scram FROM pg_authid WHERE rolname = 'postgres'"))[0]).to.deep.equal({ scram: 't' });
    for (const s of sentCommands()) expect(s).to.not.include('p4ss');
  });

  it('rsync_basebackup seeds a streaming standby: change, then no change', async function () {
    this.timeout(300_000);
    const args = {
      primary_host: 'master',
      primary_address: master.address,
      standby_address: slave.address,
      version: pg,
      replication_password: PASSWORD,
      application_name: 'slave',
      ...(Number(pg) <= 15 ? { trigger_file: '/tmp/trigger_main.5432' } : {}),
    };
    const look = `ls /var/lib/postgresql/${pg}/main; pg_lsclusters -h`;
    const before = await sh(slave, look);
    const dry = await task(slave, rsyncBasebackup, args, true);
    expect(said(dry.check)).to.match(/standby\.signal missing: not a standby/);
    expect(dry.checkTrips).to.equal(1);
    expect(await sh(slave, look), 'check mode wrote nothing').to.equal(before);

    const first = await task(slave, rsyncBasebackup, args);
    expect(first.check.changed).to.equal(true);
    expect(first.verify?.changed, first.verify && said(first.verify)).to.equal(false);
    expect(said(first.verify!)).to.match(/and stopped: it streams once started/);
    expect(await sh(slave, `pg_lsclusters -h ${pg} main`)).to.match(/down/);
    const data = `/var/lib/postgresql/${pg}/main`;
    expect(await sh(slave, `cat ${data}/postgresql.auto.conf`)).to.include(`primary_conninfo = 'host=${master.address} port=5432 user=postgres application_name=slave passfile=/var/lib/postgresql/.pgpass'`).and.not.include('p4ss');
    expect(await sh(slave, `stat -c '%U %a' ${data}/standby.signal ${data}/backup_label /var/lib/postgresql/.pgpass`)).to.equal('postgres 600\npostgres 600\npostgres 600\n');
    expect(await sh(slave, `head -1 ${data}/backup_label`)).to.match(/^START WAL LOCATION: /);
    expect(await sh(master, "echo 'SELECT count(*) FROM pg_stat_activity WHERE backend_type = $$client backend$$' | su postgres -c 'psql -X -At'")).to.equal('1\n');

    await sh(slave, `pg_ctlcluster ${pg} main start`);
    const replication = await until(
      'the standby to stream',
      () => rows(master, 'SELECT application_name, state FROM pg_stat_replication'),
      (r) => r.some((x) => x.application_name === 'slave' && x.state === 'streaming'),
      pg,
    );
    expect(replication).to.have.length(1);
    const again = await task(slave, rsyncBasebackup, args);
    expect(again.check.changed, said(again.check)).to.equal(false);
    expect(said(again.check)).to.match(/^standby streams from master/);
    expect(again.checkTrips).to.equal(1);
    for (const s of sentCommands()) expect(s).to.not.include('p4ss');
  });

  it("postgresql_query: the manual's VPN_proto on the master, read on the standby, a write refused there", async function () {
    this.timeout(120_000);
    const create = {
      check_query: "SELECT to_regclass('vpn_proto') IS NOT NULL",
      query: `CREATE TABLE VPN_proto (ID SERIAL PRIMARY KEY, name CHARACTER VARYING(30), tunnels_num INTEGER, crypts_num INTEGER, KZ_num INTEGER, key_start_date TIMESTAMP );
INSERT INTO VPN_proto VALUES (1, 'OpenVPN', 2, 2, 5, '2021-06-14 00:01:03');
INSERT INTO VPN_proto VALUES (2, 'SSTP', 1, 2, 1, '2021-05-04 04:01:00');
INSERT INTO VPN_proto VALUES (3, 'IPSec', 2, 2, 6, '2021-09-28 10:15:21');`,
    };
    const first = await task(master, postgresqlQuery, create);
    expect(first.check.changed).to.equal(true);
    expect(first.verify?.changed).to.equal(false);
    expect((await task(master, postgresqlQuery, create)).check.changed).to.equal(false);

    const onSlave = await until(
      'the rows on the standby',
      () => rows(slave, 'SELECT id, name, key_start_date FROM vpn_proto ORDER BY id').catch(() => []),
      (r) => r.length === 3,
      pg,
    );
    expect(onSlave).to.deep.equal([
      { id: '1', name: 'OpenVPN', key_start_date: '2021-06-14 00:01:03' },
      { id: '2', name: 'SSTP', key_start_date: '2021-05-04 04:01:00' },
      { id: '3', name: 'IPSec', key_start_date: '2021-09-28 10:15:21' },
    ]);
    try {
      await task(slave, postgresqlQuery, { query: 'DELETE FROM vpn_proto WHERE id = %s', positional_args: [3] });
      expect.fail('a write on the hot standby must fail');
    } catch (e) {
      expect(e).to.be.instanceOf(ModuleError);
      expect((e as Error).message).to.include('cannot execute DELETE in a read-only transaction');
    }
  });

  it('wait_for and command on the standby', async function () {
    this.timeout(60_000);
    const port = await task(slave, waitFor, { port: 5432, timeout: 30 });
    expect(said(port.check)).to.match(/^port 5432 on 127\.0\.0\.1 is open after \d+\.\d s$/);
    const primary = await task(slave, waitFor, { host: master.address, port: 5432, timeout: 30 });
    expect(said(primary.check)).to.match(new RegExp(`^port 5432 on ${master.address.replace(/\./g, '\\.')} is open`));
    const ls = await task(slave, command, { cmd: `pg_lsclusters -h ${pg} main` });
    expect(ls.applied && ls.applied.result).to.deep.include({ rc: 0 });
    expect(String((ls.applied as ApplyResult).result!.stdout)).to.match(/online,recovery/);
  });
});
