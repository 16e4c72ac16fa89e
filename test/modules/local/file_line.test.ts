// file_line for real on temp files through LocalConnection.
import { expect } from 'chai';
import { chmodSync, chownSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import fileLine from '../../../modules/file_line.js';
import type { Change } from '../../../engine/module-api.js';
import { runLocal } from './local-run.js';

describe('file_line (local runs)', () => {
  let dir = '';
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'tsplay-file-line-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('checks in one round trip, applies, then finds nothing to do', async () => {
    const f = join(dir, 'postgresql.conf');
    writeFileSync(f, "#listen_addresses = 'localhost'\nport = 5432\n");
    const r = await runLocal(fileLine, { path: f, regexp: '^#?listen_addresses', line: "listen_addresses = '*'" });
    expect(r.checkRoundTrips).to.equal(1);
    expect(r.first.changed).to.equal(true);
    expect((r.first as Change).description).to.equal('line replaced');
    expect(r.second?.changed).to.equal(false);
    expect(readFileSync(f, 'utf8')).to.equal("listen_addresses = '*'\nport = 5432\n");
  });

  it("backrefs whose regexp matches the line it writes: refused, saying why and how to anchor it (the manual's case)", async () => {
    const f = join(dir, 'postgresql.conf');
    writeFileSync(f, "listen_addresses = 'localhost'\n");
    const args = { path: f, regexp: "^listen_addresses = '(.*)'$", line: "listen_addresses = '\\1, 10.0.0.6'", backrefs: true };
    let err: Error | undefined;
    await runLocal(fileLine, args).catch((e: Error) => (err = e));
    expect(err?.name).to.equal('NotConvergedError');
    expect(err?.message).to.include("the regexp '^listen_addresses = '(.*)'$' still matches the line it wrote");
    expect(err?.message).to.include('Anchor the regexp so that the line it writes no longer matches');
    // Anchored as the message says, it converges.
    writeFileSync(f, "listen_addresses = 'localhost'\n");
    const ok = await runLocal(fileLine, { ...args, regexp: "^listen_addresses = '((?!.*10\\.0\\.0\\.6).*)'$" });
    expect(ok.second?.changed).to.equal(false);
    expect(readFileSync(f, 'utf8')).to.equal("listen_addresses = 'localhost, 10.0.0.6'\n");
  });

  it('gives the diff of the content, before and after', async () => {
    const f = join(dir, 'a.conf');
    writeFileSync(f, 'a\n');
    const r = await runLocal(fileLine, { path: f, line: 'b' }, { checkMode: true });
    expect((r.first as Change).diffs).to.deep.equal([{ path: f, before: 'a\n', after: 'a\nb\n' }]);
  });

  it('writes nothing in check mode', async () => {
    const f = join(dir, 'a.conf');
    writeFileSync(f, 'a\n');
    const before = statSync(f);
    const r = await runLocal(fileLine, { path: f, line: 'b', create: true, mode: '0600' }, { checkMode: true });
    expect(r.first.changed).to.equal(true);
    expect(readFileSync(f, 'utf8')).to.equal('a\n');
    expect(statSync(f).mode & 0o777).to.equal(before.mode & 0o777);
    const missing = join(dir, 'sub', 'new.conf');
    const r2 = await runLocal(fileLine, { path: missing, line: 'b', create: true }, { checkMode: true });
    expect(r2.first.changed).to.equal(true);
    expect(existsSync(join(dir, 'sub'))).to.equal(false);
  });

  it('keeps owner and mode when it rewrites a file, and backs it up', async () => {
    const f = join(dir, 'pool_passwd');
    writeFileSync(f, 'a\n');
    chmodSync(f, 0o640);
    chownSync(f, 65534, 65534);
    const r = await runLocal(fileLine, { path: f, line: 'b', backup: true });
    const st = statSync(f);
    expect(st.mode & 0o7777).to.equal(0o640);
    expect([st.uid, st.gid]).to.deep.equal([65534, 65534]);
    const backup = (r.applied as { result: { backup: string } }).result.backup;
    expect(readFileSync(backup, 'utf8')).to.equal('a\n');
  });

  it('counts an owner/mode difference as a change, and fixes it', async () => {
    const f = join(dir, 'a.conf');
    writeFileSync(f, 'a\n');
    chmodSync(f, 0o644);
    const r = await runLocal(fileLine, { path: f, line: 'a', mode: 0o600, owner: 'nobody' });
    expect((r.first as Change).description).to.equal(
      `ownership, perms or SE linux context changed (owner ${userInfo().username} → nobody, mode 0644 → 0600)`,
    );
    expect(r.second?.changed).to.equal(false);
    expect(statSync(f).mode & 0o7777).to.equal(0o600);
  });

  it('creates a missing file and its folder with create: true', async () => {
    const f = join(dir, 'new', 'dir', 'x.conf');
    const r = await runLocal(fileLine, { path: f, line: 'x = 1', create: true, mode: '0640' });
    expect(r.second?.changed).to.equal(false);
    expect(readFileSync(f, 'utf8')).to.equal('x = 1\n');
    expect(statSync(f).mode & 0o7777).to.equal(0o640);
  });

  it("fails with lineinfile's messages for a missing file or a directory", async () => {
    const missing = join(dir, 'missing.conf');
    await runLocal(fileLine, { path: missing, line: 'x' }).then(
      () => expect.fail('should fail'),
      (e: Error) => expect(e.message).to.equal(`Destination ${missing} does not exist !`),
    );
    mkdirSync(join(dir, 'd'));
    await runLocal(fileLine, { path: join(dir, 'd'), line: 'x' }).then(
      () => expect.fail('should fail'),
      (e: Error) => expect(e.message).to.equal(`Path ${join(dir, 'd')} is a directory !`),
    );
  });

  it('leaves the file untouched when validate fails', async () => {
    const f = join(dir, 'sudoers');
    writeFileSync(f, 'a\n');
    await runLocal(fileLine, { path: f, line: 'b', validate: 'false %s' }).then(
      () => expect.fail('should fail'),
      (e: Error) => expect(e.message).to.match(/validation failed/),
    );
    expect(readFileSync(f, 'utf8')).to.equal('a\n');
  });

  it('refuses a validate command without %s, as Ansible does', async () => {
    const f = join(dir, 'a');
    writeFileSync(f, 'a\n');
    await runLocal(fileLine, { path: f, line: 'b', validate: 'true' }).then(
      () => expect.fail('should fail'),
      (e: Error) => expect(e.message).to.equal('validate must contain %s: true'),
    );
  });

  it('keeps bytes that are not UTF-8 and CRLF endings', async () => {
    const f = join(dir, 'latin1.ini');
    writeFileSync(f, Buffer.from([0x63, 0x61, 0x66, 0xe9, 0x0d, 0x0a, 0x6b, 0x3d, 0x31, 0x0d, 0x0a]));
    const r = await runLocal(fileLine, { path: f, regexp: '^k=', line: 'k=2' });
    expect(r.second?.changed).to.equal(false);
    expect(readFileSync(f)).to.deep.equal(Buffer.from([0x63, 0x61, 0x66, 0xe9, 0x0d, 0x0a, 0x6b, 0x3d, 0x32, 0x0a]));
  });

  for (const [encoding, text] of [
    ['latin1', 'caf\xe9 cr\xe8me\n'],
    ['cp1251', '\xcf\xf0\xe8\xe2\xe5\xf2 = 1\n'],
    ['koi8-r', '\xf0\xd2\xc9\xd7\xc5\xd4 = 1\n'],
  ]) {
    it(`keeps every unchanged byte of a ${encoding} file`, async () => {
      const f = join(dir, `${encoding}.conf`);
      const before = Buffer.from(`# ${text}key = old\r\n${text}`, 'latin1');
      writeFileSync(f, before);
      const r = await runLocal(fileLine, { path: f, regexp: '^key =', line: 'key = new' });
      expect(r.second?.changed).to.equal(false);
      expect(readFileSync(f).equals(Buffer.from(`# ${text}key = new\n${text}`, 'latin1'))).to.equal(true);
    });
  }

  it('refuses a symlink unless follow: true, then edits its target', async () => {
    const target = join(dir, 'real.conf');
    writeFileSync(target, 'a\n');
    const link = join(dir, 'link.conf');
    const { symlinkSync, lstatSync } = await import('node:fs');
    symlinkSync(target, link);
    await runLocal(fileLine, { path: link, line: 'b' }).then(
      () => expect.fail('should refuse the link'),
      (e: Error) => expect(e.message).to.equal(`${link} is a symbolic link (to ${target}): file_line edits a link's target only with follow: true (whoever can write the link's folder could have pointed it at another file)`),
    );
    expect(readFileSync(target, 'utf8')).to.equal('a\n');
    const r = await runLocal(fileLine, { path: link, line: 'b', follow: true });
    expect(r.second?.changed).to.equal(false);
    expect(lstatSync(link).isSymbolicLink()).to.equal(true);
    expect(readFileSync(target, 'utf8')).to.equal('a\nb\n');
  });

  it('refuses mutually exclusive arguments and a bad regexp with clear messages', async () => {
    const f = join(dir, 'a');
    writeFileSync(f, 'a\n');
    await runLocal(fileLine, { path: f, line: 'b', insertafter: 'x', insertbefore: 'y' }).then(
      () => expect.fail('should fail'),
      (e: Error) => expect(e.message).to.equal('parameters are mutually exclusive: insertbefore|insertafter'),
    );
    await runLocal(fileLine, { path: f, line: 'b', regexp: '(?<x)' }).then(
      () => expect.fail('should fail'),
      (e: Error) => expect(e.message).to.match(/bad regular expression.*unknown extension \?<x/),
    );
  });
});
