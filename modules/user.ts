// user: a local user account, as Ansible's user module (the subset the manual needs).
// Its probes read the passwd entry, the group memberships, which wanted groups exist, and
// whether the shadow hash equals the wanted one (compared by digest on the host); the hash
// itself travels only on stdin (set with `chpasswd -e`), never in a command line, a message or
// a result.
import { createHash } from 'node:crypto';
import { ModuleError, defineModule, quote, raw, type ProbeOutput, type ProbeSet } from '../sdk/index.js';

interface Args {
  name: string;
  state: 'present' | 'absent';
  password?: string;
  update_password: 'always' | 'on_create';
  groups?: string | string[];
  append: boolean;
  shell?: string;
  home?: string;
  create_home: boolean;
  system: boolean;
  uid?: number;
  comment?: string;
}

interface Plan {
  /** useradd/usermod/userdel command, if any. */
  command?: string;
  setPassword: boolean;
}

interface Passwd {
  uid: number;
  gid: number;
  comment: string;
  home: string;
  shell: string;
}

function parsePasswd(line: string): Passwd | undefined {
  const f = line.trim().split(':');
  if (f.length < 7) return undefined;
  return { uid: Number(f[2]), gid: Number(f[3]), comment: f[4]!, home: f[5]!, shell: f[6]! };
}

function groupList(groups: string | string[] | undefined): string[] | undefined {
  if (groups === undefined) return undefined;
  const list = (Array.isArray(groups) ? groups : groups.split(',')).map((g) => String(g).trim()).filter(Boolean);
  return [...new Set(list)];
}

function probes(args: Args): ProbeSet {
  if (args.password !== undefined && !/^\$[0-9a-z]+\$|^[!*]/.test(args.password)) {
    throw new ModuleError(`user: password for ${args.name} must be a crypt(3) hash such as $6$salt$… or $y$…, not clear text`);
  }
  const groups = groupList(args.groups);
  const n = quote(args.name);
  const p: ProbeSet = {};
  if (args.password !== undefined) {
    // Neither hash leaves its side: the host compares the sha256 of its shadow entry's hash with
    // the sha256 of the wanted one (a digest of a salted hash: the command line may show it).
    const want = createHash('sha256').update(`${args.password}\n`).digest('hex');
    p.password = raw(
      `if ! cur=$(getent shadow ${n}); then echo nouser; ` +
        `elif [ "$(printf '%s\\n' "$cur" | cut -d: -f2 | sha256sum | cut -d' ' -f1)" = ${want} ]; then echo same; else echo differs; fi`,
    );
  }
  p.passwd = raw(`getent passwd ${n}`);
  p.primary = raw(`id -gn ${n} 2>/dev/null; true`);
  p.all = raw(`id -Gn ${n} 2>/dev/null; true`);
  if (groups?.length) p.missing = raw(`for g in ${groups.map(quote).join(' ')}; do getent group "$g" >/dev/null || echo "$g"; done`);
  return p;
}

export default defineModule<Args, Plan>({
  name: 'user',
  speculative: true,
  summary: 'Manage a local user account (password hash, groups, shell, home)',
  description:
    'Like Ansible\'s user module. `usermod -a -G shadow postgres` is {name: postgres, groups: [shadow], append: true}. ' +
    'password is a crypt(3) hash (such as from `openssl passwd -6`), compared with the /etc/shadow entry on the host and ' +
    'set with `chpasswd -e` through stdin: it never appears in a command line, a message or the result. ' +
    'Without append, groups is the exact list of supplementary groups. An existing home is not moved.',
  schema: {
    type: 'object',
    additionalProperties: false,
    required: ['name'],
    properties: {
      name: { type: 'string', pattern: '^[a-z_][a-z0-9_.-]*\\$?$', description: 'User name.' },
      state: { enum: ['present', 'absent'], default: 'present', description: 'present: the account exists; absent: removed (userdel; the home is kept).' },
      password: { type: 'string', description: 'Password as a crypt(3) hash ($6$…, $y$…). Secret: never printed.' },
      update_password: {
        enum: ['always', 'on_create'],
        default: 'always',
        description: 'always: set the hash whenever it differs; on_create: only for a new user.',
      },
      groups: {
        anyOf: [{ type: 'string' }, { type: 'array', items: { type: 'string' } }],
        description: 'Supplementary groups: a list or a comma-separated string; an empty list removes all (without append).',
      },
      append: { type: 'boolean', default: false, description: 'Add the groups to the current ones instead of setting exactly them.' },
      shell: { type: 'string', description: 'Login shell.' },
      home: { type: 'string', description: 'Home directory (set for an existing user; not moved).' },
      create_home: { type: 'boolean', default: true, description: 'Create the home directory for a new user.' },
      system: { type: 'boolean', default: false, description: 'Create a system account (only for a new user).' },
      uid: { type: 'integer', minimum: 0, description: 'User id.' },
      comment: { type: 'string', description: 'The GECOS field (full name).' },
    },
  },
  secrets: ['password'],
  examples: `# usermod -a -G shadow postgres
- user: {name: postgres, groups: [shadow], append: true}
# passwd postgres (with a hash made beforehand)
- user: {name: postgres, password: "{{ postgres_password_hash }}"}`,

  probes,
  async check(ctx, args, probed) {
    const groups = groupList(args.groups);
    const out = probed as Partial<Record<'password' | 'passwd' | 'primary' | 'all' | 'missing', ProbeOutput>>;
    const entry = out.passwd?.rc === 0 ? parsePasswd(out.passwd.out) : undefined;
    const n = quote(args.name);

    if (args.state === 'absent') {
      if (!entry) return { changed: false, reason: `user ${args.name} does not exist` };
      return { changed: true, description: `remove user ${args.name}`, plan: { command: `userdel ${n}`, setPassword: false } };
    }

    const missing = (out.missing?.out ?? '').split('\n').map((g) => g.trim()).filter(Boolean);
    if (missing.length) throw new ModuleError(`user: group(s) ${missing.join(', ')} do not exist on ${ctx.host} (create them first)`);
    const pw = (out.password?.out ?? '').trim();
    if (args.password !== undefined && entry && pw === 'nouser') {
      throw new ModuleError(`user: cannot read the shadow entry of ${args.name} on ${ctx.host} (reading /etc/shadow needs root: become)`);
    }

    if (!entry) {
      const words = ['useradd'];
      if (args.system) words.push('-r');
      if (args.uid !== undefined) words.push('-u', String(args.uid));
      if (args.shell !== undefined) words.push('-s', quote(args.shell));
      if (args.home !== undefined) words.push('-d', quote(args.home));
      words.push(args.create_home ? '-m' : '-M');
      if (args.comment !== undefined) words.push('-c', quote(args.comment));
      if (groups?.length) words.push('-G', quote(groups.join(',')));
      words.push(n);
      return {
        changed: true,
        description: `create user ${args.name}${groups?.length ? ` in groups ${groups.join(', ')}` : ''}${args.password !== undefined ? ', with password' : ''}`,
        plan: { command: words.join(' '), setPassword: args.password !== undefined },
      };
    }

    const changes: string[] = [];
    const flags: string[] = [];
    if (args.uid !== undefined && args.uid !== entry.uid) {
      flags.push('-u', String(args.uid));
      changes.push(`uid ${entry.uid} → ${args.uid}`);
    }
    if (args.shell !== undefined && args.shell !== entry.shell) {
      flags.push('-s', quote(args.shell));
      changes.push(`shell ${entry.shell} → ${args.shell}`);
    }
    if (args.home !== undefined && args.home !== entry.home) {
      flags.push('-d', quote(args.home));
      changes.push(`home ${entry.home} → ${args.home}`);
    }
    if (args.comment !== undefined && args.comment !== entry.comment) {
      flags.push('-c', quote(args.comment));
      changes.push(`comment '${entry.comment}' → '${args.comment}'`);
    }
    const primary = (out.primary?.out ?? '').trim();
    const current = (out.all?.out ?? '').trim().split(/\s+/).filter((g) => g && g !== primary);
    if (groups !== undefined) {
      const wanted = groups.filter((g) => g !== primary);
      if (args.append) {
        const add = wanted.filter((g) => !current.includes(g));
        if (add.length) {
          flags.push('-a', '-G', quote(add.join(',')));
          changes.push(`add to groups ${add.join(', ')}`);
        }
      } else if (wanted.length !== current.length || wanted.some((g) => !current.includes(g))) {
        flags.push('-G', quote(wanted.join(',')));
        changes.push(`groups ${current.join(',') || '(none)'} → ${wanted.join(',') || '(none)'}`);
      }
    }
    const setPassword = args.password !== undefined && args.update_password === 'always' && pw !== 'same';
    if (setPassword) changes.push('set password');

    const result = { name: args.name, uid: entry.uid, home: entry.home, shell: entry.shell, groups: current };
    if (!changes.length) {
      const what = [`uid ${entry.uid}`, `home ${entry.home}`, `shell ${entry.shell}`];
      if (groups !== undefined) what.push(`groups ${current.join(',') || '(none)'}`);
      if (args.password !== undefined) what.push(pw === 'same' ? 'password set' : 'password kept (update_password: on_create)');
      return { changed: false, reason: `user ${args.name} exists (${what.join(', ')})`, result };
    }
    return {
      changed: true,
      description: `user ${args.name}: ${changes.join('; ')}`,
      plan: { command: flags.length ? `usermod ${flags.join(' ')} ${n}` : undefined, setPassword },
      result,
    };
  },

  async apply(ctx, args, change) {
    const plan = change.plan!;
    if (plan.command) await ctx.run(plan.command);
    if (plan.setPassword) {
      await ctx.run('chpasswd -e', { stdin: `${args.name}:${args.password}\n`, secrets: [args.password!] });
    }
  },
});
