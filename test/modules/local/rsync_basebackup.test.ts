// The primary's side of rsync_basebackup for real on this machine: the one-session backup
// script against a throw-away cluster, with rsync copying into a local directory (the same
// rsync filters as over SSH): the label comes back, stale files go, keep files stay, and a
// failed copy leaves no backup running.
import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { primaryScript } from '../../../modules/lib/base-backup.js';
import { startTempCluster, type TempCluster, tempClusterUnavailable } from './temp-cluster.js';

function asPostgres(script: string): { code: number; stdout: string; stderr: string } {
  const r = spawnSync('su', ['-s', '/bin/sh', 'postgres', '-c', script], { encoding: 'utf8' });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

describe('rsync_basebackup primary script (local cluster, local rsync)', function () {
  this.timeout(60_000);
  let pg: TempCluster;
  let dest: string;

  before(async function () {
    const why = tempClusterUnavailable();
    if (why || spawnSync('rsync', ['--version']).status !== 0) {
      console.warn(`\n  !!! SKIPPED: the local base backup run needs root, PostgreSQL and rsync (${why ?? 'no rsync'})\n`);
      this.skip();
    }
    pg = await startTempCluster();
    dest = mkdtempSync(join(tmpdir(), 'tsplay-standby-'));
  });
  after(() => {
    pg?.stop();
    if (dest) rmSync(dest, { recursive: true, force: true });
  });

  const spec = (destination: string) => ({ version: pg.version, port: pg.port, label: 'tsplay test', destination, keep: ['pg_audit.conf'] });

  it('a failed copy fails the script and leaves no backup running', () => {
    const r = asPostgres(primaryScript(spec('/nonexistent/deeper/data/')));
    expect(r.code).to.not.equal(0);
    expect(r.stderr).to.match(/rsync to the standby failed \(exit code \d+\)/);
    // A non-exclusive backup lives in its session: no other session may be left behind.
    const sessions = asPostgres(
      `echo "SELECT count(*) FROM pg_stat_activity WHERE backend_type = 'client backend' AND pid <> pg_backend_pid()" | psql -X -At -p ${pg.port} -d postgres`,
    );
    expect(sessions.stdout.trim()).to.equal('0');
  });

  it('copies the data directory (content compared, not size and mtime), returns the label, deletes stale files, keeps the keep files', () => {
    const data = join(pg.dir, 'data');
    writeFileSync(join(data, 'pg_audit.conf'), 'primary audit\n');
    mkdirSync(join(dest, 'pg_wal'), { recursive: true });
    writeFileSync(join(dest, 'pg_wal', '000000010000000000000099'), 'old WAL');
    writeFileSync(join(dest, 'pg_audit.conf'), 'standby audit\n');
    writeFileSync(join(dest, 'stale_file'), 'x');
    writeFileSync(join(dest, 'postmaster.pid'), '1\n');
    writeFileSync(join(dest, 'standby.signal'), '');
    // Same size and mtime as the primary's file, other content: rsync's quick check would keep it.
    writeFileSync(join(dest, 'PG_VERSION'), `${String(pg.version).replace(/./g, '9')}\n`);
    const primaryVersion = statSync(join(data, 'PG_VERSION'));
    utimesSync(join(dest, 'PG_VERSION'), primaryVersion.atime, primaryVersion.mtime);
    spawnSync('chown', ['-R', 'postgres:postgres', dest]);

    const r = asPostgres(primaryScript(spec(`${dest}/`)));
    expect(r.code, r.stderr).to.equal(0);
    expect(r.stdout).to.match(/^START WAL LOCATION: [0-9A-F]+\/[0-9A-F]+ \(file [0-9A-F]{24}\)$/m);
    expect(r.stdout).to.match(/^LABEL: tsplay test$/m);
    expect(readFileSync(join(dest, 'PG_VERSION'), 'utf8').trim()).to.equal(String(pg.version));
    expect(readFileSync(join(dest, 'pg_audit.conf'), 'utf8')).to.equal('standby audit\n');
    expect(readdirSync(join(dest, 'pg_wal')).filter((f) => /^[0-9A-F]{24}$/.test(f))).to.deep.equal([]);
    for (const gone of ['stale_file', 'postmaster.pid', 'standby.signal', 'backup_label']) expect(existsSync(join(dest, gone)), gone).to.equal(false);
    expect(existsSync(join(dest, 'global', 'pg_control'))).to.equal(true);
  });
});
