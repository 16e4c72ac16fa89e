// copy for real through LocalConnection on temp folders.
import { expect } from 'chai';
import { chmodSync, existsSync, lstatSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, readlinkSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import copy from '../../../modules/copy.js';
import type { Change } from '../../../engine/module-api.js';
import { runLocal } from './local-run.js';

describe('copy (local runs)', () => {
  let dir = '';
  let playbooks = '';
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'tsplay-copy-'));
    playbooks = join(dir, 'playbooks');
    mkdirSync(join(playbooks, 'files'), { recursive: true });
    writeFileSync(join(playbooks, 'files', 'pg_hba.conf'), 'local all all peer\n');
    chmodSync(join(playbooks, 'files', 'pg_hba.conf'), 0o640);
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('writes content, then finds nothing to do; check costs one round trip', async () => {
    const dest = join(dir, 'pcp.conf');
    const r = await runLocal(copy, { dest, content: 'pgpool:abc\n', mode: 0o600 });
    expect(r.checkRoundTrips).to.equal(1);
    expect(r.second?.changed).to.equal(false);
    expect(readFileSync(dest, 'utf8')).to.equal('pgpool:abc\n');
    expect(statSync(dest).mode & 0o7777).to.equal(0o600);
  });

  it('copies a controller file from files/, into a directory dest, with mode preserve', async () => {
    const d = join(dir, 'etc');
    mkdirSync(d);
    const r = await runLocal(copy, { src: 'pg_hba.conf', dest: d, mode: 'preserve' }, { baseDir: playbooks });
    expect((r.first as Change).description).to.equal(`create ${join(d, 'pg_hba.conf')}`);
    expect(r.second?.changed).to.equal(false);
    expect(readFileSync(join(d, 'pg_hba.conf'), 'utf8')).to.equal('local all all peer\n');
    expect(statSync(join(d, 'pg_hba.conf')).mode & 0o7777).to.equal(0o640);
  });

  it('creates the folder of a dest ending in /', async () => {
    const d = join(dir, 'new', 'conf.d/');
    const r = await runLocal(copy, { src: 'pg_hba.conf', dest: d }, { baseDir: playbooks });
    expect(r.second?.changed).to.equal(false);
    expect(existsSync(join(d, 'pg_hba.conf'))).to.equal(true);
  });

  it('updates a different file with a diff and a backup; check mode writes nothing', async () => {
    const dest = join(dir, 'x.conf');
    writeFileSync(dest, 'old\n');
    const dry = await runLocal(copy, { dest, content: 'new\n', backup: true }, { checkMode: true });
    expect((dry.first as Change).diffs).to.deep.equal([{ path: dest, before: 'old\n', after: 'new\n' }]);
    expect(readFileSync(dest, 'utf8')).to.equal('old\n');
    const r = await runLocal(copy, { dest, content: 'new\n', backup: true });
    expect(readFileSync(dest, 'utf8')).to.equal('new\n');
    const backup = (r.applied as { result: { backup_file: string } }).result.backup_file;
    expect(readFileSync(backup, 'utf8')).to.equal('old\n');
    expect(readdirSync(dir).filter((n) => n.startsWith('.tsplay'))).to.deep.equal([]);
  });

  it('replaces a link at dest with a file (its target untouched) unless follow: true', async () => {
    const target = join(dir, 'target');
    writeFileSync(target, 'theirs\n');
    const link = join(dir, 'link');
    symlinkSync(target, link);
    const r = await runLocal(copy, { dest: link, content: 'mine\n', mode: '0600' });
    expect(r.second?.changed).to.equal(false);
    expect(lstatSync(link).isFile()).to.equal(true);
    expect([readFileSync(link, 'utf8'), statSync(link).mode & 0o777]).to.deep.equal(['mine\n', 0o600]);
    expect([readFileSync(target, 'utf8'), statSync(target).mode & 0o777]).to.deep.equal(['theirs\n', 0o644]);
    // A dangling link is replaced too, not used to create a file elsewhere.
    symlinkSync(join(dir, 'elsewhere'), join(dir, 'dangling'));
    await runLocal(copy, { dest: join(dir, 'dangling'), content: 'x' });
    expect([lstatSync(join(dir, 'dangling')).isFile(), existsSync(join(dir, 'elsewhere'))]).to.deep.equal([true, false]);
    const link2 = join(dir, 'link2');
    symlinkSync(target, link2);
    const f = await runLocal(copy, { dest: link2, content: 'through\n', follow: true });
    expect(f.second?.changed).to.equal(false);
    expect([readlinkSync(link2), readFileSync(target, 'utf8')]).to.deep.equal([target, 'through\n']);
  });

  it('a file above 16 MiB is compared by its sha256, not read back whole, and not shown in a diff', async () => {
    const dest = join(dir, 'big');
    const big = Buffer.alloc(20 * 1024 * 1024, 'x');
    writeFileSync(join(playbooks, 'files', 'big'), big);
    writeFileSync(dest, 'old\n');
    const r = await runLocal(copy, { src: 'big', dest }, { baseDir: playbooks });
    expect((r.first as Change).diffs).to.deep.equal([{ path: dest, before: 'old\n', after: `(${big.length} bytes, not shown)\n` }]);
    expect(r.second?.changed).to.equal(false);
    expect(readFileSync(dest).equals(big)).to.equal(true);
    big[0] = 0x79;
    writeFileSync(join(playbooks, 'files', 'big'), big);
    const again = await runLocal(copy, { src: 'big', dest }, { baseDir: playbooks });
    expect((again.first as Change).diffs?.[0]?.before).to.equal(`(${big.length} bytes, not shown)\n`);
    expect(readFileSync(dest).equals(big)).to.equal(true);
  });

  it('force: false leaves an existing file alone', async () => {
    const dest = join(dir, 'x.conf');
    writeFileSync(dest, 'mine\n');
    const r = await runLocal(copy, { dest, content: 'theirs\n', force: false });
    expect(r.first.changed).to.equal(false);
    expect(readFileSync(dest, 'utf8')).to.equal('mine\n');
  });

  it('symbolic modes are compared after resolving them', async () => {
    const dest = join(dir, 'x');
    writeFileSync(dest, 'a');
    chmodSync(dest, 0o644);
    const r = await runLocal(copy, { dest, content: 'a', mode: 'u=rw,g=r,o=' });
    expect((r.first as Change).description).to.equal(`set attributes of ${dest}; mode 0644 → 0640`);
    expect(r.second?.changed).to.equal(false);
    expect(statSync(dest).mode & 0o7777).to.equal(0o640);
  });

  it('fails clearly: missing folder, content into a directory, no source', async () => {
    const fails = async (args: Record<string, unknown>, re: RegExp) =>
      runLocal(copy, args, { baseDir: playbooks }).then(
        () => expect.fail('should fail'),
        (e: Error) => expect(e.message).to.match(re),
      );
    await fails({ dest: join(dir, 'no', 'x'), content: 'a' }, /Destination directory of .* does not exist/);
    await fails({ dest: dir, content: 'a' }, /can not use content with a dir as dest/);
    await fails({ dest: join(dir, 'x') }, /src \(or content\) is required/);
    await fails({ dest: join(dir, 'x'), src: 'nope' }, /could not find 'nope'/);
  });
});
