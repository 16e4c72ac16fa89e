// pg_ctlcluster: a Debian PostgreSQL cluster (postgresql-common) started, stopped, restarted,
// reloaded or promoted. State comes from pg_lsclusters in one probe; under systemd the
// cluster is started through its postgresql@V-C unit so that systemd supervises it.
import { ModuleError, defineModule, quote, raw, type ProbeOutput } from '../sdk/index.js';
import { INIT_PROBE, isSystemd } from './lib/init-system.js';

interface Args {
  version: string | number;
  cluster: string;
  state: 'started' | 'stopped' | 'restarted' | 'reloaded' | 'promoted';
}

interface Plan {
  commands: string[];
}

interface ClusterLine {
  version: string;
  cluster: string;
  port: number;
  /** online or down. */
  running: boolean;
  /** standby.signal / recovery.signal (12+) or recovery.conf (older) in the data directory. */
  recovery: boolean;
  owner: string;
  dataDirectory: string;
}

/** Parses `pg_lsclusters --no-header`: "15 main 5432 online,recovery postgres /var/lib/… /var/log/…". */
function parseLsclusters(out: string): ClusterLine[] {
  return out
    .split('\n')
    .map((l) => l.trim().split(/\s+/))
    .filter((f) => f.length >= 6 && /^\d/.test(f[0]!))
    .map((f) => {
      const status = f[3]!.split(',');
      return {
        version: f[0]!,
        cluster: f[1]!,
        port: Number(f[2]),
        running: status[0] === 'online',
        recovery: status.includes('recovery'),
        owner: f[4]!,
        dataDirectory: f[5]!,
      };
    });
}

/** How long apply waits for a promoted standby to leave recovery (pg_ctl of 9.6 does not wait). */
const PROMOTE_WAIT_SECONDS = 60;

/** The version as pg_lsclusters prints it; anything else is refused before any read. */
function versionOf(args: Args): string {
  const version = String(args.version);
  if (!/^\d+(\.\d+)?$/.test(version)) throw new ModuleError(`pg_ctlcluster: invalid version '${version}'`);
  return version;
}

/** A command that succeeds when pg_lsclusters no longer lists the cluster as online. */
const isDown = (version: string, cluster: string): string =>
  `pg_lsclusters --no-header | awk -v v=${quote(version)} -v c=${quote(cluster)} '$1==v && $2==c && $4 ~ /^online/ {up=1} END{exit up}'`;

const unitOf = (args: Args): string => `postgresql@${versionOf(args)}-${args.cluster}`;

export default defineModule<Args, Plan>({
  name: 'pg_ctlcluster',
  speculative: true,
  summary: 'Start, stop, restart, reload or promote a Debian PostgreSQL cluster',
  description:
    'Reads the cluster\'s status from pg_lsclusters (online/down, and "recovery" for a standby). When systemd is ' +
    'PID 1 the cluster is started and restarted through systemctl (postgresql@VERSION-CLUSTER) so that systemd ' +
    'tracks it; otherwise, and for stop/reload/promote, through pg_ctlcluster. restarted and reloaded are actions ' +
    '(always run when the cluster is online; a stopped cluster is started). promoted turns a running standby into ' +
    'a primary and waits until it has left recovery.',
  schema: {
    type: 'object',
    additionalProperties: false,
    required: ['version'],
    properties: {
      version: { type: ['string', 'number'], description: 'PostgreSQL major version of the cluster (9.6, 15).' },
      cluster: { type: 'string', default: 'main', pattern: '^[A-Za-z0-9_.-]+$', description: 'Cluster name.' },
      state: {
        enum: ['started', 'stopped', 'restarted', 'reloaded', 'promoted'],
        default: 'started',
        description: 'started/stopped: running or not; restarted/reloaded: actions; promoted: a standby becomes the primary.',
      },
    },
  },
  examples: `# pg_ctlcluster 9.6 main stop
- pg_ctlcluster: {version: '9.6', cluster: main, state: stopped}`,

  probes: (args) => ({
    ls: raw('pg_lsclusters --no-header'),
    init: raw(INIT_PROBE),
    unit: raw(`[ -d /run/systemd/system ] && systemctl is-active ${quote(unitOf(args))}; true`),
  }),
  async check(ctx, args, probed) {
    const version = versionOf(args);
    const unit = unitOf(args);
    const out = probed as Record<'ls' | 'init' | 'unit', ProbeOutput>;
    if (out.ls.rc !== 0) {
      throw new ModuleError(`pg_ctlcluster: pg_lsclusters failed on ${ctx.host}: ${out.ls?.out.trim() || 'no output'} (is postgresql-common installed?)`);
    }
    const clusters = parseLsclusters(out.ls.out);
    const c = clusters.find((x) => x.version === version && x.cluster === args.cluster);
    const name = `${version}/${args.cluster}`;
    if (!c) {
      const known = clusters.map((x) => `${x.version}/${x.cluster}`).join(', ') || 'none';
      throw new ModuleError(`pg_ctlcluster: cluster ${name} does not exist on ${ctx.host} (pg_lsclusters lists: ${known})`);
    }
    const systemd = isSystemd(out.init?.out);
    const unitActive = (out.unit?.out ?? '').trim() === 'active';
    const ctl = (action: string) => `pg_ctlcluster ${quote(version)} ${quote(args.cluster)} ${action}`;
    const start = systemd ? `systemctl start ${quote(unit)}` : ctl('start');
    const status = `${c.running ? 'online' : 'down'}${c.recovery ? ', in recovery (standby)' : ''}`;

    switch (args.state) {
      case 'started':
        if (c.running) return { changed: false, reason: `cluster ${name} is ${status}` };
        return { changed: true, description: `start cluster ${name}`, plan: { commands: [start] } };
      case 'stopped':
        if (!c.running) return { changed: false, reason: `cluster ${name} is ${status}` };
        // Another actor (failover.sh's fence of a stale primary) may stop it between this check and
        // apply: a stop that fails because the cluster is down by then has reached the state asked for.
        return { changed: true, description: `stop cluster ${name}`, plan: { commands: [`${ctl('stop')} || ${isDown(version, args.cluster)}`] } };
      case 'restarted': {
        if (!c.running) return { changed: true, description: `start cluster ${name} (was down)`, plan: { commands: [start] }, kind: 'run' };
        // A cluster started outside systemd is stopped directly, then started under its unit.
        const commands = !systemd ? [ctl('restart')] : unitActive ? [`systemctl restart ${quote(unit)}`] : [ctl('stop'), start];
        return { changed: true, description: `restart cluster ${name}`, plan: { commands }, kind: 'run' };
      }
      case 'reloaded':
        if (!c.running) return { changed: true, description: `start cluster ${name} (was down)`, plan: { commands: [start] }, kind: 'run' };
        return { changed: true, description: `reload cluster ${name}`, plan: { commands: [ctl('reload')] }, kind: 'run' };
      case 'promoted': {
        if (!c.recovery) return { changed: false, reason: `cluster ${name} is ${status}: not a standby, nothing to promote` };
        if (!c.running) throw new ModuleError(`pg_ctlcluster: cluster ${name} is a standby but down on ${ctx.host}: start it before promoting`);
        const waitOut =
          `i=0; while [ $i -lt ${PROMOTE_WAIT_SECONDS} ] && pg_lsclusters --no-header | ` +
          `awk -v v=${quote(version)} -v c=${quote(args.cluster)} '$1==v && $2==c {f=1; exit !($4 ~ /recovery/)} END{if(!f) exit 1}'; ` +
          `do sleep 1; i=$((i+1)); done`;
        return { changed: true, description: `promote standby ${name} to primary`, plan: { commands: [ctl('promote'), waitOut] } };
      }
    }
  },

  async apply(ctx, _args, change) {
    for (const command of change.plan!.commands) await ctx.run(command);
  },
});
