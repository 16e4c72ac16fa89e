// setfacl: one POSIX ACL entry present or absent on a path (and, recursively, on everything
// below it), with ansible.posix.acl's arguments. Change detection compares getfacl's output
// with the wanted entry: every file concerned must carry it with exactly these permissions.
import { ModuleError, defineModule, probe, quote, type Probe } from '../sdk/index.js';
import { type AclBlock, type AclEntry, type AclType, formatEntry, normalizePerms, parseGetfacl, sameEntry, setfaclSpec } from './lib/acl.js';

interface Args {
  path: string;
  entity: string;
  etype?: AclType;
  permissions?: string;
  default: boolean;
  recursive: boolean;
  state?: 'present' | 'absent' | 'query';
  follow: boolean;
}

interface Plan {
  command: string;
}

function wantedEntry(args: Args, state: 'present' | 'absent'): AclEntry {
  if (!args.etype) throw new ModuleError(`setfacl: 'etype' must be set when state=${state}`);
  if ((args.etype === 'mask' || args.etype === 'other') && args.entity) {
    throw new ModuleError(`setfacl: etype ${args.etype} takes no entity (got '${args.entity}')`);
  }
  if (state === 'absent' && args.permissions !== undefined) throw new ModuleError("setfacl: 'permissions' must not be set when state=absent");
  if (state === 'absent' && !args.entity && args.etype !== 'mask') {
    throw new ModuleError("setfacl: 'entity' must be set when state=absent (the owner's, group's and other's entries cannot be removed)");
  }
  if (state === 'present' && args.permissions === undefined) throw new ModuleError("setfacl: 'permissions' must be set when state=present");
  return {
    default: args.default,
    type: args.etype,
    qualifier: args.entity,
    perms: state === 'present' ? normalizePerms(args.permissions!) : '',
  };
}

/**
 * The getfacl command that lists every file the matching setfacl touches: -R walks like
 * setfacl -R (symlinks below the path skipped); default ACLs exist on directories only, so a
 * recursive default entry is compared on the directories, as `setfacl -R -d` sets it there.
 */
function getfaclCommand(args: Args, numeric: boolean): string {
  const p = quote(args.path);
  const opts = `-p${numeric ? ' -n' : ''}${args.follow ? '' : ' -P'}`;
  if (args.recursive && args.default) return `LC_ALL=C find ${args.follow ? '-H' : '-P'} ${p} -type d -exec getfacl ${opts} -- {} +`;
  return `LC_ALL=C getfacl ${opts}${args.recursive ? ' -R' : ''} -- ${p}`;
}

/** What getfacl printed (its errors among the lines), parsed into one block per file. */
interface Acls {
  blocks: AclBlock[];
  rc: number;
  out: string;
}

const aclProbe = (args: Args): Probe<Acls> => probe(getfaclCommand(args, /^[0-9]+$/.test(args.entity)), (o) => ({ blocks: parseGetfacl(o.out), ...o }));

/** The state the task asks for; a contradictory task is refused before any read. */
function stateOf(args: Args): 'present' | 'absent' | 'query' {
  const state = args.state ?? (args.permissions !== undefined ? 'present' : 'query');
  if (state === 'query' && args.recursive) throw new ModuleError("setfacl: 'recursive' must not be set when state=query");
  if (state !== 'query') wantedEntry(args, state);
  return state;
}

function below(args: Args, count: number): string {
  const n = count - 1;
  if (!args.recursive || n < 1) return args.path;
  return `${args.path} and ${n} ${args.default ? (n === 1 ? 'directory' : 'directories') : n === 1 ? 'file' : 'files'} below`;
}

export default defineModule<Args, Plan>({
  name: 'setfacl',
  speculative: true,
  ansibleNames: ['acl', 'ansible.posix.acl'],
  summary: 'Set or remove one POSIX ACL entry (ansible.posix.acl)',
  description:
    'Ansible\'s acl module: `setfacl -d -m u:postgres:r DIR` is {path: DIR, entity: postgres, etype: user, ' +
    'permissions: r, default: true, state: present}; `-R` is recursive: true. The check reads getfacl (recursively ' +
    'with recursive) in one command: "no change" only when every file concerned has the entry with exactly these ' +
    'permissions (present) or none has it (absent). setfacl recalculates the mask as it does by default. ' +
    'state defaults to query (read the ACL into the result), or to present when permissions is given.',
  schema: {
    type: 'object',
    additionalProperties: false,
    required: ['path'],
    properties: {
      path: { type: 'string', minLength: 1, description: 'The file or directory whose ACL is managed.' },
      entity: { type: 'string', default: '', description: 'User or group name (or numeric id) the entry is for; empty for the owner, mask and other.' },
      etype: { enum: ['user', 'group', 'mask', 'other'], description: 'The entry type.' },
      permissions: {
        type: 'string',
        description: "Permissions of the entry: any of r, w, x ('rx', 'r-x') or one octal digit. Required with state present.",
      },
      default: { type: 'boolean', default: false, description: 'Manage the default ACL (inherited by new files in a directory) instead of the access ACL.' },
      recursive: { type: 'boolean', default: false, description: 'Apply to the path and everything below it (setfacl -R); with default, to every directory.' },
      state: {
        enum: ['present', 'absent', 'query'],
        description: 'present: the entry is set with these permissions; absent: removed; query: only read the ACL. Default: present when permissions is given, else query.',
      },
      follow: { type: 'boolean', default: true, description: 'Follow a symlinked path (false: setfacl/getfacl -P, physical walk).' },
    },
  },
  aliases: { name: 'path' },
  examples: `# setfacl -d -m u:postgres:r /etc/parsec/macdb
- setfacl: {path: /etc/parsec/macdb, entity: postgres, etype: user, permissions: r, default: true, state: present}
# setfacl -R -m u:postgres:r /etc/parsec/macdb
- setfacl: {path: /etc/parsec/macdb, entity: postgres, etype: user, permissions: r, recursive: true, state: present}`,

  probes: (args) => {
    stateOf(args);
    return { acl: aclProbe(args) };
  },
  async check(ctx, args, probed) {
    const state = stateOf(args);
    const { blocks, rc, out } = probed.acl as Acls;
    if (rc !== 0) {
      const errors = out.split('\n').filter((l) => l && !l.startsWith('#') && !/^(default:)?(user|group|mask|other):/.test(l)).join('\n');
      if (rc === 127 || /getfacl: (command )?not found|'getfacl': No such file/.test(errors)) {
        throw new ModuleError(`setfacl: getfacl is not installed on ${ctx.host} (install the acl package)`);
      }
      if (/No such file or directory/.test(errors)) throw new ModuleError(`setfacl: path not found: ${args.path}`);
      throw new ModuleError(`setfacl: getfacl failed on ${args.path}: ${errors.trim()}`);
    }

    if (state === 'query') {
      const acl = (blocks[0]?.entries ?? []).map((e) => formatEntry(e));
      return { changed: false, reason: `current ACL of ${args.path}: ${acl.join(', ') || '(none)'}`, result: { acl } };
    }

    const want = wantedEntry(args, state);
    const acl = (blocks[0]?.entries ?? []).map((e) => formatEntry(e));
    const entryText = formatEntry(want);
    const flags = `${args.recursive ? ' -R' : ''}${args.follow ? '' : ' -P'}${args.default ? ' -d' : ''}`;

    if (state === 'present') {
      const wrong = blocks.filter((b) => !b.entries.some((e) => sameEntry(e, want) && e.perms === want.perms));
      if (!wrong.length) return { changed: false, reason: `${entryText} already set on ${below(args, blocks.length)}`, result: { acl } };
      const first = wrong[0]!;
      const was = first.entries.find((e) => sameEntry(e, want));
      const where = wrong.length === 1 ? first.file : `${wrong.length} of ${blocks.length} files under ${args.path} (first: ${first.file})`;
      return {
        changed: true,
        description: `set ${entryText} on ${where}${was ? ` (was ${was.perms})` : ''}`,
        plan: { command: `setfacl${flags} -m ${quote(setfaclSpec(want))} -- ${quote(args.path)}` },
        result: { acl },
      };
    }

    const holding = blocks.filter((b) => b.entries.some((e) => sameEntry(e, want)));
    const absentText = formatEntry({ ...want, perms: undefined });
    if (!holding.length) return { changed: false, reason: `no ${absentText} entry on ${below(args, blocks.length)}`, result: { acl } };
    const where = holding.length === 1 ? holding[0]!.file : `${holding.length} of ${blocks.length} files under ${args.path}`;
    return {
      changed: true,
      description: `remove ${absentText} from ${where}`,
      plan: { command: `setfacl${flags} -x ${quote(setfaclSpec({ ...want, perms: undefined }))} -- ${quote(args.path)}` },
      result: { acl },
    };
  },

  async apply(ctx, _args, change) {
    await ctx.run(change.plan!.command);
  },
});
