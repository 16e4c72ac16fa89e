// Where the connection keeper's socket lives, and the checks before it is used: a directory
// that only its owner can reach is what keeps other users away from the kept connections (a
// unix socket has no password), so a directory that is a link, another user's, or open to
// group or others is refused, and the run connects directly.
import { createHash } from 'node:crypto';
import { lstatSync, mkdirSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BUILD_DIR } from '../install-paths.js';

/** $TSPLAY_KEEPER_DIR, else $XDG_RUNTIME_DIR/tsplay (a per-user tmpfs), else $TMPDIR/tsplay-UID. */
export function keeperDir(env: NodeJS.ProcessEnv = process.env, uid = process.getuid?.() ?? 0): string {
  if (env.TSPLAY_KEEPER_DIR) return env.TSPLAY_KEEPER_DIR;
  if (env.XDG_RUNTIME_DIR) return join(env.XDG_RUNTIME_DIR, 'tsplay');
  return join(tmpdir(), `tsplay-${uid}`);
}

export type DirVerdict = { ok: true } | { ok: false; reason: string };

/** Checks (and with `create`, makes) the keeper's directory: a real directory, ours, mode 0700 or stricter. */
export function checkKeeperDir(dir: string, create: boolean, uid = process.getuid?.() ?? 0): DirVerdict {
  let st;
  try {
    st = lstatSync(dir);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT' || !create) return { ok: false, reason: `${dir}: ${(e as Error).message}` };
    try {
      mkdirSync(dir, { mode: 0o700 });
    } catch (made) {
      // Another run made it meanwhile: it is checked below like any other.
      if ((made as NodeJS.ErrnoException).code !== 'EEXIST') return { ok: false, reason: `cannot create ${dir}: ${(made as Error).message}` };
    }
    return checkKeeperDir(dir, false, uid);
  }
  if (st.isSymbolicLink()) return { ok: false, reason: `${dir} is a symbolic link` };
  if (!st.isDirectory()) return { ok: false, reason: `${dir} is not a directory` };
  if (st.uid !== uid) return { ok: false, reason: `${dir} belongs to uid ${st.uid}, not to this user (uid ${uid})` };
  const mode = st.mode & 0o777;
  if (mode & 0o077) return { ok: false, reason: `${dir} has mode 0${mode.toString(8)}: group or others can reach it (0700 is needed)` };
  return { ok: true };
}

/** The CLI that serves as the keeper (`tsplay keeper serve`): this build's, bundled or not. */
export const KEEPER_ENTRY = join(BUILD_DIR, 'cli', 'main.js');

/**
 * The socket of this build's keeper: each build and Node has its own, so a keeper left by
 * another checkout or an older build never serves this one (it ends when idle).
 */
export function keeperSocket(dir: string, entry = KEEPER_ENTRY): string {
  let stamp = '';
  try {
    const st = statSync(entry);
    stamp = `${st.mtimeMs}:${st.size}`;
  } catch {
    // no such build: the spawn fails and the run connects directly
  }
  const id = createHash('sha256').update(`${entry}\0${stamp}\0${process.execPath}\0${process.version}`).digest('hex').slice(0, 12);
  return join(dir, `keeper-${id}.sock`);
}
