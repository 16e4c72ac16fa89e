// The keeper's socket directory: used only when it is a real directory of this user that
// group and others cannot reach; created 0700 when missing.
import { expect } from 'chai';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { checkKeeperDir, keeperDir, keeperSocket } from '../../../engine/connection/keeper-dir.js';

describe('connection/keeper-dir', () => {
  let base = '';
  const uid = process.getuid!();
  beforeEach(() => (base = mkdtempSync(join(tmpdir(), 'tsplay-kdir-'))));
  afterEach(() => rmSync(base, { recursive: true, force: true }));

  it('is $TSPLAY_KEEPER_DIR, else $XDG_RUNTIME_DIR/tsplay, else a per-user folder in the temp dir', () => {
    expect(keeperDir({ TSPLAY_KEEPER_DIR: '/x/k', XDG_RUNTIME_DIR: '/run/user/7' }, 7)).to.equal('/x/k');
    expect(keeperDir({ XDG_RUNTIME_DIR: '/run/user/7' }, 7)).to.equal('/run/user/7/tsplay');
    expect(keeperDir({}, 7)).to.equal(join(tmpdir(), 'tsplay-7'));
  });

  it('creates a missing directory with mode 0700 and accepts it', () => {
    const d = join(base, 'k');
    expect(checkKeeperDir(d, true, uid)).to.deep.equal({ ok: true });
    expect(statSync(d).mode & 0o777).to.equal(0o700);
    expect(checkKeeperDir(join(base, 'missing'), false, uid).ok, 'not created unless asked').to.equal(false);
  });

  it('refuses a directory group or others can reach', () => {
    const d = join(base, 'open');
    mkdirSync(d);
    for (const mode of [0o755, 0o710, 0o701, 0o770]) {
      chmodSync(d, mode);
      expect(checkKeeperDir(d, true, uid)).to.deep.equal({ ok: false, reason: `${d} has mode 0${mode.toString(8)}: group or others can reach it (0700 is needed)` });
    }
    chmodSync(d, 0o700);
    expect(checkKeeperDir(d, false, uid).ok).to.equal(true);
  });

  it("refuses another user's directory, a symbolic link and a file", () => {
    const d = join(base, 'theirs');
    mkdirSync(d, { mode: 0o700 });
    expect(checkKeeperDir(d, false, uid + 1)).to.deep.equal({ ok: false, reason: `${d} belongs to uid ${uid}, not to this user (uid ${uid + 1})` });
    const link = join(base, 'link');
    symlinkSync(d, link);
    expect(checkKeeperDir(link, true, uid)).to.deep.equal({ ok: false, reason: `${link} is a symbolic link` });
    const file = join(base, 'file');
    writeFileSync(file, '');
    expect(checkKeeperDir(file, true, uid)).to.deep.equal({ ok: false, reason: `${file} is not a directory` });
  });

  it('names a socket per build: another build of the CLI gets another keeper', () => {
    const a = join(base, 'a.js');
    writeFileSync(a, 'one');
    const first = keeperSocket('/k', a);
    expect(first).to.match(/^\/k\/keeper-[0-9a-f]{12}\.sock$/);
    expect(keeperSocket('/k', a)).to.equal(first);
    writeFileSync(a, 'other build');
    expect(keeperSocket('/k', a)).to.not.equal(first);
  });
});
