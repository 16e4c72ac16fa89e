// File attributes shared by the file modules: one `stat` probe (GNU coreutils) and its parser,
// Ansible's mode handling (YAML integers, octal strings, symbolic modes such as u=rw,g=r,o=r),
// the comparison of owner/group/mode with what a task wants, and the script that sets them.
import { ModuleError } from '../engine/errors.js';
import { quote } from '../engine/shell.js';

export type PathKind = 'absent' | 'file' | 'directory' | 'link' | 'other';

export interface PathStat {
  kind: PathKind;
  /** Permission bits (07777). */
  perm: number;
  uid: number;
  gid: number;
  /** User and group names ("UNKNOWN" when the id has no name). */
  owner: string;
  group: string;
  nlink: number;
  inode: number;
  size: number;
  /** For a link: what it points to, and the stat of that target when it exists. */
  linkTarget?: string;
  target?: PathStat;
  /** The remote shell's umask, for new files and symbolic modes without a who part. */
  umask: number;
}

/** The attributes a task asks for; a mode may be an integer from YAML 1.1 (0644 → 420). */
export interface WantedAttrs {
  owner?: string;
  group?: string;
  mode?: string | number;
}

/** Owner/group/mode to set, with the mode resolved to an octal string. */
export interface ResolvedAttrs {
  owner?: string;
  group?: string;
  mode?: string;
}

/** JSON schema properties for owner/group/mode, shared by the file modules. */
export const attrSchema = {
  owner: { type: 'string', description: 'User that should own the file (name or uid).' },
  group: { type: 'string', description: 'Group that should own the file (name or gid).' },
  mode: {
    type: ['string', 'integer'],
    description:
      "Permissions: octal string ('0644'), symbolic (u=rw,g=r,o=r) or the integer YAML 1.1 makes of an unquoted 0644.",
  },
} as const;

const STAT_FORMAT = '%f %u %g %h %i %s %U %G';

/**
 * A sh snippet that describes `path`: a `stat` line (or `absent`), for a link a `link` line
 * with its target and a `target` stat line when the target exists, then the `umask`.
 */
export function statProbe(path: string): string {
  const p = quote(path);
  return (
    `if [ -L ${p} ] || [ -e ${p} ]; then stat -c 'stat ${STAT_FORMAT}' -- ${p}; ` +
    `if [ -L ${p} ]; then printf 'link %s\\n' "$(readlink -- ${p})"; ` +
    `if [ -e ${p} ]; then stat -L -c 'target ${STAT_FORMAT}' -- ${p}; fi; fi; ` +
    `else echo absent; fi; printf 'umask '; umask`
  );
}

function kindOf(rawMode: number): PathKind {
  switch (rawMode & 0o170000) {
    case 0o100000:
      return 'file';
    case 0o040000:
      return 'directory';
    case 0o120000:
      return 'link';
    default:
      return 'other';
  }
}

function parseStatLine(fields: string[], umask: number): PathStat {
  const [rawHex, uid, gid, nlink, inode, size, owner, group] = fields;
  const raw = parseInt(rawHex!, 16);
  return {
    kind: kindOf(raw),
    perm: raw & 0o7777,
    uid: Number(uid),
    gid: Number(gid),
    nlink: Number(nlink),
    inode: Number(inode),
    size: Number(size),
    owner: owner ?? '',
    group: group ?? '',
    umask,
  };
}

/** Parses the output of `statProbe`. */
export function parseStat(out: string): PathStat {
  const lines = out.split('\n');
  const umaskLine = lines.find((l) => l.startsWith('umask '));
  const umask = umaskLine ? parseInt(umaskLine.slice(6), 8) : 0o022;
  const statLine = lines.find((l) => l.startsWith('stat '));
  if (!statLine) {
    if (lines.includes('absent')) return { kind: 'absent', perm: 0, uid: -1, gid: -1, owner: '', group: '', nlink: 0, inode: 0, size: 0, umask };
    throw new ModuleError(`cannot stat: ${out.trim()}`);
  }
  const st = parseStatLine(statLine.split(' ').slice(1), umask);
  const link = lines.find((l) => l.startsWith('link '));
  if (link !== undefined) st.linkTarget = link.slice(5);
  const target = lines.find((l) => l.startsWith('target '));
  if (target) st.target = parseStatLine(target.split(' ').slice(1), umask);
  return st;
}

/** The stat of what a path designates: a link's target when following links. */
export function followed(st: PathStat, follow = true): PathStat {
  return follow && st.kind === 'link' && st.target ? { ...st.target, umask: st.umask } : st;
}

/** The permissions a new file or directory gets from the umask. */
export function defaultPerm(kind: 'file' | 'directory', umask: number): number {
  return (kind === 'directory' ? 0o777 : 0o666) & ~umask;
}

export const formatMode = (perm: number): string => perm.toString(8).padStart(4, '0');

/**
 * Normalizes a mode as Ansible reads it: an integer is the decimal value of the octal mode,
 * a string of octal digits is octal, anything else must be a symbolic mode (kept as is).
 */
export function normalizeMode(mode: string | number | undefined): string | undefined {
  if (mode === undefined) return undefined;
  if (typeof mode === 'number') {
    if (!Number.isInteger(mode) || mode < 0 || mode > 0o7777) throw new ModuleError(`Invalid mode supplied, only permission info is allowed: ${mode}`);
    return formatMode(mode);
  }
  if (/^[0-7]+$/.test(mode)) {
    const n = parseInt(mode, 8);
    if (n > 0o7777) throw new ModuleError(`Invalid mode supplied, only permission info is allowed: ${mode}`);
    return formatMode(n);
  }
  symbolicToPerm(mode, 0, false, 0o022);
  return mode;
}

export function isSymbolicMode(mode: string): boolean {
  return !/^[0-7]+$/.test(mode);
}

/** Resolves a (normalized) mode against the current permissions: Ansible's rules for symbolic modes. */
export function resolveMode(mode: string, currentPerm: number, isDir: boolean, umask: number): number {
  return isSymbolicMode(mode) ? symbolicToPerm(mode, currentPerm, isDir, umask) : parseInt(mode, 8);
}

/** Port of Ansible's AnsibleModule._symbolic_mode_to_octal. */
function symbolicToPerm(mode: string, prev: number, isDir: boolean, umask: number): number {
  const bad = () => new ModuleError(`mode must be in octal or symbolic form: bad symbolic permission for mode: ${mode}`);
  let perm = prev;
  for (const part of mode.split(',')) {
    const permList = part.split(/[+=-]/);
    const opers = part.match(/[+=-]/g) ?? [];
    let users = permList.shift()!;
    const useUmask = users === '';
    if (users === 'a' || users === '') users = 'ugo';
    if (/[^ugo]/.test(users)) throw bad();
    permList.forEach((perms, idx) => {
      if (/[^rwxXstugo]/.test(perms)) throw bad();
      for (const user of users) {
        const bits = symbolicPermBits(prev, isDir, user as 'u' | 'g' | 'o', perms, useUmask, umask);
        perm = applyOperation(user as 'u' | 'g' | 'o', opers[idx]!, bits, perm);
      }
    });
  }
  return perm;
}

function applyOperation(user: 'u' | 'g' | 'o', op: string, bits: number, current: number): number {
  if (op === '=') {
    const mask = user === 'u' ? 0o4700 : user === 'g' ? 0o2070 : 0o1007;
    return (current & (mask ^ 0o7777)) | bits;
  }
  if (op === '+') return current | bits;
  return current - (current & bits);
}

function symbolicPermBits(prev: number, isDir: boolean, user: 'u' | 'g' | 'o', perms: string, useUmask: boolean, umask: number): number {
  const applyX = isDir || (prev & 0o111) > 0;
  const rev = umask ^ 0o7777;
  const masked = (bit: number) => (useUmask ? rev & bit : bit);
  const shift = { u: 6, g: 3, o: 0 }[user];
  const table: Record<string, number> = {
    r: masked(0o4 << shift),
    w: masked(0o2 << shift),
    x: masked(0o1 << shift),
    X: applyX ? 0o1 << shift : 0,
    s: user === 'u' ? 0o4000 : user === 'g' ? 0o2000 : 0,
    t: user === 'o' ? 0o1000 : 0,
    // Copy another class's bits into this class's position.
    u: (((prev & 0o700) >> 6) << shift),
    g: (((prev & 0o070) >> 3) << shift),
    o: ((prev & 0o007) << shift),
  };
  let bits = 0;
  for (const p of perms) bits |= table[p]!;
  return bits;
}

/** Resolves wanted attributes against a stat (the file's current or default permissions). */
export function resolveAttrs(want: WantedAttrs, st: PathStat, kindIfAbsent: 'file' | 'directory' = 'file'): ResolvedAttrs {
  const mode = normalizeMode(want.mode);
  const exists = st.kind !== 'absent';
  const isDir = exists ? st.kind === 'directory' : kindIfAbsent === 'directory';
  const perm = exists ? st.perm : defaultPerm(kindIfAbsent, st.umask);
  return {
    owner: want.owner,
    group: want.group,
    mode: mode === undefined ? undefined : formatMode(resolveMode(mode, perm, isDir, st.umask)),
  };
}

const sameId = (want: string, name: string, id: number): boolean => (/^[0-9]+$/.test(want) ? Number(want) === id : want === name);

/** What differs between a path's attributes and the wanted ones, as "mode 0644 → 0600" lines. */
export function attrChanges(st: PathStat, want: ResolvedAttrs): string[] {
  if (st.kind === 'absent') return [];
  const out: string[] = [];
  if (want.owner !== undefined && !sameId(want.owner, st.owner, st.uid)) out.push(`owner ${st.owner} → ${want.owner}`);
  if (want.group !== undefined && !sameId(want.group, st.group, st.gid)) out.push(`group ${st.group} → ${want.group}`);
  if (want.mode !== undefined && parseInt(want.mode, 8) !== st.perm) out.push(`mode ${formatMode(st.perm)} → ${want.mode}`);
  return out;
}

export interface ApplyAttrsOptions {
  /** Change a link itself rather than its target (chown -h; its mode is left alone). */
  noFollow?: boolean;
  /** Apply to a whole tree (chown -R, chmod -R with the mode as given, symbolic modes included). */
  recurse?: boolean;
}

/** A sh command that sets owner, group and mode ('' when nothing is asked). */
export function applyAttrsScript(path: string, attrs: ResolvedAttrs, opts: ApplyAttrsOptions = {}): string {
  const p = quote(path);
  const flags = `${opts.recurse ? ' -R' : ''}${opts.noFollow ? ' -h' : ''}`;
  const cmds: string[] = [];
  if (attrs.owner !== undefined) cmds.push(`chown${flags} -- ${quote(attrs.owner)} ${p}`);
  if (attrs.group !== undefined) cmds.push(`chgrp${flags} -- ${quote(attrs.group)} ${p}`);
  if (attrs.mode !== undefined && !opts.noFollow) cmds.push(`chmod${opts.recurse ? ' -R' : ''} -- ${quote(attrs.mode)} ${p}`);
  return cmds.join(' && ');
}
