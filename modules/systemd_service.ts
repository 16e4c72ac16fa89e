// systemd_service: Ansible's systemd_service (systemd) — the service module's started/stopped/
// restarted/reloaded and enabled, plus masked, daemon_reload and daemon_reexec, through
// systemctl. One probe reads every property of the unit (`systemctl show`, registered as
// `status` as Ansible does) and its boot state.
import { ModuleError, defineModule, quote, raw, type ProbeOutput, type ProbeSet } from '../sdk/index.js';
import { INIT_PROBE, isSystemd } from './lib/init-system.js';

interface Args {
  name?: string;
  state?: 'started' | 'stopped' | 'restarted' | 'reloaded';
  enabled?: boolean;
  masked?: boolean;
  daemon_reload: boolean;
  daemon_reexec: boolean;
  no_block: boolean;
  force?: boolean;
}

interface Plan {
  commands: string[];
}

/** `systemctl is-enabled` answers meaning "starts at boot". */
const ENABLED = new Set(['enabled', 'enabled-runtime', 'static', 'indirect', 'generated', 'alias', 'linked', 'linked-runtime']);
const MASKED = new Set(['masked', 'masked-runtime']);

/** `systemctl show` output: Key=Value lines (values may hold '='). */
export function parseShow(out: string): Record<string, string> {
  const props: Record<string, string> = {};
  for (const line of out.split('\n')) {
    const i = line.indexOf('=');
    if (i > 0) props[line.slice(0, i)] = line.slice(i + 1);
  }
  return props;
}

export default defineModule<Args, Plan>({
  name: 'systemd_service',
  speculative: true,
  ansibleNames: ['systemd', 'ansible.builtin.systemd', 'ansible.builtin.systemd_service'],
  summary: "Control a systemd unit: state, enabled, masked, daemon-reload (Ansible's systemd_service)",
  description: [
    "Ansible's systemd_service (alias systemd): `state` started/stopped (compared with the",
    'ActiveState) or restarted/reloaded (actions), `enabled` and `masked` (compared with',
    '`systemctl is-enabled`), `daemon_reload` / `daemon_reexec` before anything else. The',
    "registered result holds name, state, enabled and `status`, every property of `systemctl",
    "show`, as Ansible's does. Needs systemd as PID 1 (the `service` module also drives init",
    'scripts). Differs from Ansible: daemon_reload and daemon_reexec are actions reported as',
    "changes (tsplay's check only reads the host, so a reload runs only as part of a change);",
    'system units only (no `scope: user`).',
  ].join('\n'),
  aliases: { service: 'name', unit: 'name', 'daemon-reload': 'daemon_reload', 'daemon-reexec': 'daemon_reexec' },
  schema: {
    type: 'object',
    additionalProperties: false,
    properties: {
      name: { type: 'string', minLength: 1, pattern: '^[A-Za-z0-9@_.:+\\\\-]+$', description: 'The unit, such as postgresql@15-main or pgpool2.service (aliases: service, unit).' },
      state: { enum: ['started', 'stopped', 'restarted', 'reloaded'], description: 'started/stopped: running or not; restarted/reloaded: actions.' },
      enabled: { type: 'boolean', description: 'Whether the unit starts at boot.' },
      masked: { type: 'boolean', description: 'Whether the unit is masked (cannot be started at all).' },
      daemon_reload: { type: 'boolean', default: false, description: 'Run systemctl daemon-reload first (alias: daemon-reload).' },
      daemon_reexec: { type: 'boolean', default: false, description: 'Run systemctl daemon-reexec first (alias: daemon-reexec).' },
      no_block: { type: 'boolean', default: false, description: 'Do not wait for start/stop jobs to finish (systemctl --no-block).' },
      force: { type: 'boolean', description: 'systemctl --force for enable/disable/mask (overrides existing links).' },
    },
  },
  examples: [
    '- systemd_service:',
    '    name: postgresql@15-main',
    '    state: restarted',
    '    daemon_reload: true',
    '- systemd:',
    '    name: unattended-upgrades',
    '    enabled: false',
    '    masked: true',
  ].join('\n'),

  probes(a): ProbeSet {
    if (a.name === undefined && !a.daemon_reload && !a.daemon_reexec) throw new ModuleError('systemd_service: give name (with state, enabled or masked), daemon_reload or daemon_reexec');
    if (a.name !== undefined && a.state === undefined && a.enabled === undefined && a.masked === undefined && !a.daemon_reload && !a.daemon_reexec) {
      throw new ModuleError('one of the following is required: state, enabled, masked, daemon_reload, daemon_reexec');
    }
    const n = a.name !== undefined ? quote(a.name) : '';
    return { init: raw(INIT_PROBE), ...(a.name !== undefined ? { show: raw(`systemctl show -- ${n}`), enabled: raw(`systemctl is-enabled -- ${n} 2>&1; true`) } : {}) };
  },
  async check(ctx, a, probed) {
    const n = a.name !== undefined ? quote(a.name) : '';
    const out = probed as Partial<Record<'init' | 'show' | 'enabled', ProbeOutput>>;
    if (!isSystemd(out.init?.out)) throw new ModuleError(`systemd_service: systemd is not running on ${ctx.host} (use the service module for init scripts)`);
    const commands: string[] = [];
    const changes: string[] = [];
    const unchanged: string[] = [];
    let run = false;
    if (a.daemon_reexec) {
      commands.push('systemctl daemon-reexec');
      changes.push('daemon-reexec');
      run = true;
    }
    if (a.daemon_reload) {
      commands.push('systemctl daemon-reload');
      changes.push('daemon-reload');
      run = true;
    }
    if (a.name === undefined) return { changed: true, description: changes.join('; '), plan: { commands }, kind: 'run' };
    const status = parseShow(out.show?.out ?? '');
    const bootState = (out.enabled?.out ?? '').trim().split('\n')[0]!.trim();
    const force = a.force ? ' --force' : '';
    const noBlock = a.no_block ? ' --no-block' : '';
    const masked = MASKED.has(bootState);
    const found = status.LoadState !== 'not-found' || masked;
    if (a.masked !== undefined) {
      if (masked === a.masked) unchanged.push(`${a.name} ${masked ? 'masked' : 'not masked'}`);
      else {
        commands.push(`systemctl${force} ${a.masked ? 'mask' : 'unmask'} -- ${n}`);
        changes.push(`${a.masked ? 'mask' : 'unmask'} ${a.name}`);
      }
    }
    // A unit being unmasked or reloaded into existence is found by the commands before.
    if (!found && !a.daemon_reload && a.masked !== false) throw new ModuleError(`Could not find the requested service ${a.name}: systemd has no such unit on ${ctx.host}`);
    const willBeMasked = a.masked ?? masked;
    if (a.enabled !== undefined) {
      const enabledNow = ENABLED.has(bootState);
      if (enabledNow === a.enabled && !willBeMasked) unchanged.push(`${a.name} ${a.enabled ? 'enabled' : 'disabled'} at boot (${bootState})`);
      else if (a.enabled && willBeMasked) throw new ModuleError(`systemd_service: ${a.name} is masked: it cannot be enabled (masked: false unmasks it)`);
      else if (enabledNow !== a.enabled) {
        if (['static', 'indirect', 'generated', 'alias', 'transient', 'enabled-runtime', 'linked-runtime'].includes(bootState)) {
          throw new ModuleError(`systemd_service: ${a.name} is ${bootState}: systemctl cannot ${a.enabled ? 'enable' : 'disable'} it`);
        }
        commands.push(`systemctl${force} ${a.enabled ? 'enable' : 'disable'} -- ${n}`);
        changes.push(`${a.enabled ? 'enable' : 'disable'} ${a.name} at boot`);
      } else unchanged.push(`${a.name} disabled at boot (${bootState})`);
    }
    const running = ['active', 'reloading', 'activating'].includes(status.ActiveState ?? '');
    const start = (action: string) => `systemctl${noBlock} ${action} -- ${n}`;
    switch (a.state) {
      case 'started':
      case 'stopped': {
        const want = a.state === 'started';
        if (want && willBeMasked) throw new ModuleError(`systemd_service: ${a.name} is masked: it cannot be started (masked: false unmasks it)`);
        if (running === want) unchanged.push(`${a.name} is ${running ? 'running' : 'stopped'}`);
        else {
          commands.push(start(want ? 'start' : 'stop'));
          changes.push(`${want ? 'start' : 'stop'} ${a.name}`);
        }
        break;
      }
      case 'restarted':
      case 'reloaded':
        run = true;
        commands.push(start(!running ? 'start' : a.state === 'restarted' ? 'restart' : 'reload'));
        changes.push(!running ? `start ${a.name} (was stopped)` : `${a.state === 'restarted' ? 'restart' : 'reload'} ${a.name}`);
        break;
    }
    const result = { name: a.name, state: running ? 'started' : 'stopped', enabled: ENABLED.has(bootState), status };
    if (!commands.length) return { changed: false, reason: unchanged.join('; '), result };
    return { changed: true, description: changes.join('; '), plan: { commands }, ...(run ? { kind: 'run' as const } : {}), result };
  },

  async apply(ctx, _a, change) {
    await ctx.run(change.plan!.commands.join(' && '));
  },
});
