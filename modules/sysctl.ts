// sysctl: ansible.posix.sysctl — a kernel parameter in a sysctl file (default /etc/sysctl.conf),
// reloaded with `sysctl -p FILE`, and with `sysctl_set` also in the running kernel. The file and
// the running value are read in one round trip; the file is written atomically.
import { ModuleError, type ApplyResult, type CheckResult, type ModuleContext, defineModule, cmd, quote, diffText, fileProbes, raw, remoteFileOf, type ProbeSet } from '../sdk/index.js';

interface Args {
  name: string;
  value?: string | number | boolean;
  state: 'present' | 'absent';
  ignoreerrors: boolean;
  reload: boolean;
  sysctl_file: string;
  sysctl_set: boolean;
}

interface Plan {
  content?: string;
  /** The running value differs: sysctl -w. */
  setProc: boolean;
  value: string;
}

const TRUE = ['y', 'yes', 'on', '1', 'true', 't'];
const FALSE = ['n', 'no', 'off', '0', 'false', 'f'];

/** ansible.posix.sysctl's _parse_value: booleans become 1/0, text is stripped. */
export function parseValue(v: string | number | boolean | undefined): string {
  if (v === undefined) return '';
  if (typeof v === 'boolean') return v ? '1' : '0';
  const s = String(v);
  if (TRUE.includes(s.toLowerCase())) return '1';
  if (FALSE.includes(s.toLowerCase())) return '0';
  return s.trim();
}

/** Equal up to whitespace (tabs and runs of spaces), as the kernel prints some values. */
export const sameValue = (a: string, b: string): boolean => a.replace(/\t/g, ' ').split(/\s+/).filter(Boolean).join(' ') === b.replace(/\t/g, ' ').split(/\s+/).filter(Boolean).join(' ');

const isSetting = (line: string): boolean => {
  const t = line.trim();
  return t !== '' && !t.startsWith('#') && !t.startsWith(';') && line.includes('=');
};

/** The file's value of each key (the last one wins, as sysctl -p applies them). */
export function fileValues(text: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const line of text.split(/(?<=\n)/)) {
    if (!isSetting(line)) continue;
    const t = line.trim();
    const i = t.indexOf('=');
    out.set(t.slice(0, i).trim(), t.slice(i + 1).trim());
  }
  return out;
}

/** ansible.posix.sysctl's fix_lines: settings rewritten as key=value, a key kept once, the wanted one set or removed. */
export function fixLines(text: string, name: string, value: string, present: boolean): string {
  const seen = new Set<string>();
  const out: string[] = [];
  for (const line of text.split(/(?<=\n)/).filter((l) => l !== '')) {
    if (!isSetting(line)) {
      out.push(line);
      continue;
    }
    const t = line.trim();
    const i = t.indexOf('=');
    const k = t.slice(0, i).trim();
    const v = t.slice(i + 1).trim();
    if (seen.has(k)) continue;
    seen.add(k);
    if (k === name) {
      if (present) out.push(`${k}=${value}\n`);
    } else out.push(`${k}=${v}\n`);
  }
  if (!seen.has(name) && present) out.push(`${name}=${value}\n`);
  return out.join('');
}

/** The value to set; a task that gives none with state=present is refused before any read. */
function wantedValue(a: Args): string {
  if (a.state === 'present' && a.value === undefined) throw new ModuleError('value is required with state=present');
  const value = parseValue(a.value);
  if (a.state === 'present' && value === '') throw new ModuleError('value cannot be empty with state=present');
  return value;
}

function probes(a: Args): ProbeSet {
  wantedValue(a);
  return { ...fileProbes(a.sysctl_file), ...(a.sysctl_set ? { proc: raw(`sysctl -e -n ${quote(a.name)}`) } : {}) };
}

async function check(_ctx: ModuleContext, a: Args, probed: Record<string, unknown>): Promise<CheckResult<Plan>> {
  const value = wantedValue(a);
  const file = remoteFileOf(probed, a.sysctl_file);
  if (file.stat.kind === 'directory') throw new ModuleError(`${a.sysctl_file} is a directory`);
  const before = file.content?.toString('utf8') ?? '';
  const current = fileValues(before).get(a.name);
  const present = a.state === 'present';
  const fileChanges = present ? current === undefined || !sameValue(current, value) : current !== undefined;
  let setProc = false;
  if (a.sysctl_set && present) {
    const proc = probed.proc as { out: string; rc: number } | undefined;
    if (!proc || proc.rc !== 0 || proc.out.trim() === '') {
      if (!a.ignoreerrors) throw new ModuleError(`setting ${a.name} failed: unknown key (sysctl -n ${a.name}: ${proc?.out.trim() || 'no output'})`);
    } else setProc = !sameValue(proc.out.trim(), value);
  }
  if (!fileChanges && !setProc) return { changed: false, reason: `${a.name} is ${present ? value : 'absent'} in ${a.sysctl_file}${a.sysctl_set ? ' and in the kernel' : ''}` };
  const after = fileChanges ? fixLines(before, a.name, value, present) : undefined;
  const what = [
    ...(fileChanges ? [present ? `${a.name}=${value} in ${a.sysctl_file}${current !== undefined ? ` (was ${current})` : ''}` : `remove ${a.name} from ${a.sysctl_file}`] : []),
    ...(setProc ? [`set ${a.name}=${value} in the running kernel`] : []),
  ];
  return {
    changed: true,
    description: what.join('; '),
    diffs: after !== undefined ? [{ path: a.sysctl_file, before: diffText(file.content), after: diffText(Buffer.from(after)) }] : undefined,
    plan: { content: after, setProc, value },
  };
}

async function apply(ctx: ModuleContext, a: Args, plan: Plan): Promise<ApplyResult> {
  if (plan.setProc) {
    const r = await ctx.exec(cmd('sysctl', '-w', `${a.name}=${plan.value}`));
    if ((r.code !== 0 || r.stderr.trim()) && !a.ignoreerrors) throw new ModuleError(`setting ${a.name} failed: ${(r.stderr || r.stdout).trim()}`);
  }
  if (plan.content !== undefined) {
    await ctx.writeFile(a.sysctl_file, plan.content);
    if (a.reload) {
      const r = await ctx.exec(cmd('sysctl', '-p', a.sysctl_file));
      if ((r.code !== 0 || r.stderr.trim()) && !a.ignoreerrors) throw new ModuleError(`Failed to reload sysctl: ${(r.stderr || r.stdout).trim()}`);
    }
  }
  return {};
}

export default defineModule<Args, Plan>({
  name: 'sysctl',
  speculative: true,
  ansibleNames: ['ansible.posix.sysctl'],
  summary: 'Set a kernel parameter in a sysctl file and reload it (ansible.posix.sysctl)',
  description: [
    "ansible.posix.sysctl: `name=value` in `sysctl_file` (default /etc/sysctl.conf), compared up",
    'to whitespace; booleans and yes/no become 1/0. As in Ansible, a changed file is rewritten',
    'with each setting as key=value (comments and blank lines kept, a key kept once) and then',
    'applied with `sysctl -p FILE` (`reload`); `sysctl_set: true` also compares the running',
    'value (`sysctl -n`) and sets it with `sysctl -w`. `state: absent` removes the line (the',
    'running value stays). `ignoreerrors` ignores unknown keys and failed reloads. The file is',
    'read with the running value in one round trip and written atomically (mode kept).',
  ].join('\n'),
  aliases: { key: 'name', val: 'value' },
  schema: {
    type: 'object',
    additionalProperties: false,
    required: ['name'],
    properties: {
      name: { type: 'string', minLength: 1, description: 'The parameter, such as vm.swappiness (alias: key).' },
      value: { type: ['string', 'number', 'boolean'], description: 'Its value (alias: val); required with state=present.' },
      state: { type: 'string', enum: ['present', 'absent'], default: 'present', description: 'Whether the setting is in the file.' },
      ignoreerrors: { type: 'boolean', default: false, description: 'Ignore unknown keys and failed reloads.' },
      reload: { type: 'boolean', default: true, description: 'Run sysctl -p FILE after a change of the file.' },
      sysctl_file: { type: 'string', minLength: 1, default: '/etc/sysctl.conf', description: 'The file the setting lives in.' },
      sysctl_set: { type: 'boolean', default: false, description: 'Also compare and set the running value (sysctl -w).' },
    },
  },
  examples: [
    '- sysctl:',
    '    name: vm.overcommit_memory',
    "    value: '2'",
    '    sysctl_file: /etc/sysctl.d/30-postgresql.conf',
    '    sysctl_set: true',
  ].join('\n'),
  probes,
  check,
  apply: (ctx, args, change) => apply(ctx, args, change.plan!),
});
