// pg_md5 for real on this machine: files in a temp dir, hashes compared with what pgpool-II's own
// pg_md5 writes (when the pgpool2 package is installed), owner and mode kept.
import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pgMd5 from '../../../modules/pg_md5.js';
import { runRecorded } from './recording.js';

const PG_MD5 = '/usr/sbin/pg_md5';
const password = "s3cr:et 'pw' ½";

describe('pg_md5 (local files)', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'tsplay-pgmd5-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('writes the same pool_passwd entry as pgpool-II pg_md5 --md5auth', async function () {
    if (!existsSync(PG_MD5)) {
      console.warn(`\n  !!! SKIPPED: ${PG_MD5} missing (apt-get install pgpool2) — no comparison with the real tool\n`);
      this.skip();
    }
    const real = join(dir, 'real');
    spawnSync('mkdir', [real]);
    writeFileSync(join(real, 'pgpool.conf'), "pool_passwd = 'pool_passwd'\n");
    writeFileSync(join(real, 'pool_passwd'), 'alice:md5aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\n');
    for (const user of ['root', 'postgres']) {
      const r = spawnSync(PG_MD5, ['--md5auth', '-f', join(real, 'pgpool.conf'), '-u', user, password], { encoding: 'utf8' });
      expect(r.status, r.stderr).to.equal(0);
    }
    const ours = join(dir, 'pool_passwd');
    writeFileSync(ours, 'alice:md5aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\n');
    for (const user of ['root', 'postgres']) {
      const run = await runRecorded(pgMd5, { path: ours, user, password });
      expect(run.first.changed).to.equal(true);
      expect(run.second?.changed).to.equal(false);
      for (const s of run.conn.sent) expect(`${s.command}\n${s.stdin ?? ''}`).to.not.include('s3cr');
    }
    expect(readFileSync(ours, 'utf8')).to.equal(readFileSync(join(real, 'pool_passwd'), 'utf8'));
  });

  it('writes the md5 that pg_md5 prints for pcp.conf, replacing the old entry and keeping the mode', async function () {
    const pcp = join(dir, 'pcp.conf');
    writeFileSync(pcp, '# USERID:MD5PASSWD\nroot:0123456789abcdef0123456789abcdef\nother:ffffffffffffffffffffffffffffffff\n');
    chmodSync(pcp, 0o640);
    const run = await runRecorded(pgMd5, { path: pcp, format: 'pcp', user: 'root', password });
    expect(run.first.changed && run.first.description).to.match(/would replace the entry of root/);
    expect(run.first.changed && run.first.diffs).to.deep.equal([], 'a replaced hash shows no masked diff');
    expect(run.second?.changed).to.equal(false);
    const line = readFileSync(pcp, 'utf8').split('\n')[1]!;
    if (existsSync(PG_MD5)) {
      const r = spawnSync(PG_MD5, [password], { encoding: 'utf8' });
      expect(line).to.equal(`root:${r.stdout.trim()}`);
    }
    expect(line).to.match(/^root:[0-9a-f]{32}$/);
    expect(statSync(pcp).mode & 0o777).to.equal(0o640);
  });

  it('creates a missing file with mode 0600 and masks hashes in the diff', async () => {
    const file = join(dir, 'new_pool_passwd');
    const run = await runRecorded(pgMd5, { path: file, user: 'root', password });
    expect(run.first.changed && run.first.diffs).to.deep.equal([{ path: file, before: '', after: 'root:md5********\n' }]);
    expect(statSync(file).mode & 0o777).to.equal(0o600);
    expect(run.second?.changed).to.equal(false);
  });
});
