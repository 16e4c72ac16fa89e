// fetch: Ansible's fetch — a remote file copied to the controller, to DEST/HOST/PATH (or to
// DEST itself with `flat`). The check reads the remote file's sha1 (one round trip) and compares
// it with the local copy's; apply reads the bytes, verifies them and writes the local file
// atomically (temp file beside it, renamed).
import { createHash } from 'node:crypto';
import { existsSync, lstatSync, mkdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { basename, dirname, isAbsolute, join, normalize, relative, resolve } from 'node:path';
import { ModuleError, type ModuleContext, defineModule, probe, quote, type Probed } from '../sdk/index.js';

interface Args {
  src: string;
  dest: string;
  flat: boolean;
  fail_on_missing: boolean;
  validate_checksum: boolean;
}

interface Plan {
  source: string;
  dest: string;
  remoteChecksum: string;
}

const sha1 = (b: Buffer): string => createHash('sha1').update(b).digest('hex');
const md5 = (b: Buffer): string => createHash('md5').update(b).digest('hex');

/** The remote path with a leading ~ expanded (the host's $HOME), as Ansible's _remote_expand_user. */
function remotePath(src: string, home: string): string {
  if (src === '~') return home;
  if (src.startsWith('~/')) return `${home}${src.slice(1)}`;
  return src;
}

function probes(src: string) {
  // `~` is expanded by the host's shell: $HOME is only known there.
  const p = src === '~' ? '"$HOME"' : src.startsWith('~/') ? `"$HOME"${quote(src.slice(1))}` : quote(src);
  return {
    home: probe('printf %s "$HOME"', (o) => o.out.replace(/\n$/, '')),
    kind: probe(`if [ -d ${p} ]; then echo dir; elif [ ! -e ${p} ]; then echo absent; elif [ ! -r ${p} ]; then echo unreadable; else echo file; fi`, (o) => o.out.trim()),
    sum: probe(`if [ -e ${p} ] && [ ! -d ${p} ] && [ -r ${p} ]; then sha1sum < ${p}; fi`, (o) => (o.rc === 0 ? o.out.split(' ')[0]!.trim() : '')),
  };
}

/** Where the file goes on the controller (Ansible's rules for flat and DEST/HOST/PATH). */
export function localDest(a: Args, source: string, host: string, playbookDir: string): string {
  const dwim = (p: string) => (isAbsolute(p) ? p : resolve(playbookDir, p));
  if (a.flat) {
    let dest = a.dest;
    if (existsSync(dest) && statSync(dest).isDirectory() && !dest.endsWith('/')) {
      throw new ModuleError('dest is an existing directory, use a trailing slash if you want to fetch src into that directory');
    }
    if (dest.endsWith('/')) dest = join(dest, basename(source));
    return normalize(dwim(dest));
  }
  const root = dwim(a.dest);
  const dest = normalize(`${root}/${host}/${source}`);
  // A source with ../ must not put the file outside DEST/HOST.
  const rel = relative(join(root, host), dest);
  if (rel.startsWith('..') || isAbsolute(rel)) throw new ModuleError(`fetch: ${source} would be written outside ${join(root, host)}`);
  return dest;
}

function localSum(path: string): { sha1: string; md5: string } | undefined {
  try {
    if (!statSync(path).isFile()) return undefined;
    const b = readFileSync(path);
    return { sha1: sha1(b), md5: md5(b) };
  } catch {
    return undefined;
  }
}

/** Temp file beside the target, then rename: a crash leaves the old copy or the new one. */
function writeLocal(dest: string, bytes: Buffer): void {
  mkdirSync(dirname(dest), { recursive: true });
  if (existsSync(dest) && lstatSync(dest).isDirectory()) throw new ModuleError(`Failed to fetch the file: ${dest} is a directory`);
  const tmp = join(dirname(dest), `.${basename(dest)}.tsplay-${process.pid}-${Date.now()}`);
  writeFileSync(tmp, bytes, { flag: 'wx', mode: 0o644 });
  try {
    renameSync(tmp, dest);
  } catch (e) {
    rmSync(tmp, { force: true });
    throw new ModuleError(`Failed to fetch the file: ${(e as Error).message}`);
  }
}

async function check(ctx: ModuleContext, a: Args, probed: Record<string, unknown>) {
  const got = probed as Probed<ReturnType<typeof probes>>;
  const source = remotePath(a.src, got.home);
  const notThere = (msg: string) => {
    if (a.fail_on_missing) throw new ModuleError(msg, { file: source });
    return { changed: false as const, reason: msg, result: { file: source, msg } };
  };
  if (got.kind === 'dir') {
    const msg = 'remote file is a directory, fetch cannot work on directories';
    if (a.fail_on_missing) throw new ModuleError(msg);
    return { changed: false as const, reason: `${msg}, not transferring, ignored`, result: { msg: `${msg}, not transferring, ignored` } };
  }
  if (got.kind === 'absent') return notThere('the remote file does not exist, not transferring, ignored');
  if (got.kind === 'unreadable' || !got.sum) return notThere(`file is not readable: ${source}`);
  const host = typeof ctx.vars.inventory_hostname === 'string' ? ctx.vars.inventory_hostname : ctx.host;
  const playbookDir = typeof ctx.vars.playbook_dir === 'string' ? ctx.vars.playbook_dir : ctx.baseDir;
  const dest = localDest(a, source, host, playbookDir);
  const local = localSum(dest);
  if (local?.sha1 === got.sum) {
    return { changed: false as const, reason: `${dest} is the same as ${source}`, result: { md5sum: local.md5, file: source, dest, checksum: local.sha1 } };
  }
  return {
    changed: true as const,
    description: `${local ? 'update' : 'create'} ${dest} from ${source}`,
    plan: { source, dest, remoteChecksum: got.sum },
    result: { dest, remote_checksum: got.sum },
  };
}

export default defineModule<Args, Plan>({
  name: 'fetch',
  speculative: true,
  ansibleNames: ['ansible.builtin.fetch'],
  summary: "Copy a file from the host to the controller (Ansible's fetch)",
  description: [
    "Ansible's fetch: the remote file `src` is copied to the controller, to DEST/HOSTNAME/SRC",
    '(one folder per inventory host), or with `flat: true` to DEST itself (DEST ending in / is',
    "a folder to put the file in). A relative dest is relative to the playbook's folder. The",
    "check compares the remote file's SHA-1 with the local copy's in one round trip; apply",
    'reads the bytes (base64), verifies their SHA-1 (`validate_checksum`) and writes the local',
    'file atomically. A missing remote file fails unless `fail_on_missing: false`. Unlike',
    "Ansible's, it works in check mode (it then only says what it would fetch), and a `src` with",
    '../ cannot put a file outside DEST/HOSTNAME.',
  ].join('\n'),
  aliases: { validate_md5: 'validate_checksum' },
  schema: {
    type: 'object',
    additionalProperties: false,
    required: ['src', 'dest'],
    properties: {
      src: { type: 'string', minLength: 1, description: 'The remote file (not a folder).' },
      dest: { type: 'string', minLength: 1, description: 'The controller folder (or file, with flat) to copy it to.' },
      flat: { type: 'boolean', default: false, description: 'Write to dest itself, not DEST/HOSTNAME/SRC.' },
      fail_on_missing: { type: 'boolean', default: true, description: 'Fail when the remote file is missing or unreadable.' },
      validate_checksum: { type: 'boolean', default: true, description: 'Verify the copy against the remote SHA-1 (alias: validate_md5).' },
    },
  },
  examples: [
    '- fetch:',
    '    src: /etc/postgresql/15/main/postgresql.conf',
    '    dest: fetched/',
    '- fetch:',
    '    src: /var/lib/postgresql/.ssh/id_ed25519.pub',
    '    dest: "keys/{{ inventory_hostname }}.pub"',
    '    flat: true',
  ].join('\n'),
  probes: (a) => probes(a.src),
  check,
  async apply(ctx, a, change) {
    const plan = change.plan!;
    const p = plan.source;
    const bytes = Buffer.from(await ctx.run(`base64 < ${quote(p)}`), 'base64');
    const got = sha1(bytes);
    if (a.validate_checksum && got !== plan.remoteChecksum) {
      throw new ModuleError('checksum mismatch', { file: plan.source, dest: plan.dest, checksum: got, remote_checksum: plan.remoteChecksum, remote_md5sum: null });
    }
    writeLocal(plan.dest, bytes);
    return { result: { md5sum: md5(bytes), dest: plan.dest, remote_md5sum: null, checksum: got, remote_checksum: plan.remoteChecksum } };
  },
});
