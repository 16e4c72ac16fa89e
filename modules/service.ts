// service: a system service running or stopped, enabled at boot or not. Under systemd
// (PID 1) through systemctl; elsewhere through service(8)/the /etc/init.d script and
// update-rc.d. One probe reads both the running state and the boot-time state.
import { ModuleError, defineModule, quote, raw, type ProbeOutput, type ProbeSet } from '../sdk/index.js';
import { INIT_PROBE, isSystemd } from './lib/init-system.js';

interface Args {
  name: string;
  state?: 'started' | 'stopped' | 'restarted' | 'reloaded';
  enabled?: boolean;
}

interface Plan {
  commands: string[];
}

/** `systemctl is-enabled` answers meaning "starts at boot" (exit code 0). */
const ENABLED = new Set(['enabled', 'enabled-runtime', 'static', 'indirect', 'generated', 'alias', 'linked', 'linked-runtime']);
/**
 * Unit states that `systemctl enable/disable` cannot change. enabled-runtime comes from a
 * generator or a runtime link, such as postgresql@V-C from the cluster's start.conf.
 */
const FIXED = new Set(['static', 'indirect', 'generated', 'alias', 'transient', 'masked', 'masked-runtime', 'enabled-runtime', 'linked-runtime']);

function probes(name: string): ProbeSet {
  const n = quote(name);
  const script = quote(`/etc/init.d/${name}`);
  return {
    init: raw(INIT_PROBE),
    active: raw(
      `if [ -d /run/systemd/system ]; then systemctl show -p LoadState -p ActiveState -- ${n}; ` +
      `else if [ -x ${script} ]; then echo script=yes; ${script} status >/dev/null 2>&1; echo status=$?; else echo script=no; fi; fi`,
    ),
    enabled: raw(
      `if [ -d /run/systemd/system ]; then systemctl is-enabled -- ${n} 2>&1; ` +
      `else for f in /etc/rc[2345].d/S[0-9][0-9]${quote(name)}; do [ -e "$f" ] && echo "$f"; done; true; fi`,
    ),
  };
}

export default defineModule<Args, Plan>({
  name: 'service',
  speculative: true,
  summary: 'Start, stop, restart or reload a service and enable or disable it at boot',
  description:
    'Like Ansible\'s service module. When systemd is PID 1: systemctl (show ActiveState, is-enabled, start/stop/' +
    'restart/reload, enable/disable). Otherwise (containers without an init, sysvinit hosts): the LSB status of ' +
    '/etc/init.d/NAME, `service NAME start|stop|…`, and the /etc/rc2-5.d links through update-rc.d. ' +
    'restarted and reloaded are actions; a stopped service is started instead.',
  schema: {
    type: 'object',
    additionalProperties: false,
    required: ['name'],
    properties: {
      name: { type: 'string', minLength: 1, pattern: '^[A-Za-z0-9@_.:+-]+$', description: 'Service (systemd unit or init script) name, such as ssh or postgresql@15-main.' },
      state: { enum: ['started', 'stopped', 'restarted', 'reloaded'], description: 'started/stopped: running or not; restarted/reloaded: actions.' },
      enabled: { type: 'boolean', description: 'Whether the service starts at boot.' },
    },
  },
  examples: `- service: {name: pgpool2, state: restarted}
- service: {name: ssh, state: started, enabled: true}`,

  probes: (args) => {
    if (args.state === undefined && args.enabled === undefined) throw new ModuleError('service: give state and/or enabled');
    return probes(args.name);
  },
  async check(ctx, args, probed) {
    const out = probed as Record<'init' | 'active' | 'enabled', ProbeOutput>;
    const systemd = isSystemd(out.init?.out);
    const activeOut = out.active?.out ?? '';
    const enabledOut = (out.enabled?.out ?? '').trim();
    let running: boolean;
    let bootState: string;
    let enabledNow: boolean;
    if (systemd) {
      const prop = (k: string) => new RegExp(`^${k}=(.*)$`, 'm').exec(activeOut)?.[1]?.trim() ?? '';
      if (prop('LoadState') === 'not-found') throw new ModuleError(`service: no service named ${args.name} on ${ctx.host} (systemd has no such unit)`);
      running = ['active', 'reloading', 'activating'].includes(prop('ActiveState'));
      bootState = enabledOut.split('\n')[0]!.trim();
      enabledNow = ENABLED.has(bootState);
    } else {
      if (!/script=yes/.test(activeOut)) throw new ModuleError(`service: no service named ${args.name} on ${ctx.host} (no /etc/init.d/${args.name}, and systemd is not running)`);
      running = /status=0/.test(activeOut);
      enabledNow = enabledOut.length > 0;
      bootState = enabledNow ? 'enabled' : 'disabled';
    }

    const n = quote(args.name);
    const run = (action: string) =>
      systemd ? `systemctl ${action} -- ${n}` : `if command -v service >/dev/null 2>&1; then service ${n} ${action}; else /etc/init.d/${quote(args.name)} ${action}; fi`;
    const commands: string[] = [];
    const changes: string[] = [];
    const unchanged: string[] = [];
    let action = false;

    switch (args.state) {
      case 'started':
      case 'stopped': {
        const want = args.state === 'started';
        if (running === want) unchanged.push(`${args.name} is ${running ? 'running' : 'stopped'}`);
        else {
          commands.push(run(want ? 'start' : 'stop'));
          changes.push(`${want ? 'start' : 'stop'} ${args.name}`);
        }
        break;
      }
      case 'restarted':
      case 'reloaded':
        action = true;
        if (!running) {
          commands.push(run('start'));
          changes.push(`start ${args.name} (was stopped)`);
        } else {
          commands.push(run(args.state === 'restarted' ? 'restart' : 'reload'));
          changes.push(`${args.state === 'restarted' ? 'restart' : 'reload'} ${args.name}`);
        }
        break;
    }

    if (args.enabled !== undefined) {
      if (enabledNow === args.enabled) unchanged.push(`${args.name} ${args.enabled ? 'enabled' : 'disabled'} at boot (${bootState})`);
      else if (systemd && FIXED.has(bootState)) {
        const hint = bootState.endsWith('-runtime') ? ' (set at boot by a generator or a runtime link; for a PostgreSQL cluster, edit its start.conf)' : '';
        throw new ModuleError(`service: ${args.name} is ${bootState} on ${ctx.host}: systemctl cannot ${args.enabled ? 'enable' : 'disable'} it${hint}`);
      } else {
        commands.push(
          systemd
            ? `systemctl ${args.enabled ? 'enable' : 'disable'} -- ${n}`
            : args.enabled
              ? `update-rc.d ${n} defaults && update-rc.d ${n} enable`
              : `update-rc.d ${n} disable`,
        );
        changes.push(`${args.enabled ? 'enable' : 'disable'} ${args.name} at boot`);
      }
    }

    const result = { name: args.name, state: running ? 'started' : 'stopped', enabled: enabledNow };
    if (!commands.length) return { changed: false, reason: unchanged.join('; '), result };
    return { changed: true, description: changes.join('; '), plan: { commands }, ...(action ? { kind: 'run' as const } : {}), result };
  },

  async apply(ctx, _args, change) {
    for (const command of change.plan!.commands) await ctx.run(command);
  },
});
