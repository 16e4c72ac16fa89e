// Real runs of postgresql_query, postgresql_user and pg_client against a throw-away cluster on
// this machine (psql over the local socket as the postgres OS user; pg over TCP on 127.0.0.1).
import { expect } from 'chai';
import { ModuleError } from '../../../engine/errors.js';
import pgClient from '../../../modules/pg_client.js';
import postgresqlQuery from '../../../modules/postgresql_query.js';
import postgresqlUser from '../../../modules/postgresql_user.js';
import { runRecorded } from './recording.js';
import { startTempCluster, type TempCluster, tempClusterUnavailable } from './temp-cluster.js';

async function rejection(p: Promise<unknown>): Promise<ModuleError> {
  try {
    await p;
  } catch (e) {
    expect(e).to.be.instanceOf(ModuleError);
    return e as ModuleError;
  }
  throw new Error('expected a ModuleError');
}

describe('PostgreSQL modules on a local cluster', function () {
  this.timeout(60_000);
  let pg: TempCluster;

  before(async function () {
    const why = tempClusterUnavailable();
    if (why) {
      console.warn(`\n  !!! SKIPPED: local PostgreSQL module runs need root and the postgresql packages (${why})\n`);
      this.skip();
    }
    pg = await startTempCluster();
  });
  after(() => pg?.stop());

  const q = (args: Record<string, unknown>) => runRecorded(postgresqlQuery, { port: pg.port, ...args });

  describe('postgresql_query', () => {
    it("creates the manual's VPN_proto table once (check_query), then reports no change", async () => {
      const args = {
        check_query: "SELECT to_regclass('vpn_proto') IS NOT NULL",
        query: `CREATE TABLE VPN_proto (ID SERIAL PRIMARY KEY, name CHARACTER VARYING(30), tunnels_num INTEGER, crypts_num INTEGER, KZ_num INTEGER, key_start_date TIMESTAMP );
INSERT INTO VPN_proto VALUES (1, 'OpenVPN', 2, 2, 5, '2021-06-14 00:01:03');
INSERT INTO VPN_proto VALUES (2, 'SSTP', 1, 2, 1, '2021-05-04 04:01:00');
INSERT INTO VPN_proto VALUES (3, 'IPSec', 2, 2, 6, '2021-09-28 10:15:21');`,
      };
      const run = await q(args);
      expect(run.checkRoundTrips).to.equal(1);
      expect(run.first.changed).to.equal(true);
      expect(run.result).to.deep.include({ statusmessage: 'INSERT 0 1', rowcount: 1 });
      expect(run.second?.changed, 'check_query is true after apply').to.equal(false);
      expect((await q(args)).first.changed).to.equal(false);
    });

    it('reads rows as no change, with NULL, quotes, newlines and backslashes intact', async () => {
      const tricky = "it's \"odd\"\nline2 \\ back\tslash | % %s";
      await q({ query: 'CREATE TABLE t_vals (id int, v text, n int)', autocommit: true });
      await q({ query: 'INSERT INTO t_vals VALUES (1, %s, NULL), (2, %s, 7)', positional_args: [tricky, ''] });
      const run = await q({ query: 'SELECT id, v, n FROM t_vals WHERE id >= %s ORDER BY id', positional_args: [1] });
      expect(run.first.changed).to.equal(false);
      expect(run.first.changed ? '' : run.first.reason).to.match(/read-only query: SELECT 2/);
      expect(run.result).to.deep.equal({
        rows: [
          { id: '1', v: tricky, n: null },
          { id: '2', v: '', n: '7' },
        ],
        rowcount: 2,
        statusmessage: 'SELECT 2',
        query: 'SELECT id, v, n FROM t_vals WHERE id >= %s ORDER BY id',
      });
      // The values travel on stdin only.
      expect(run.conn.sent.some((s) => s.command.includes('odd'))).to.equal(false);
    });

    it('a write without check_query is an action; RETURNING rows come back', async () => {
      const run = await q({ query: "INSERT INTO vpn_proto (id, name) VALUES (4, 'WireGuard') RETURNING id, name" });
      expect(run.first.changed).to.equal(true);
      expect(run.first.changed && run.first.kind).to.equal('run');
      expect(run.first.changed && run.first.description).to.match(/run: INSERT .*\(it writes\)/);
      expect(run.result).to.deep.include({ statusmessage: 'INSERT 0 1', rowcount: 1, rows: [{ id: '4', name: 'WireGuard' }] });
    });

    it("surfaces PostgreSQL's read-only error (as a hot standby gives it)", async () => {
      await q({ query: 'CREATE DATABASE ro_db', autocommit: true });
      await q({ db: 'ro_db', query: 'CREATE TABLE x (a int)', autocommit: true });
      await q({ query: 'ALTER DATABASE ro_db SET default_transaction_read_only = on', autocommit: true });
      const read = await q({ db: 'ro_db', query: 'SELECT count(*) AS n FROM x' });
      expect(read.result).to.deep.include({ rows: [{ n: '0' }] });
      const err2 = await rejection(q({ db: 'ro_db', query: 'INSERT INTO x VALUES (1)' }));
      expect(err2.message).to.include('cannot execute INSERT in a read-only transaction');
      expect(err2.result).to.include({ sqlstate: '25006' });
    });

    it('fails with the SQL error and its SQLSTATE', async () => {
      const err = await rejection(q({ query: 'INSERT INTO no_such_table VALUES (1)' }));
      expect(err.message).to.match(/relation "no_such_table" does not exist \(SQLSTATE 42P01\)/);
    });

    it('refuses a placeholder count that does not match positional_args', async () => {
      const err = await rejection(q({ query: 'SELECT %s, %s', positional_args: [1] }));
      expect(err.message).to.match(/more %s placeholders/);
    });
  });

  describe('postgresql_user and pg_client', () => {
    const password = "Pa$$ 'w0rd' \\ ½";

    it('creates a role with a SCRAM verifier, never sending the password, and it can log in', async () => {
      const run = await runRecorded(postgresqlUser, { port: pg.port, name: 'app', password, role_attr_flags: 'LOGIN,CREATEDB' });
      expect(run.first.changed).to.equal(true);
      expect(run.first.changed && run.first.description).to.match(/would create role app/);
      expect(run.second?.changed).to.equal(false);
      for (const s of run.conn.sent) {
        expect(s.command).to.not.include('w0rd');
        expect(s.stdin ?? '').to.not.include('w0rd');
      }
      const stored = await q({ query: "SELECT rolpassword FROM pg_authid WHERE rolname = 'app'" });
      expect(String((stored.result!.rows as { rolpassword: string }[])[0]!.rolpassword)).to.match(/^SCRAM-SHA-256\$4096:/);
      const login = await runRecorded(pgClient, { host: '127.0.0.1', port: pg.port, user: 'app', password, queries: ['SELECT current_user AS me'] });
      expect(login.first.changed).to.equal(false);
      expect(login.result).to.deep.include({ rows: [{ me: 'app' }] });
    });

    it('finds the password unchanged, and a different one changed', async () => {
      const same = await runRecorded(postgresqlUser, { port: pg.port, name: 'app', password });
      expect(same.first.changed).to.equal(false);
      expect(same.first.changed ? '' : same.first.reason).to.match(/password matches the stored scram-sha-256 verifier/);
      const other = await runRecorded(postgresqlUser, { port: pg.port, name: 'app', password: 'another', role_attr_flags: ['REPLICATION', 'NOCREATEDB'] });
      expect(other.first.changed && other.first.description).to.match(/attributes REPLICATION NOCREATEDB; password \(stored scram-sha-256 verifier differs\)/);
      expect(other.second?.changed).to.equal(false);
    });

    it('stores an md5 verifier when password_encryption is md5', async () => {
      await q({ query: "ALTER ROLE postgres SET password_encryption = 'md5'", autocommit: true });
      try {
        const run = await runRecorded(postgresqlUser, { port: pg.port, name: 'legacy', password: 'secret' });
        expect(run.second?.changed).to.equal(false);
        const stored = await q({ query: "SELECT rolpassword FROM pg_authid WHERE rolname = 'legacy'" });
        // md5('secret' || 'legacy')
        expect((stored.result!.rows as { rolpassword: string }[])[0]!.rolpassword).to.equal('md5' + (await import('node:crypto')).createHash('md5').update('secretlegacy').digest('hex'));
      } finally {
        await q({ query: 'ALTER ROLE postgres RESET password_encryption', autocommit: true });
      }
    });

    it('pg_client: writes are an action, reads are checked against expect, errors hide the password', async () => {
      const base = { host: '127.0.0.1', port: pg.port, user: 'app', password: 'another' };
      await q({ query: 'GRANT ALL ON SCHEMA public TO app', autocommit: true });
      const write = await runRecorded(pgClient, { ...base, queries: ['CREATE TABLE client_t (id int, at timestamp)', "INSERT INTO client_t VALUES (1, '2021-06-14 00:01:03')"] });
      expect(write.first.changed && write.first.kind).to.equal('run');
      expect(write.result).to.deep.include({ rows: [] });
      expect((write.result!.results as { statusmessage: string }[]).map((r) => r.statusmessage)).to.deep.equal(['CREATE', 'INSERT 0 1']);
      const read = await runRecorded(pgClient, { ...base, queries: ['SELECT id, at FROM client_t'], expect: [[{ id: 1, at: '2021-06-14 00:01:03' }]] });
      expect(read.first.changed).to.equal(false);
      const wrong = await rejection(runRecorded(pgClient, { ...base, queries: ['SELECT id FROM client_t'], expect: [[{ id: 2 }]] }));
      expect(wrong.message).to.match(/query 1 .* returned \[\{"id":1\}\], expected \[\{"id":2\}\]/);
      const badPw = await rejection(runRecorded(pgClient, { ...base, password: 'not-the-one', queries: ['SELECT 1'] }));
      expect(badPw.message).to.include(`127.0.0.1:${pg.port}`).and.to.include('password authentication failed').and.not.include('not-the-one');
    });
  });
});
