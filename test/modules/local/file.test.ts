// file for real through LocalConnection on temp folders.
import { expect } from 'chai';
import { chmodSync, existsSync, linkSync, lstatSync, mkdirSync, mkdtempSync, readlinkSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import file from '../../../modules/file.js';
import type { Change } from '../../../engine/module-api.js';
import { runLocal } from './local-run.js';

const modeOf = (p: string) => statSync(p).mode & 0o7777;

describe('file (local runs)', () => {
  let dir = '';
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'tsplay-file-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('creates a directory with its parents, each with the mode, then finds nothing to do', async () => {
    const d = join(dir, 'a', 'b');
    const r = await runLocal(file, { path: d, state: 'directory', mode: '0700' });
    expect(r.checkRoundTrips).to.equal(1);
    expect((r.first as Change).description).to.equal(`create directory ${d}`);
    expect(r.second?.changed).to.equal(false);
    expect(modeOf(d)).to.equal(0o700);
    expect(modeOf(join(dir, 'a'))).to.equal(0o700);
  });

  it('check mode changes nothing', async () => {
    const d = join(dir, 'x');
    const r = await runLocal(file, { path: d, state: 'directory' }, { checkMode: true });
    expect(r.first.changed).to.equal(true);
    expect(existsSync(d)).to.equal(false);
  });

  it('fixes owner and mode of an existing file; the path keeps its kind without state', async () => {
    const f = join(dir, 'pool_passwd');
    writeFileSync(f, 'x');
    chmodSync(f, 0o644);
    const r = await runLocal(file, { path: f, mode: 0o600, owner: 'nobody' });
    expect((r.first as Change).description).to.match(/owner \S+ → nobody; mode 0644 → 0600/);
    expect(r.second?.changed).to.equal(false);
    expect(modeOf(f)).to.equal(0o600);
    expect(statSync(f).uid).to.equal(65534);
  });

  it('applies owner and symbolic modes recursively, and counts what differs', async () => {
    const d = join(dir, 'data');
    mkdirSync(join(d, 'sub'), { recursive: true });
    writeFileSync(join(d, 'sub', 'f'), 'x');
    chmodSync(join(d, 'sub', 'f'), 0o644);
    chmodSync(join(d, 'sub'), 0o755);
    chmodSync(d, 0o755);
    symlinkSync('sub/f', join(d, 'link'));
    const r = await runLocal(file, { path: d, state: 'directory', recurse: true, mode: 'u=rwX,g=,o=' });
    expect((r.first as Change).description).to.equal(`mode 0755 → 0700; 2 entries under ${d} to change owner/group/mode`);
    expect(r.second?.changed).to.equal(false);
    expect([modeOf(d), modeOf(join(d, 'sub')), modeOf(join(d, 'sub', 'f'))]).to.deep.equal([0o700, 0o700, 0o600]);
  });

  it('removes a directory tree, then finds it absent', async () => {
    const d = join(dir, 'gone');
    mkdirSync(join(d, 'x'), { recursive: true });
    const r = await runLocal(file, { path: d, state: 'absent' });
    expect((r.first as Change).description).to.equal(`remove directory ${d}`);
    expect(r.second?.changed).to.equal(false);
    expect(existsSync(d)).to.equal(false);
  });

  it('creates and retargets symlinks; refuses to replace a file without force', async () => {
    const t1 = join(dir, 't1');
    const t2 = join(dir, 't2');
    writeFileSync(t1, '1');
    writeFileSync(t2, '2');
    const l = join(dir, 'l');
    const r = await runLocal(file, { path: l, src: 't1', state: 'link' });
    expect(r.second?.changed).to.equal(false);
    expect(readlinkSync(l)).to.equal('t1');
    const r2 = await runLocal(file, { path: l, src: t2, state: 'link' });
    expect((r2.first as Change).description).to.equal(`link ${l} -> ${t2} (was -> t1)`);
    expect(readlinkSync(l)).to.equal(t2);
    await runLocal(file, { path: t1, src: t2, state: 'link' }).then(
      () => expect.fail('should fail'),
      (e: Error) => expect(e.message).to.equal(`refusing to convert from file to symlink for ${t1}`),
    );
    await runLocal(file, { path: join(dir, 'l2'), src: 'missing', state: 'link' }).then(
      () => expect.fail('should fail'),
      (e: Error) => expect(e.message).to.match(/src file does not exist, use "force=yes"/),
    );
    const forced = await runLocal(file, { path: t1, src: t2, state: 'link', force: true });
    expect(forced.second?.changed).to.equal(false);
    expect(lstatSync(t1).isSymbolicLink()).to.equal(true);
  });

  it('sets the mode of a link target when following', async () => {
    const t = join(dir, 't');
    writeFileSync(t, '1');
    chmodSync(t, 0o644);
    const l = join(dir, 'l');
    symlinkSync(t, l);
    const r = await runLocal(file, { path: l, state: 'link', mode: '0600' });
    expect(r.second?.changed).to.equal(false);
    expect(modeOf(t)).to.equal(0o600);
  });

  it('makes hard links', async () => {
    const t = join(dir, 't');
    writeFileSync(t, '1');
    const h = join(dir, 'h');
    const r = await runLocal(file, { path: h, src: t, state: 'hard' });
    expect(r.second?.changed).to.equal(false);
    expect(statSync(h).ino).to.equal(statSync(t).ino);
    const other = join(dir, 'o');
    writeFileSync(other, '2');
    linkSync(other, join(dir, 'o2'));
    await runLocal(file, { path: h, src: other, state: 'hard' }).then(
      () => expect.fail('should fail'),
      (e: Error) => expect(e.message).to.equal('Cannot link, different hard link exists at destination'),
    );
  });

  it('touch creates a file and always reports a change that is not re-checked', async () => {
    const f = join(dir, 'recovery.signal');
    const r = await runLocal(file, { path: f, state: 'touch', mode: '0600' });
    expect((r.first as Change).kind).to.equal('run');
    expect(modeOf(f)).to.equal(0o600);
    const again = await runLocal(file, { path: f, state: 'touch' }, { checkMode: true });
    expect((again.first as Change).description).to.equal(`touch ${f}`);
  });

  it("fails with Ansible's messages for a missing file and a wrong kind", async () => {
    const f = join(dir, 'nope');
    await runLocal(file, { path: f }).then(
      () => expect.fail('should fail'),
      (e: Error) => expect(e.message).to.equal(`file (${f}) is absent, cannot continue`),
    );
    writeFileSync(f, 'x');
    await runLocal(file, { path: f, state: 'directory' }).then(
      () => expect.fail('should fail'),
      (e: Error) => expect(e.message).to.equal(`${f} already exists as a file`),
    );
    await runLocal(file, { path: f, recurse: true }).then(
      () => expect.fail('should fail'),
      (e: Error) => expect(e.message).to.equal("recurse option requires state to be 'directory'"),
    );
  });
});
