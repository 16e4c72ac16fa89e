// POSIX ACL entries as getfacl prints them ("default:user:postgres:r-x	#effective:r--"),
// parsing of `getfacl -p` output (one block per file) and normalization of permissions.
import { ModuleError } from '../../sdk/index.js';

export type AclType = 'user' | 'group' | 'mask' | 'other';

export interface AclEntry {
  default: boolean;
  type: AclType;
  /** '' for the owner/owning group and for mask/other. */
  qualifier: string;
  /** Always three characters: r, w, x or - in that order. */
  perms: string;
}

export interface AclBlock {
  file: string;
  entries: AclEntry[];
}

/** "rx", "r-x", "5" → "r-x". */
export function normalizePerms(perms: string): string {
  const p = perms.trim();
  if (/^[0-7]$/.test(p)) {
    const n = Number(p);
    return `${n & 4 ? 'r' : '-'}${n & 2 ? 'w' : '-'}${n & 1 ? 'x' : '-'}`;
  }
  if (!/^[rwx-]{0,3}$/.test(p) || new Set(p.replace(/-/g, '')).size !== p.replace(/-/g, '').length) {
    throw new ModuleError(`setfacl: invalid permissions '${perms}' (use letters r, w, x such as 'rx', or one octal digit)`);
  }
  return `${p.includes('r') ? 'r' : '-'}${p.includes('w') ? 'w' : '-'}${p.includes('x') ? 'x' : '-'}`;
}

/** getfacl escapes special characters of file names as \ooo octal. */
function unescapeName(name: string): string {
  return name.replace(/\\([0-7]{3})/g, (_, o: string) => String.fromCharCode(parseInt(o, 8))).replace(/\\\\/g, '\\');
}

function parseEntry(line: string): AclEntry | undefined {
  const text = line.split(/\s+#/)[0]!.trim();
  const m = /^(default:)?(user|group|mask|other):([^:]*):([rwx-]{3})$/.exec(text);
  if (!m) return undefined;
  return { default: !!m[1], type: m[2] as AclType, qualifier: m[3]!, perms: m[4]! };
}

/** Parses `getfacl -p` output with its "# file:" headers; errors for lines getfacl prints on stderr. */
export function parseGetfacl(out: string): AclBlock[] {
  const blocks: AclBlock[] = [];
  let current: AclBlock | undefined;
  for (const line of out.split('\n')) {
    const header = /^# file: (.*)$/.exec(line);
    if (header) {
      current = { file: unescapeName(header[1]!), entries: [] };
      blocks.push(current);
      continue;
    }
    if (!current || line.startsWith('#')) continue;
    const e = parseEntry(line);
    if (e) current.entries.push(e);
  }
  return blocks;
}

export function formatEntry(e: Omit<AclEntry, 'perms'> & { perms?: string }): string {
  return `${e.default ? 'default:' : ''}${e.type}:${e.qualifier}${e.perms === undefined ? '' : `:${e.perms}`}`;
}

export function sameEntry(a: Omit<AclEntry, 'perms'>, b: Omit<AclEntry, 'perms'>): boolean {
  return a.default === b.default && a.type === b.type && a.qualifier === b.qualifier;
}

/** The entry text setfacl takes: u:postgres:r-x (the default flag travels as -d). */
export function setfaclSpec(e: Omit<AclEntry, 'perms' | 'default'> & { perms?: string }): string {
  const letter = { user: 'u', group: 'g', mask: 'm', other: 'o' }[e.type];
  return `${letter}:${e.qualifier}${e.perms === undefined ? '' : `:${e.perms}`}`;
}
