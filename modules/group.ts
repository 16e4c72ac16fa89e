// group: Ansible's group — a local group present (with a gid) or absent, through groupadd,
// groupmod and groupdel. The check reads the group's entry in one round trip.
import { ModuleError, defineModule, cmd, quote, raw, type ProbeOutput } from '../sdk/index.js';

interface Args {
  name: string;
  state: 'present' | 'absent';
  gid?: number;
  system: boolean;
  non_unique: boolean;
}

interface Plan {
  command: string;
}

/** The group's gid, or undefined when getent knows no such group. */
function parseEntry(out: string, code: number, name: string): number | undefined {
  if (code === 2) return undefined;
  if (code !== 0) throw new ModuleError(`cannot read the group ${name}: getent exited ${code}: ${out.trim()}`);
  const f = out.trim().split(':');
  if (f.length < 3 || !/^\d+$/.test(f[2]!)) throw new ModuleError(`cannot read the group ${name}: unexpected entry '${out.trim()}'`);
  return Number(f[2]);
}

export default defineModule<Args, Plan>({
  name: 'group',
  speculative: true,
  ansibleNames: ['ansible.builtin.group'],
  summary: "Add, change or remove a local group (Ansible's group)",
  description: [
    "Ansible's group: `state: present` adds the group (groupadd, with -g gid, -r for `system`,",
    '-o for `non_unique`) or changes its gid (groupmod -g); `state: absent` removes it (groupdel).',
    'The registered result holds name, state, gid and system, as in Ansible. Not supported:',
    "Ansible's `local` (lgroupadd from libuser).",
  ].join('\n'),
  schema: {
    type: 'object',
    additionalProperties: false,
    required: ['name'],
    properties: {
      name: { type: 'string', pattern: '^[A-Za-z_][A-Za-z0-9_.-]*\\$?$', description: 'The group name.' },
      state: { type: 'string', enum: ['present', 'absent'], default: 'present', description: 'Whether the group should exist.' },
      gid: { type: 'integer', minimum: 0, description: 'The group id.' },
      system: { type: 'boolean', default: false, description: 'A system group (groupadd -r) when it is created.' },
      non_unique: { type: 'boolean', default: false, description: 'Allow a gid another group has (groupadd/groupmod -o); needs gid.' },
    },
  },
  examples: ['- group:', '    name: pgbackup', '    gid: 1500', '- group:', '    name: oldgroup', '    state: absent'].join('\n'),
  probes: (a) => {
    if (a.non_unique && a.gid === undefined) throw new ModuleError('non_unique is True but all of the following are missing: gid');
    return { entry: raw(`getent group ${quote(a.name)}`) };
  },
  async check(_ctx, a, probed) {
    const r = probed.entry as ProbeOutput;
    const gid = parseEntry(r.out, r.rc, a.name);
    const result = (g: number | undefined) => ({ name: a.name, state: a.state, ...(g !== undefined ? { gid: g, system: a.system } : {}) });
    if (a.state === 'absent') {
      if (gid === undefined) return { changed: false, reason: `group ${a.name} does not exist`, result: result(undefined) };
      return { changed: true, description: `remove group ${a.name} (gid ${gid})`, plan: { command: cmd('groupdel', a.name) }, result: result(undefined) };
    }
    const unique = a.non_unique ? ['-o'] : [];
    if (gid === undefined) {
      const words = ['groupadd', ...(a.gid !== undefined ? ['-g', String(a.gid), ...unique] : []), ...(a.system ? ['-r'] : []), a.name];
      return { changed: true, description: `add group ${a.name}${a.gid !== undefined ? ` with gid ${a.gid}` : ''}`, plan: { command: cmd(...words) }, result: result(a.gid) };
    }
    if (a.gid !== undefined && a.gid !== gid) {
      return { changed: true, description: `group ${a.name}: gid ${gid} → ${a.gid}`, plan: { command: cmd('groupmod', '-g', String(a.gid), ...unique, a.name) }, result: result(a.gid) };
    }
    return { changed: false, reason: `group ${a.name} exists with gid ${gid}`, result: result(gid) };
  },
  async apply(ctx, a, change) {
    if (a.state === 'absent') {
      await ctx.run(change.plan!.command);
      return { result: { name: a.name, state: a.state } };
    }
    // The gid groupadd chose, read in the same round trip.
    const out = await ctx.run(`${change.plan!.command} && getent group ${quote(a.name)}`);
    const line = out.split('\n').find((l) => l.startsWith(`${a.name}:`));
    return { result: { name: a.name, state: a.state, ...(line ? { gid: parseEntry(line, 0, a.name) } : {}), system: a.system } };
  },
});
