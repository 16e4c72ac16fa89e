// hostname: the host's name, both the persistent one (/etc/hostname) and the running one
// (the kernel's, `hostname`). hostnamectl sets both when systemd runs the host; elsewhere the
// file is written atomically and hostname(1) sets the running name.
import { ModuleError, cmd, defineModule, raw, type ProbeOutput } from '../sdk/index.js';
import { INIT_PROBE, isSystemd } from './lib/init-system.js';

interface Args {
  name: string;
}

interface Plan {
  useHostnamectl: boolean;
  writeFile: boolean;
  setRunning: boolean;
}

const HOSTNAME = /^(?=.{1,253}$)[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$/;

/** The name in /etc/hostname: its first line that is not a comment. */
function fileName(content: string): string {
  return content.split('\n').map((l) => l.trim()).find((l) => l && !l.startsWith('#')) ?? '';
}

export default defineModule<Args, Plan>({
  name: 'hostname',
  speculative: true,
  summary: "Set the host's name (/etc/hostname and the running name)",
  description:
    'The manual\'s `hostnamectl set-hostname NAME`. "No change" when both /etc/hostname and the running name ' +
    '(uname -n) already are NAME. With systemd as PID 1 and hostnamectl present, hostnamectl sets both; otherwise ' +
    '/etc/hostname is written atomically and `hostname NAME` sets the running name. /etc/hosts is not touched ' +
    '(a file_line task maps the name to an address).',
  schema: {
    type: 'object',
    additionalProperties: false,
    required: ['name'],
    properties: {
      name: { type: 'string', description: 'The host name (letters, digits, hyphens; dots separate labels).' },
    },
  },
  examples: '- hostname: {name: master}',

  probes: (args) => {
    if (!HOSTNAME.test(args.name)) throw new ModuleError(`hostname: invalid host name '${args.name}'`);
    return {
      init: raw(INIT_PROBE),
      running: raw('uname -n'),
      file: raw('cat /etc/hostname 2>/dev/null; true'),
      hostnamectl: raw('command -v hostnamectl; true'),
    };
  },
  async check(_ctx, args, probed) {
    const out = probed as Record<'init' | 'running' | 'file' | 'hostnamectl', ProbeOutput>;
    const running = (out.running?.out ?? '').trim();
    const fileContent = out.file?.out ?? '';
    const inFile = fileName(fileContent);
    if (running === args.name && inFile === args.name) {
      return { changed: false, reason: `host name is ${args.name}`, result: { name: args.name } };
    }
    const plan: Plan = {
      useHostnamectl: isSystemd(out.init?.out) && (out.hostnamectl?.out ?? '').trim() !== '',
      writeFile: inFile !== args.name,
      setRunning: running !== args.name,
    };
    const parts: string[] = [];
    if (plan.setRunning) parts.push(`running name ${running || '(none)'} → ${args.name}`);
    if (plan.writeFile) parts.push(`/etc/hostname ${inFile || '(empty)'} → ${args.name}`);
    return {
      changed: true,
      description: parts.join('; '),
      diffs: plan.writeFile ? [{ path: '/etc/hostname', before: fileContent, after: `${args.name}\n` }] : [],
      plan,
      result: { name: args.name },
    };
  },

  async apply(ctx, args, change) {
    const plan = change.plan!;
    if (plan.useHostnamectl) {
      await ctx.run(cmd('hostnamectl', 'set-hostname', args.name));
      return { result: { name: args.name } };
    }
    if (plan.writeFile) await ctx.writeFile('/etc/hostname', `${args.name}\n`, { mode: '0644' });
    if (plan.setRunning) await ctx.run(cmd('hostname', args.name));
    return { result: { name: args.name } };
  },
});
