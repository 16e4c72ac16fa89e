// authorized_key: public keys present in (or absent from) a user's authorized_keys, like
// ansible.posix.authorized_key. One probe resolves the user's home (getent passwd) and reads
// the folder's and the file's attributes and the file itself; the new file is written
// atomically, owned by the user with mode 0600 (manage_dir: true).
import { ModuleError, applyAttrsScript, attrChanges, defineModule, parseStat, quote, raw, statProbe, type ProbeOutput, type ProbeSet } from '../sdk/index.js';
import { type KeyLine, formatKeyLine, parseKeyLine, satisfies } from './lib/ssh-keys.js';

interface Args {
  user: string;
  key: string | string[];
  state: 'present' | 'absent';
  path?: string;
  manage_dir: boolean;
  exclusive: boolean;
}

interface Plan {
  path: string;
  dir: string;
  group: string;
  /** mkdir/chown/chmod of the folder. */
  fixDir: boolean;
  /** New content; undefined when only attributes change. */
  content?: string;
  fixFile: boolean;
}

function wantedKeys(key: string | string[]): KeyLine[] {
  const lines = (Array.isArray(key) ? key : [key]).flatMap((k) => String(k).split('\n')).map((l) => l.trim()).filter((l) => l && !l.startsWith('#'));
  if (!lines.length) throw new ModuleError('authorized_key: key is empty');
  return lines.map((l) => {
    const k = parseKeyLine(l);
    if (!k) throw new ModuleError(`authorized_key: not a public key line: ${l.length > 60 ? `${l.slice(0, 60)}…` : l}`);
    return k;
  });
}

/** The file and folder as paths relative to the home (~/…, the default) or absolute. */
function locate(path: string | undefined): { rel: boolean; file: string } {
  if (path === undefined) return { rel: true, file: '.ssh/authorized_keys' };
  if (path.startsWith('~/')) return { rel: true, file: path.slice(2) };
  if (!path.startsWith('/')) throw new ModuleError(`authorized_key: path must be absolute or start with ~/: ${path}`);
  return { rel: false, file: path };
}

function parentOf(path: string): string {
  const i = path.lastIndexOf('/');
  return i < 0 ? '.' : i === 0 ? '/' : path.slice(0, i);
}

/** The new file content and what changes, or undefined when it stays as it is. */
function newContent(current: string, wanted: KeyLine[], args: Args): { text: string; summary: string } | undefined {
  const lines = current === '' ? [] : current.replace(/\n$/, '').split('\n');
  const parsed = lines.map((l) => parseKeyLine(l));
  const has = (w: KeyLine) => parsed.findIndex((p) => p?.blob === w.blob);
  const count = (n: number, what: string) => (n ? [`${what} ${n} key${n === 1 ? '' : 's'}`] : []);
  let out: string[];
  let summary: string[];
  if (args.state === 'absent') {
    out = lines.filter((_, i) => !wanted.some((w) => parsed[i]?.blob === w.blob));
    summary = count(lines.length - out.length, 'remove');
  } else {
    const added = wanted.filter((w) => has(w) < 0).length;
    const replaced = wanted.filter((w) => has(w) >= 0 && !satisfies(parsed[has(w)]!, w)).length;
    if (args.exclusive) {
      out = wanted.map((w) => (has(w) >= 0 && satisfies(parsed[has(w)]!, w) ? lines[has(w)]! : formatKeyLine(w)));
      const kept = new Set(wanted.map((w) => w.blob));
      summary = [...count(added, 'add'), ...count(replaced, 'replace'), ...count(parsed.filter((p) => p && !kept.has(p.blob)).length, 'remove')];
    } else {
      out = [...lines];
      for (const w of wanted) {
        const i = has(w);
        if (i < 0) out.push(formatKeyLine(w));
        else if (!satisfies(parsed[i]!, w)) out[i] = formatKeyLine(w);
      }
      summary = [...count(added, 'add'), ...count(replaced, 'replace')];
    }
  }
  const text = out.length ? `${out.join('\n')}\n` : '';
  if (text === (lines.length ? `${lines.join('\n')}\n` : '')) return undefined;
  return { text, summary: summary.join(', ') || 'rewrite' };
}

export default defineModule<Args, Plan>({
  name: 'authorized_key',
  speculative: true,
  ansibleNames: ['ansible.posix.authorized_key'],
  summary: "Add or remove SSH public keys in a user's authorized_keys",
  description:
    'Like ansible.posix.authorized_key; with delegate_to it builds the manual\'s key mesh (ssh-copy-id). A key is ' +
    'identified by its blob: an existing line with other options, or another comment when the key line names one, ' +
    'is replaced. exclusive: the file holds exactly the given keys. With manage_dir, ~/.ssh is created 0700 and the ' +
    'file is owned by the user with mode 0600.',
  schema: {
    type: 'object',
    additionalProperties: false,
    required: ['user', 'key'],
    properties: {
      user: { type: 'string', minLength: 1, description: 'The user whose authorized_keys is managed.' },
      key: {
        anyOf: [{ type: 'string' }, { type: 'array', items: { type: 'string' } }],
        description: 'One or more public key lines ("ssh-rsa AAAA… comment", options allowed), as a list or one per line.',
      },
      state: { enum: ['present', 'absent'], default: 'present', description: 'Whether the keys are in the file.' },
      path: { type: 'string', description: "The file (default: ~USER/.ssh/authorized_keys; '~/' is the user's home)." },
      manage_dir: { type: 'boolean', default: true, description: "Create the file's folder (mode 0700, owned by the user) and set the file's owner and mode 0600." },
      exclusive: { type: 'boolean', default: false, description: 'Remove every other key from the file.' },
    },
  },
  examples: `# ssh-copy-id -i /var/lib/postgresql/.ssh/id_rsa.pub postgres@slave
- authorized_key:
    user: postgres
    key: "{{ pg_key.public_key }} postgres@{{ inventory_hostname }}"
  delegate_to: slave`,

  probes(args): ProbeSet {
    // Lines that are not public keys are refused before any read.
    wantedKeys(args.key);
    const where = locate(args.path);
    const u = quote(args.user);
    // Relative paths are read from the home; a missing home reads as an absent file.
    const inPlace = (probe: string, missing = 'echo absent') =>
      where.rel ? `( cd "$(getent passwd ${u} | cut -d: -f6)" 2>/dev/null || { ${missing}; exit 0; }; ${probe} )` : probe;
    return {
      passwd: raw(`getent passwd ${u}`),
      group: raw(`id -gn ${u}`),
      dir: raw(inPlace(statProbe(parentOf(where.file)))),
      file: raw(inPlace(statProbe(where.file))),
      content: raw(inPlace(`if [ -f ${quote(where.file)} ]; then cat -- ${quote(where.file)}; fi`, 'true')),
    };
  },
  async check(ctx, args, probed) {
    const wanted = wantedKeys(args.key);
    const where = locate(args.path);
    const out = probed as Record<'passwd' | 'group' | 'dir' | 'file' | 'content', ProbeOutput>;
    if (out.passwd.rc !== 0) throw new ModuleError(`authorized_key: no user ${args.user} on ${ctx.host}`);
    const home = out.passwd.out.trim().split(':')[5] ?? '';
    const group = (out.group?.out ?? '').trim();
    const path = where.rel ? `${home.replace(/\/$/, '')}/${where.file}` : where.file;
    const dir = parentOf(path);
    const dirStat = parseStat(out.dir?.out ?? '');
    const fileStat = parseStat(out.file?.out ?? '');
    if (fileStat.kind !== 'absent' && fileStat.kind !== 'file' && !(fileStat.kind === 'link' && fileStat.target?.kind === 'file')) {
      throw new ModuleError(`authorized_key: ${path} is not a regular file`);
    }
    const current = out.content?.out ?? '';
    const content = newContent(current, wanted, args);
    const changes: string[] = [];
    const plan: Plan = { path, dir, group, fixDir: false, content: content?.text, fixFile: false };
    const owned = { owner: args.user, group };

    if (args.manage_dir && args.state === 'present') {
      if (dirStat.kind === 'absent') {
        plan.fixDir = true;
        changes.push(`create ${dir} (0700)`);
      } else {
        const d = attrChanges(dirStat, { ...owned, mode: '0700' });
        if (d.length) {
          plan.fixDir = true;
          changes.push(`${dir}: ${d.join(', ')}`);
        }
      }
    } else if (content && dirStat.kind === 'absent') {
      throw new ModuleError(`authorized_key: folder ${dir} does not exist (manage_dir is false)`);
    }
    if (content) changes.push(`${path}: ${content.summary}`);
    if (args.manage_dir && fileStat.kind !== 'absent') {
      const f = attrChanges(fileStat.kind === 'link' ? fileStat.target! : fileStat, { ...owned, mode: '0600' });
      if (f.length) {
        plan.fixFile = true;
        changes.push(`${path}: ${f.join(', ')}`);
      }
    }
    if (!changes.length) {
      const keys = wanted.length === 1 ? 'key' : `${wanted.length} keys`;
      return { changed: false, reason: args.state === 'absent' ? `${keys} not in ${path}` : `${keys} already in ${path}` };
    }
    return {
      changed: true,
      description: changes.join('; '),
      diffs: plan.content !== undefined ? [{ path, before: current, after: plan.content }] : [],
      plan,
    };
  },

  async apply(ctx, args, change) {
    const plan = change.plan!;
    const owned = { owner: args.user, group: plan.group };
    if (plan.fixDir) await ctx.run(`mkdir -p -- ${quote(plan.dir)} && ${applyAttrsScript(plan.dir, { ...owned, mode: '0700' })}`);
    if (plan.content !== undefined) {
      await ctx.writeFile(plan.path, plan.content, args.manage_dir ? { ...owned, mode: '0600' } : {});
    } else if (plan.fixFile) {
      await ctx.run(applyAttrsScript(plan.path, { ...owned, mode: '0600' }));
    }
  },
});
