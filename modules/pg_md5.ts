// pg_md5: pgpool-II's password entries, as `pg_md5 --md5auth` (pool_passwd) and `pg_md5` (for
// pcp.conf) make them. The hash is computed on the controller, so the password never reaches the
// host, and the file is read and rewritten atomically, keeping its owner and mode.
import { ModuleError, attrChanges, attrSchema, defineModule, fileProbes, remoteFileOf, resolveAttrs, type ResolvedAttrs } from '../sdk/index.js';
import { md5Hex } from './lib/pg-password.js';

type Format = 'pool_passwd' | 'pcp';

interface Args {
  path?: string;
  format: Format;
  user: string;
  password: string;
  owner?: string;
  group?: string;
  mode?: string | number;
}

interface Plan {
  path: string;
  content: string;
  attrs: ResolvedAttrs;
}

const DEFAULT_PATH: Record<Format, string> = {
  pool_passwd: '/etc/pgpool2/pool_passwd',
  pcp: '/etc/pgpool2/pcp.conf',
};

/** A new file holds password hashes: readable by its owner only unless a mode is given. */
const NEW_FILE_MODE = '0600';

/** The line pgpool expects: pool_passwd `user:md5` + md5(password+user); pcp.conf `user:` + md5(password). */
export function entryLine(format: Format, user: string, password: string): string {
  return format === 'pool_passwd' ? `${user}:md5${md5Hex(password + user)}` : `${user}:${md5Hex(password)}`;
}

/** Hashes shown in diffs are masked: they are not the password, but they need not be shown either. */
export function maskHashes(text: string): string {
  return text.replace(/^([^#\n:][^:\n]*):(md5)?[0-9a-f]{32}$/gm, (_m, user: string, md5?: string) => `${user}:${md5 ?? ''}********`);
}

/** The file with the user's entry set: its first line replaced (later duplicates dropped), or appended; unchanged when right. */
export function withEntry(content: string, user: string, line: string): string {
  const lines = content === '' ? [] : content.replace(/\n$/, '').split('\n');
  const isUser = (l: string) => !l.startsWith('#') && l.includes(':') && l.slice(0, l.indexOf(':')) === user;
  const mine = lines.filter(isUser);
  if (mine.length === 1 && mine[0] === line) return content;
  const first = lines.findIndex(isUser);
  if (first === -1) return [...lines, line].join('\n') + '\n';
  return lines.flatMap((l, i) => (i === first ? [line] : isUser(l) ? [] : [l])).join('\n') + '\n';
}

export default defineModule<Args, Plan>({
  name: 'pg_md5',
  speculative: true,
  summary: "pgpool-II password entries: pool_passwd (user:md5…) and pcp.conf (user:md5hash)",
  description:
    'Sets one user\'s entry in pgpool-II\'s pool_passwd (`user:md5` + md5(password+user), what ' +
    '`pg_md5 --md5auth -u user` writes) or pcp.conf (`user:` + md5(password), the manual\'s ' +
    '`pg_md5 -p` output appended as USER:MD5PASSWORD). The hash is computed on the controller; check ' +
    'reads the file and compares the stored hash; apply replaces the user\'s line or appends it and ' +
    'writes the file atomically, keeping its owner and mode (a new file gets mode 0600 unless mode ' +
    'is given). Hashes are masked in diffs.',
  schema: {
    type: 'object',
    additionalProperties: false,
    required: ['user', 'password'],
    properties: {
      path: { type: 'string', description: 'The file (default /etc/pgpool2/pool_passwd, or /etc/pgpool2/pcp.conf for format pcp).' },
      format: { type: 'string', enum: ['pool_passwd', 'pcp'], default: 'pool_passwd', description: 'pool_passwd: user:md5<md5(password+user)>; pcp: user:<md5(password)>.' },
      user: { type: 'string', minLength: 1, pattern: '^[^:\\n#][^:\\n]*$', description: 'User name (no colon).' },
      password: { type: 'string', minLength: 1, description: 'Password (secret): only its hash reaches the host.' },
      ...attrSchema,
    },
  },
  aliases: { dest: 'path', username: 'user' },
  secrets: ['password'],
  examples: `- name: pcp user (pool_passwd, as pg_md5 --md5auth)
  pg_md5:
    user: root
    password: "{{ pcp_password }}"
- name: and in pcp.conf
  pg_md5:
    format: pcp
    user: root
    password: "{{ pcp_password }}"`,

  probes: (a) => fileProbes(a.path ?? DEFAULT_PATH[a.format]),
  async check(_ctx, a, probed) {
    const path = a.path ?? DEFAULT_PATH[a.format];
    const file = remoteFileOf(probed, path);
    if (file.stat.kind !== 'absent' && !file.content) throw new ModuleError(`pg_md5: ${path} is not a regular file`);
    const before = file.content?.toString('utf8') ?? '';
    const line = entryLine(a.format, a.user, a.password);
    const after = withEntry(before, a.user, line);
    const attrs = resolveAttrs({ owner: a.owner, group: a.group, mode: a.mode ?? (file.stat.kind === 'absent' ? NEW_FILE_MODE : undefined) }, file.stat);
    const attrDiffs = attrChanges(file.stat, attrs);
    const plan = { path, content: after, attrs };
    if (after === before && attrDiffs.length === 0) return { changed: false, reason: `${path}: entry of ${a.user} has the hash of this password` };
    const existing = before.split('\n').some((l) => l.startsWith(`${a.user}:`));
    const what =
      after === before
        ? attrDiffs.join(', ')
        : `${file.stat.kind === 'absent' ? 'create it with' : existing ? 'replace' : 'append'} the entry of ${a.user}${attrDiffs.length ? `; ${attrDiffs.join(', ')}` : ''}`;
    const diffs = maskHashes(before) === maskHashes(after) ? [] : [{ path, before: maskHashes(before), after: maskHashes(after) }];
    return { changed: true, description: `${path}: would ${what}`, diffs, plan };
  },

  async apply(ctx, _a, change) {
    const { path, content, attrs } = change.plan!;
    await ctx.writeFile(path, content, attrs);
  },
});
