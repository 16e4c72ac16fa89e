import { expect } from 'chai';
import { execFileSync } from 'node:child_process';
import { chmodSync, chownSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { LocalConnection } from '../../../engine/connection/local.js';
import { CommandError } from '../../../engine/errors.js';
import type { ExecOptions } from '../../../engine/module-api.js';
import { atomicWriteScript, posixCksum } from '../../../engine/runner/atomic-write.js';
import { type ContextSettings, createModuleContext } from '../../../engine/runner/module-context.js';

const isRoot = userInfo().uid === 0;
const uidOf = (user: string) => Number(execFileSync('id', ['-u', user], { encoding: 'utf8' }).trim());
const gidOf = (group: string) => Number(execFileSync('getent', ['group', group], { encoding: 'utf8' }).split(':')[2]);

describe('module context: atomic writes through the local connection', () => {
  let dir: string;
  let conn: LocalConnection;
  const settings = (): ContextSettings => ({
    host: 'local',
    conn,
    vars: {},
    checkMode: false,
    baseDir: dir,
    secrets: [],
    connectionTo: async () => conn,
    log: () => undefined,
  });
  const ctx = () => createModuleContext(settings());
  const mode = (p: string) => (statSync(p).mode & 0o7777).toString(8);
  const leftovers = () => readdirSync(dir).filter((f) => f.startsWith('.tsplay.'));

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'tsplay-ctx-'));
    conn = new LocalConnection('local');
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('creates a new file with mode 0644 in one round trip', async () => {
    const p = join(dir, 'new.conf');
    expect(await ctx().writeFile(p, 'hello\n')).to.deep.equal({});
    expect(readFileSync(p, 'utf8')).to.equal('hello\n');
    expect(mode(p)).to.equal('644');
    expect(conn.roundTrips).to.equal(1);
    expect(leftovers()).to.deep.equal([]);
  });

  it("keeps an existing file's mode and owner", async function () {
    const p = join(dir, 'secret.conf');
    writeFileSync(p, 'old\n');
    chmodSync(p, 0o640);
    if (isRoot) chownSync(p, uidOf('nobody'), gidOf('nogroup'));
    await ctx().writeFile(p, 'new\n');
    expect(readFileSync(p, 'utf8')).to.equal('new\n');
    expect(mode(p)).to.equal('640');
    if (isRoot) expect([statSync(p).uid, statSync(p).gid]).to.deep.equal([uidOf('nobody'), gidOf('nogroup')]);
  });

  it('sets the requested mode, owner and group', async function () {
    if (!isRoot) this.skip();
    const p = join(dir, 'owned.conf');
    writeFileSync(p, 'old\n');
    await ctx().writeFile(p, 'new\n', { mode: '0600', owner: 'nobody', group: 'nogroup' });
    expect(mode(p)).to.equal('600');
    expect([statSync(p).uid, statSync(p).gid]).to.deep.equal([uidOf('nobody'), gidOf('nogroup')]);
  });

  it('keeps a timestamped backup of the old content and returns its path', async () => {
    const p = join(dir, 'app.conf');
    writeFileSync(p, 'before\n');
    chmodSync(p, 0o600);
    const { backup } = await ctx().writeFile(p, 'after\n', { backup: true });
    expect(backup).to.match(new RegExp(`^${p.replace(/[.]/g, '\\.')}\\.\\d{4}-\\d\\d-\\d\\d@\\d\\d:\\d\\d:\\d\\d\\.\\d+~$`));
    expect(readFileSync(backup!, 'utf8')).to.equal('before\n');
    expect(mode(backup!)).to.equal('600');
    expect(readFileSync(p, 'utf8')).to.equal('after\n');
    expect(conn.roundTrips).to.equal(1);
  });

  it('no backup of a file that did not exist', async () => {
    expect(await ctx().writeFile(join(dir, 'fresh'), 'x', { backup: true })).to.deep.equal({});
  });

  it('a failing validate leaves the target untouched and no temp file behind', async () => {
    const p = join(dir, 'app.conf');
    writeFileSync(p, 'good\n');
    const err = await ctx()
      .writeFile(p, 'bad\n', { validate: 'grep -q good %s' })
      .catch((e: unknown) => e);
    expect(err).to.be.instanceOf(CommandError);
    expect((err as Error).message).to.include('validation failed: grep -q good %s');
    expect(readFileSync(p, 'utf8')).to.equal('good\n');
    expect(leftovers()).to.deep.equal([]);
  });

  it('validate sees the new content (as %s, or appended as the last word)', async () => {
    const p = join(dir, 'app.conf');
    await ctx().writeFile(p, 'good\n', { validate: 'grep -q good %s' });
    await ctx().writeFile(p, 'good again\n', { validate: 'grep -q again' });
    expect(readFileSync(p, 'utf8')).to.equal('good again\n');
  });

  it('with follow: true writes through a symlink to its target, keeping the link', async () => {
    const target = join(dir, 'real.conf');
    const link = join(dir, 'link.conf');
    writeFileSync(target, 'old\n');
    symlinkSync(target, link);
    await ctx().writeFile(link, 'new\n', { follow: true });
    expect(readlinkSync(link)).to.equal(target);
    expect(readFileSync(target, 'utf8')).to.equal('new\n');
  });

  it("never follows a link the new owner planted: the link is replaced, its target untouched", async function () {
    if (!isRoot) this.skip();
    // As in ~postgres/.ssh: a folder of the user who will own the file, and a root-only file.
    const home = join(dir, 'home');
    mkdirSync(home);
    chownSync(home, uidOf('nobody'), gidOf('nogroup'));
    const victim = join(dir, 'root-only');
    writeFileSync(victim, 'secret\n', { mode: 0o600 });
    const planted = join(home, 'known_hosts');
    symlinkSync(victim, planted);
    await ctx().writeFile(planted, 'hosts\n', { owner: 'nobody', mode: '0644' });
    expect([statSync(victim).uid, mode(victim), readFileSync(victim, 'utf8')]).to.deep.equal([0, '600', 'secret\n']);
    expect(lstatSync(planted).isSymbolicLink()).to.equal(false);
    expect([statSync(planted).uid, mode(planted), readFileSync(planted, 'utf8')]).to.deep.equal([uidOf('nobody'), '644', 'hosts\n']);
  });

  it('an interrupted transfer leaves the target as it was and no temp file', async () => {
    const p = join(dir, 'big.conf');
    writeFileSync(p, 'original\n');
    // The content stops half way, as when the controller dies mid-transfer.
    const cut: LocalConnection = Object.assign(Object.create(conn) as LocalConnection, {
      exec: (command: string, o: ExecOptions = {}) => conn.exec(command, { ...o, stdin: Buffer.from(o.stdin ?? '').subarray(0, 5000) }),
    });
    const err = await createModuleContext({ ...settings(), conn: cut })
      .writeFile(p, Buffer.alloc(10_000, 'x'))
      .catch((e: unknown) => e);
    expect((err as Error).message).to.include('incomplete transfer: 5000 of 10000 bytes');
    expect(readFileSync(p, 'utf8')).to.equal('original\n');
    expect(leftovers()).to.deep.equal([]);
  });

  it('content of the right length but other bytes is refused (checksum)', async () => {
    const p = join(dir, 'app.conf');
    writeFileSync(p, 'original\n');
    const flipped: LocalConnection = Object.assign(Object.create(conn) as LocalConnection, {
      exec: (command: string, o: ExecOptions = {}) => conn.exec(command, { ...o, stdin: Buffer.from(String(o.stdin).replace('a', 'b')) }),
    });
    const err = await createModuleContext({ ...settings(), conn: flipped })
      .writeFile(p, 'aaaa\n')
      .catch((e: unknown) => e);
    expect((err as Error).message).to.include('checksum mismatch');
    expect(readFileSync(p, 'utf8')).to.equal('original\n');
    expect(leftovers()).to.deep.equal([]);
  });

  it('checks with cksum where sha256sum is missing (POSIX hosts)', async () => {
    // A PATH with the tools the script uses, but no sha256sum.
    const bin = join(dir, 'bin');
    mkdirSync(bin);
    for (const tool of ['mktemp', 'cat', 'wc', 'cksum', 'chmod', 'chown', 'chgrp', 'mv', 'rm', 'dirname', 'readlink', 'ls', 'cut', 'cp', 'date', 'getfacl', 'setfacl']) {
      const at = execFileSync('sh', ['-c', `command -v ${tool} || true`], { encoding: 'utf8' }).trim();
      if (at) symlinkSync(at, join(bin, tool));
    }
    const p = join(dir, 'posix.conf');
    const content = Buffer.from('posix\n');
    const script = `PATH=${bin}\n${atomicWriteScript(p, {}, content)}`;
    expect((await conn.exec(script, { stdin: content })).code).to.equal(0);
    expect(readFileSync(p, 'utf8')).to.equal('posix\n');
    const bad = await conn.exec(script, { stdin: Buffer.from('POSIX\n') });
    expect(bad.code).to.not.equal(0);
    expect(bad.stderr).to.match(/checksum mismatch/);
    expect(readFileSync(p, 'utf8')).to.equal('posix\n');
  });

  it("computes POSIX cksum's CRC as cksum does", () => {
    for (const data of [Buffer.alloc(0), Buffer.from('a'), Buffer.from('hello\n'), Buffer.alloc(70_000, 0xe9)]) {
      const out = execFileSync('cksum', { input: data, encoding: 'utf8' });
      expect(posixCksum(data)).to.equal(Number(out.split(' ')[0]));
    }
  });

  it('keeps the POSIX ACL of a rewritten file', async function () {
    if (!isRoot) this.skip();
    const p = join(dir, 'acl.conf');
    writeFileSync(p, 'old\n', { mode: 0o640 });
    execFileSync('setfacl', ['-m', 'u:nobody:r,g:nogroup:rw', p]);
    const before = execFileSync('getfacl', ['-c', '-p', p], { encoding: 'utf8' });
    expect(before).to.include('user:nobody:r--');
    await ctx().writeFile(p, 'new\n');
    expect(readFileSync(p, 'utf8')).to.equal('new\n');
    expect(execFileSync('getfacl', ['-c', '-p', p], { encoding: 'utf8' })).to.equal(before);
    // A requested mode then applies as chmod applies it to a file with an ACL (through the mask).
    await ctx().writeFile(p, 'newer\n', { mode: '0600' });
    expect(execFileSync('getfacl', ['-c', '-p', p], { encoding: 'utf8' })).to.match(/^user:nobody:r--\s+#effective:---$/m);
  });

  it('writes binary content and paths with spaces and quotes exactly', async () => {
    const p = join(dir, "it's a file");
    const bytes = Buffer.from([0, 1, 2, 255, 10, 13, 0]);
    await ctx().writeFile(p, bytes);
    expect(readFileSync(p).equals(bytes)).to.equal(true);
  });
});
