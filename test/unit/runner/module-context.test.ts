import { expect } from 'chai';
import { execFileSync } from 'node:child_process';
import { chmodSync, chownSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { LocalConnection } from '../../../engine/connection/local.js';
import { CommandError } from '../../../engine/errors.js';
import { createModuleContext } from '../../../engine/runner/module-context.js';

const isRoot = userInfo().uid === 0;
const uidOf = (user: string) => Number(execFileSync('id', ['-u', user], { encoding: 'utf8' }).trim());
const gidOf = (group: string) => Number(execFileSync('getent', ['group', group], { encoding: 'utf8' }).split(':')[2]);

describe('module context: atomic writes through the local connection', () => {
  let dir: string;
  let conn: LocalConnection;
  const ctx = () =>
    createModuleContext({
      host: 'local',
      conn,
      vars: {},
      checkMode: false,
      baseDir: dir,
      secrets: [],
      connectionTo: async () => conn,
      log: () => undefined,
      evaluate: () => undefined,
    });
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

  it('writes through a symlink to its target, keeping the link', async () => {
    const target = join(dir, 'real.conf');
    const link = join(dir, 'link.conf');
    writeFileSync(target, 'old\n');
    symlinkSync(target, link);
    await ctx().writeFile(link, 'new\n');
    expect(readlinkSync(link)).to.equal(target);
    expect(readFileSync(target, 'utf8')).to.equal('new\n');
  });

  it('writes binary content and paths with spaces and quotes exactly', async () => {
    const p = join(dir, "it's a file");
    const bytes = Buffer.from([0, 1, 2, 255, 10, 13, 0]);
    await ctx().writeFile(p, bytes);
    expect(readFileSync(p).equals(bytes)).to.equal(true);
  });
});
