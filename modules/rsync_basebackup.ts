// rsync_basebackup: seeds a streaming standby the manual's way. It runs on the STANDBY; the
// primary's side (backup start, rsync over SSH as postgres to the standby, backup stop) runs
// through a connection to the primary host. The standby is stopped before the copy, gets its
// recovery configuration for its version, and is left stopped (the playbook starts it).
import { ModuleError, cmd, defineModule, quote, raw, type ModuleContext, type ProbeOutput, type ProbeSet } from '../sdk/index.js';
import { primaryScript, seedRefusal } from './lib/base-backup.js';
import { nodeProbes, nodeScript, parseNodeProbe, readNodeOutput, type PgNodeSpec, type PgNodeState } from './lib/pg-node.js';
import { confSetting, confString, formatConninfo, type PgpassKey, parseConninfo, pgpassLine, pgpassLookup, withPgpassLine, withSettings } from './lib/pg-standby.js';
import { psqlCommand } from './lib/psql.js';

interface Args {
  primary_host: string;
  primary_address: string;
  standby_address: string;
  version: string | number;
  cluster: string;
  port: number;
  data_directory?: string;
  replication_user: string;
  replication_password?: string;
  keep: string[];
  xattrs: boolean;
  acls: boolean;
  trigger_file?: string;
  application_name?: string;
  ssh_user: string;
  rejoin: boolean;
  rewind: boolean;
  rewind_user: string;
  rewind_password?: string;
  slot_name?: string;
}

interface Plan {
  /** false: only the standby configuration (config) or ~/.pgpass needs writing; the data is in order. */
  reseed: boolean;
  /** Rewrite the standby configuration (primary_slot_name differs) without copying anything. */
  config?: boolean;
  /** Try pg_rewind first: the standby side is a stale former primary of the source's cluster. */
  rewind?: boolean;
  /** The postgres user's home on the standby (for ~/.pgpass). */
  home: string;
}

/** The OS user that owns the clusters on both hosts (Debian's postgresql packages). */
const PG_USER = 'postgres';
const OWNED = { owner: PG_USER, group: PG_USER, mode: '0600' };

interface Settings {
  v: number;
  version: string;
  data: string;
  appName: string;
}

const settings = (ctx: ModuleContext, a: Args): Settings => settingsOf(a, ctx.host);

/** The task's settings (the application name defaults to the host's name); an unsupported version is refused before any read. */
function settingsOf(a: Args, host = ''): Settings {
  const version = String(a.version);
  const v = Number(version);
  if (!Number.isFinite(v) || v < 9.6) throw new ModuleError(`rsync_basebackup: PostgreSQL ${version} is not supported (9.6 or later)`);
  if (a.trigger_file !== undefined && v >= 16) {
    throw new ModuleError(`rsync_basebackup: trigger_file is not supported from PostgreSQL 16 (promote_trigger_file was removed; promote with pg_ctlcluster ${version} ${a.cluster} promote)`);
  }
  return { v, version, data: a.data_directory ?? `/var/lib/postgresql/${version}/${a.cluster}`, appName: a.application_name ?? host };
}

/**
 * primary_conninfo. With a password, passfile names the ~/.pgpass written for it (PostgreSQL 10+),
 * so that the server finds it whatever HOME its service manager gives it.
 */
function wantedConninfo(a: Args, s: Settings, home: string): string {
  const passfile: Record<string, string> = a.replication_password !== undefined && s.v >= 10 ? { passfile: `${home}/.pgpass` } : {};
  return formatConninfo({ host: a.primary_address, port: String(a.port), user: a.replication_user, application_name: s.appName, ...passfile });
}

const pgpassKey = (a: Args): PgpassKey => ({ host: a.primary_address, port: a.port, database: 'replication', user: a.replication_user });

const nodeSpec = (a: Args, s: Settings): PgNodeSpec => ({ version: s.version, cluster: a.cluster, port: a.port, data: s.data });

/** The source's state, read before anything is stopped: it must be a running primary. */
async function readSource(ctx: ModuleContext, a: Args, s: Settings): Promise<PgNodeState> {
  const conn = await ctx.connectionTo(a.primary_host);
  // Another host's probes, read for themselves: a refused become must say so, not read as empty.
  const r = await conn.exec(nodeScript(nodeSpec(a, s)), { becomeUser: PG_USER });
  if (!r.stdout.includes('@@tsplay@@')) throw new ModuleError(`${a.primary_host}: cannot read the source's state for the base backup (exit code ${r.code}): ${r.stderr.trim()}`);
  return readNodeOutput(nodeSpec(a, s), r.stdout);
}

/**
 * The standby's probes, as postgres: data directory, recovery settings, server state, ~/.pgpass,
 * and the node's identity (timeline, system identifier) for the refusal rules.
 */
/** The WAL receiver's status and conninfo, as one line (nothing when the cluster is stopped). */
function receiverScript(a: Args, s: Settings): string {
  const status = cmd('pg_ctlcluster', s.version, a.cluster, 'status');
  const receiver = `printf '%s\\n' 'SELECT status || chr(32) || coalesce(conninfo, chr(32)) FROM pg_stat_wal_receiver;' | ${psqlCommand({ db: 'postgres', port: a.port })} -At`;
  return `if ${status} >/dev/null 2>&1; then ${receiver}; fi`;
}

function probes(a: Args, s: Settings): ProbeSet {
  const d = quote(s.data);
  const status = cmd('pg_ctlcluster', s.version, a.cluster, 'status');
  const own = {
    version: `cat -- ${d}/PG_VERSION`,
    signal: s.v >= 12 ? `test -e ${d}/standby.signal` : `test -e ${d}/recovery.conf`,
    conf: `cat -- ${d}/${s.v >= 12 ? 'postgresql.auto.conf' : 'recovery.conf'}`,
    running: `${status} >/dev/null 2>&1`,
    receiver: receiverScript(a, s),
    home: `getent passwd ${PG_USER} | cut -d: -f6`,
    pgpass: a.replication_password === undefined ? 'true' : `cat -- "$(getent passwd ${PG_USER} | cut -d: -f6)/.pgpass" 2>/dev/null || true`,
  };
  // cd /: psql as postgres in root's working directory warns that it cannot change into it.
  const set: ProbeSet = Object.fromEntries(Object.entries(own).map(([k, c]) => [k, raw(`cd / && ${c}`, { becomeUser: PG_USER })]));
  return { ...nodeProbes(nodeSpec(a, s)), ...set };
}

/** pg_stat_wal_receiver.status at the start of the probe's output line. */
const RECEIVER_STATUS = /^(streaming|starting|waiting|restarting|stopping|stopped|catchup) /m;

const NOT_STREAMING = 'the standby runs but does not stream';

/**
 * A configured standby that runs but does not stream may only be reconnecting: restarted together
 * with its primary (a configuration change restarts both), its WAL receiver retries every 5 s
 * (wal_retrieve_retry_interval). Up to 12 s for it to stream before a base backup replaces it.
 */
async function streamsSoon(ctx: ModuleContext, a: Args, s: Settings): Promise<boolean> {
  for (let i = 0; i < 12; i++) {
    const out = await ctx.run(`cd / && sleep 1 && { ${receiverScript(a, s)}; }`, { becomeUser: PG_USER });
    if (RECEIVER_STATUS.exec(out)?.[1] === 'streaming') return true;
  }
  return false;
}

/** Why the standby needs seeding ([] when it is a standby of this primary). */
function problems(a: Args, s: Settings, p: Record<string, { out: string; rc: number }>): string[] {
  const out: string[] = [];
  const pgVersion = p.version?.rc === 0 ? p.version.out.trim() : undefined;
  if (pgVersion === undefined) return [`no cluster in ${s.data} (PG_VERSION missing)`];
  if (pgVersion !== s.version) return [`${s.data} holds PostgreSQL ${pgVersion}, not ${s.version}`];
  if (p.signal?.rc !== 0) return [`${s.v >= 12 ? 'standby.signal' : 'recovery.conf'} missing: not a standby`];
  const conf = p.conf?.rc === 0 ? p.conf.out : '';
  if (s.v < 12 && !/^(on|true|yes|1)$/i.test(confSetting(conf, 'standby_mode') ?? '')) out.push("recovery.conf lacks standby_mode = 'on'");
  const conninfo = confSetting(conf, 'primary_conninfo');
  if (conninfo === undefined) return [...out, 'no primary_conninfo'];
  const ci = parseConninfo(conninfo);
  if (ci.host !== a.primary_address) out.push(`primary_conninfo points at ${ci.host ?? 'the local socket'}, not ${a.primary_address}`);
  if (Number(ci.port ?? 5432) !== a.port) out.push(`primary_conninfo port is ${ci.port ?? 5432}, not ${a.port}`);
  if ((ci.user ?? PG_USER) !== a.replication_user) out.push(`primary_conninfo user is ${ci.user ?? PG_USER}, not ${a.replication_user}`);
  if (out.length === 0 && p.running?.rc === 0) {
    const status = RECEIVER_STATUS.exec(p.receiver?.out ?? '')?.[1] ?? 'none';
    if (status !== 'streaming') out.push(`${NOT_STREAMING} (WAL receiver: ${status})`);
  }
  return out;
}

/** primary_slot_name as configured, when it is not slot_name (the data and the rest are in order). */
function slotProblem(a: Args, s: Settings, p: Record<string, { out: string; rc: number }>): string | undefined {
  const have = confSetting(p.conf?.rc === 0 ? p.conf.out : '', 'primary_slot_name') || undefined;
  if (have === a.slot_name) return undefined;
  const file = s.v >= 12 ? 'postgresql.auto.conf' : 'recovery.conf';
  return have === undefined ? `no primary_slot_name in ${file}` : `primary_slot_name is ${have} in ${file}, not ${a.slot_name ?? 'unset'}`;
}

const configName = (a: Args, s: Settings): string =>
  s.v >= 12 ? `standby.signal and primary_conninfo${a.slot_name !== undefined ? ', primary_slot_name' : ''} in postgresql.auto.conf` : 'recovery.conf';

function describeSeed(ctx: ModuleContext, a: Args, s: Settings, why: string[]): string {
  const config = configName(a, s);
  const backup = s.v >= 15 ? 'pg_backup_start/stop' : s.v >= 10 ? 'non-exclusive pg_start_backup/pg_stop_backup' : 'exclusive pg_start_backup/pg_stop_backup';
  return (
    `would seed standby ${ctx.host} from ${a.primary_host} (${a.primary_address}:${a.port}): ${why.join('; ')} — ` +
    `stop ${s.version}/${a.cluster}, rsync ${s.data} from the primary under ${backup}, write ${config}` +
    `${a.replication_password !== undefined ? ' and ~postgres/.pgpass' : ''}; the standby is left stopped`
  );
}

/** Runs the primary's side; returns the backup label (10+; '' for 9.6, whose label is copied). */
async function backupOnPrimary(ctx: ModuleContext, a: Args, s: Settings): Promise<string> {
  const host = a.standby_address.includes(':') ? `[${a.standby_address}]` : a.standby_address;
  const script = primaryScript({
    version: s.v,
    port: a.port,
    label: `tsplay base backup for ${ctx.host}`,
    destination: `${a.ssh_user}@${host}:${s.data}/`,
    keep: a.keep,
    xattrs: a.xattrs,
    acls: a.acls,
  });
  const conn = await ctx.connectionTo(a.primary_host);
  ctx.log(`${a.primary_host}: base backup, rsync to ${a.ssh_user}@${host}:${s.data}/`);
  const r = await conn.exec(script, { becomeUser: PG_USER });
  if (r.code !== 0) {
    throw new ModuleError(`${a.primary_host}: base backup for standby ${ctx.host} failed (exit code ${r.code}); the primary is not left in backup mode:\n${r.stderr.trim()}`);
  }
  return r.stdout;
}

/**
 * pg_rewind of the stopped standby side from the running primary, as postgres. The password goes
 * through a passfile of its own (0600, removed afterwards), never argv. false when pg_rewind
 * failed (no wal_log_hints or checksums, a crash it cannot recover from): then the full copy runs.
 */
async function rewindFromPrimary(ctx: ModuleContext, a: Args, s: Settings, home: string): Promise<boolean> {
  const passfile = `${home}/.tsplay-rewind.pgpass`;
  const source: Record<string, string> = { host: a.primary_address, port: String(a.port), user: a.rewind_user, dbname: 'postgres' };
  if (a.rewind_password !== undefined) {
    await ctx.writeFile(passfile, pgpassLine({ host: a.primary_address, port: a.port, database: 'postgres', user: a.rewind_user }, a.rewind_password) + '\n', OWNED);
    source.passfile = passfile;
  }
  const rewind = cmd(`/usr/lib/postgresql/${s.version}/bin/pg_rewind`, `--target-pgdata=${s.data}`, `--source-server=${formatConninfo(source)}`);
  // pg_rewind reads the source's timeline from its control file, which a just-promoted primary
  // updates only at its first checkpoint: rewinding before it ends in "requested timeline N does
  // not contain minimum recovery point" at the standby's start (seen when the rejoin followed a
  // failover within seconds). So the source checkpoints first, as the pg_rewind manual advises.
  const checkpoint = cmd(`/usr/lib/postgresql/${s.version}/bin/psql`, '-X', '-q', '-d', formatConninfo(source), '-c', 'CHECKPOINT');
  const r = await ctx.exec(
    `cd / && { LC_ALL=C ${checkpoint} >/dev/null 2>&1 || echo 'tsplay: CHECKPOINT on the source failed; pg_rewind may pick an old timeline'; } && LC_ALL=C ${rewind} 2>&1; rc=$?; rm -f -- ${quote(passfile)}; exit $rc`,
    { becomeUser: PG_USER, secrets: a.rewind_password === undefined ? [] : [a.rewind_password] },
  );
  if (r.code === 0) {
    ctx.log(`${ctx.host}: pg_rewind from ${a.primary_host}: ${r.stdout.trim().split('\n').at(-1) ?? ''}`);
    await dropStaleSlots(ctx, s);
    return true;
  }
  ctx.log(`${ctx.host}: pg_rewind from ${a.primary_host} failed (exit code ${r.code}), falling back to a base backup: ${r.stdout.trim()}`);
  return false;
}

/**
 * After pg_rewind: the node's replication slots are those it kept as a primary (for the standby
 * that is the primary now) or, before PostgreSQL 11, the source's, which pg_rewind copies. As a
 * standby nothing streams from them, and an inactive slot would keep its WAL for good. A base
 * backup leaves pg_replslot empty already (rsync's --delete-excluded); the cluster is stopped here.
 */
async function dropStaleSlots(ctx: ModuleContext, s: Settings): Promise<void> {
  const dir = quote(`${s.data}/pg_replslot`);
  const dropped = await ctx.run(`if [ -d ${dir} ]; then cd ${dir} && for f in *; do if [ -e "$f" ]; then printf '%s\\n' "$f"; rm -rf -- "$f"; fi; done; fi`);
  const names = dropped.trim().split('\n').filter(Boolean);
  if (names.length) ctx.log(`${ctx.host}: dropped the replication slots it kept as a primary: ${names.join(', ')}`);
}

export default defineModule<Args, Plan>({
  name: 'rsync_basebackup',
  summary: 'Seed a streaming standby from its primary with a base backup copied by rsync over SSH',
  description:
    'Runs on the standby. Unless the standby already is a standby of this primary, apply stops the ' +
    'standby cluster (pg_ctlcluster), then on primary_host runs ONE psql session as postgres that ' +
    'starts a base backup, rsyncs the data directory over SSH to ssh_user@standby_address (the ' +
    'postgres key mesh and the standby host key in known_hosts must exist: ssh -o BatchMode=yes -o StrictHostKeyChecking=yes) with ' +
    '--delete and --checksum, leaving out pg_wal/pg_xlog, pg_log, pg_replslot, postmaster.* and the keep files, and ' +
    'stops the backup. 9.6 uses the exclusive pg_start_backup/pg_stop_backup (an exit trap stops it ' +
    'after a failure); 10–14 the non-exclusive ones and 15+ pg_backup_start/pg_backup_stop, whose ' +
    'backup label is written as backup_label on the standby. Then the standby gets recovery.conf ' +
    "(standby_mode = 'on', primary_conninfo, trigger_file) before 12, or standby.signal and " +
    'primary_conninfo in postgresql.auto.conf (and promote_trigger_file up to 15) from 12 on. ' +
    'replication_password goes to the standby postgres user\'s ~/.pgpass (0600), never into the ' +
    'conninfo or argv. With slot_name, primary_slot_name too (the slot itself is made on the primary ' +
    'by the playbook, before this runs); after pg_rewind the slots the node kept as a primary are ' +
    'deleted. The standby is left stopped.\n\n' +
    'check (one round trip on the standby): "no change" when PG_VERSION matches, standby.signal ' +
    '(recovery.conf) is present, primary_conninfo points at primary_address:port as replication_user ' +
    'and, when the cluster runs, pg_stat_wal_receiver shows streaming (within 12 s: a receiver may be reconnecting). A configured standby that is ' +
    'stopped is "no change" too. A primary_slot_name other than slot_name only rewrites the standby ' +
    'configuration (stopped, left stopped). application_name and trigger_file are written when seeding but not compared.\n\n' +
    'Refusals (check fails, nothing is stopped or copied): the source is not a running primary; the ' +
    'standby side is on a newer timeline than the source; it is a primary of the same cluster (a promoted ' +
    'node or a stale former primary: only `rejoin: true` replaces the latter, never one on the same or a ' +
    'newer timeline); it is a standby that has replayed beyond the source on the same timeline; it is a ' +
    'promoted primary of another cluster. A primary of another system on timeline 1 is the fresh initdb of ' +
    'the packages and is replaced: that is the seed.',
  schema: {
    type: 'object',
    additionalProperties: false,
    required: ['primary_host', 'primary_address', 'standby_address', 'version'],
    properties: {
      primary_host: { type: 'string', description: "The primary's inventory name (tsplay connects to it for the backup)." },
      primary_address: { type: 'string', description: 'Address the standby connects to for streaming (primary_conninfo host).' },
      standby_address: { type: 'string', description: 'Address the primary rsyncs to.' },
      version: { type: ['string', 'number'], description: 'PostgreSQL major version: 9.6, 10 … 17.' },
      cluster: { type: 'string', default: 'main', description: 'Cluster name (pg_ctlcluster).' },
      port: { type: 'integer', default: 5432, description: 'Port of the clusters on both hosts.' },
      data_directory: { type: 'string', description: "The standby's data directory (default /var/lib/postgresql/VERSION/CLUSTER)." },
      replication_user: { type: 'string', default: 'postgres', description: 'Role the standby streams as.' },
      replication_password: { type: 'string', description: "Password of replication_user (secret), written to the standby postgres user's ~/.pgpass." },
      keep: { type: 'array', items: { type: 'string' }, default: ['pg_audit.conf'], description: "Files of the standby's data directory that are neither copied from the primary nor deleted." },
      trigger_file: { type: 'string', description: 'Trigger file that promotes the standby (trigger_file / promote_trigger_file; PostgreSQL 15 or earlier).' },
      application_name: { type: 'string', description: "application_name in primary_conninfo (default: the standby's inventory name)." },
      ssh_user: { type: 'string', default: 'postgres', description: 'User rsync logs in as on the standby.' },
      xattrs: {
        type: 'boolean',
        default: false,
        description:
          'Copy extended attributes too (rsync -X): Astra Linux keeps PARSEC labels in them, and rsync -a drops them. ' +
          'rsync running as ssh_user can set only the attributes that user may set (see docs/astra.md).',
      },
      acls: { type: 'boolean', default: false, description: 'Copy POSIX ACLs too (rsync -A).' },
      rewind: { type: 'boolean', default: false, description: 'With rejoin: rewind a stale former primary with pg_rewind (needs wal_log_hints or data checksums on it) instead of copying everything; falls back to the copy when pg_rewind fails.' },
      rewind_user: { type: 'string', default: 'postgres', description: 'Role pg_rewind connects to the primary as (a superuser, or one granted the pg_read_binary_file family).' },
      rewind_password: { type: 'string', description: 'Its password (secret), given to pg_rewind through a passfile of its own that is removed afterwards.' },
      slot_name: {
        type: 'string',
        pattern: '^[a-z0-9_]{1,63}$',
        description: "primary_slot_name: the physical replication slot on the primary the standby streams through (it must exist there). Unset: none.",
      },
      rejoin: { type: 'boolean', default: false, description: 'Allow replacing a stale former primary (same system, older timeline than the source): for playbooks/rejoin.yml only.' },
    },
  },
  secrets: ['replication_password', 'rewind_password'],
  examples: `- name: seed the standby from the primary
  rsync_basebackup:
    primary_host: master
    primary_address: "{{ hostvars.master.ansible_host }}"
    standby_address: "{{ ansible_host }}"
    version: "{{ pg_version }}"
    trigger_file: /tmp/trigger_main.5432
- name: start it
  pg_ctlcluster: {version: "{{ pg_version }}", state: started}`,

  probes: (a) => probes(a, settingsOf(a)),
  async check(ctx, a, probed) {
    const s = settings(ctx, a);
    const p = probed as Record<string, ProbeOutput>;
    const home = p.home?.out.trim() || '/var/lib/postgresql';
    const pgpass = p.pgpass?.out ?? '';
    let why = problems(a, s, p);
    if (why.length === 1 && why[0]!.startsWith(NOT_STREAMING) && (await streamsSoon(ctx, a, s))) why = [];
    if (why.length) {
      const target = parseNodeProbe(p);
      const source = await readSource(ctx, a, s);
      const refusal = seedRefusal({ standbyHost: ctx.host, primaryHost: a.primary_host, target, source, rejoin: a.rejoin });
      if (refusal) throw new ModuleError(refusal);
      // pg_rewind replays only what diverged: for a former primary of this very cluster.
      const rewind = a.rewind && target.role === 'primary' && target.systemId === source.systemId && (target.timeline ?? 0) < (source.timeline ?? 0);
      const how = rewind ? `pg_rewind from ${a.primary_host} (a base backup if pg_rewind fails) instead of the full copy; ` : '';
      return { changed: true, description: describeSeed(ctx, a, s, why).replace(' — stop ', ` — ${how}stop `), plan: { reseed: true, rewind, home } };
    }
    const slot = slotProblem(a, s, p);
    if (slot !== undefined) {
      return {
        changed: true,
        description: `would rewrite the standby configuration of ${ctx.host} (${slot}): stop ${s.version}/${a.cluster}, write ${configName(a, s)}; nothing is copied, the standby is left stopped`,
        plan: { reseed: false, config: true, home },
      };
    }
    if (a.replication_password !== undefined && pgpassLookup(pgpass, pgpassKey(a)) !== pgpassLine(pgpassKey(a), a.replication_password)) {
      return {
        changed: true,
        description: `would set the replication password for ${a.replication_user}@${a.primary_address}:${a.port} in ${home}/.pgpass (the standby itself is in order)`,
        plan: { reseed: false, home },
      };
    }
    const target = `${a.primary_address}:${a.port} as ${a.replication_user}`;
    const config = s.v >= 12 ? 'standby.signal and primary_conninfo' : 'recovery.conf';
    return p.running?.rc === 0
      ? { changed: false, reason: `standby streams from ${a.primary_host} (${target}; ${config} in place)` }
      : { changed: false, reason: `standby is configured for ${a.primary_host} (${target}; ${config}, PG_VERSION ${s.version}) and stopped: it streams once started` };
  },

  async apply(ctx, a, change) {
    const s = settings(ctx, a);
    const plan = change.plan!;
    let method: string | undefined;
    if (plan.reseed || plan.config) {
      const d = quote(s.data);
      const status = cmd('pg_ctlcluster', s.version, a.cluster, 'status');
      await ctx.run(
        `if ${status} >/dev/null 2>&1; then ${cmd('pg_ctlcluster', s.version, a.cluster, 'stop')}; fi\n` +
          `if [ ! -d ${d} ]; then install -d -o ${PG_USER} -g ${PG_USER} -m 0700 ${d}; fi`,
      );
      let label: string | undefined;
      if (plan.reseed) {
        const rewound = plan.rewind ? await rewindFromPrimary(ctx, a, s, plan.home) : false;
        // pg_rewind writes its own backup_label (recovery starts at the last common checkpoint).
        label = rewound ? undefined : await backupOnPrimary(ctx, a, s);
        method = rewound ? 'pg_rewind' : 'base backup';
      }
      const conninfo = wantedConninfo(a, s, plan.home);
      if (s.v >= 12) {
        await ctx.writeFile(`${s.data}/standby.signal`, '', OWNED);
        const auto = await ctx.run(`cat -- ${d}/postgresql.auto.conf 2>/dev/null || true`);
        const extra: Record<string, string> = a.trigger_file !== undefined ? { promote_trigger_file: a.trigger_file } : {};
        await ctx.writeFile(`${s.data}/postgresql.auto.conf`, withSettings(auto, { primary_conninfo: conninfo, primary_slot_name: a.slot_name, ...extra }), OWNED);
      } else {
        const lines = [
          `# Written by tsplay rsync_basebackup: streaming from ${a.primary_host}.`,
          "standby_mode = 'on'",
          `primary_conninfo = ${confString(conninfo)}`,
          ...(a.slot_name !== undefined ? [`primary_slot_name = ${confString(a.slot_name)}`] : []),
          "recovery_target_timeline = 'latest'",
          ...(a.trigger_file !== undefined ? [`trigger_file = ${confString(a.trigger_file)}`] : []),
        ];
        await ctx.writeFile(`${s.data}/recovery.conf`, lines.join('\n') + '\n', OWNED);
      }
      if (s.v >= 10 && label !== undefined) await ctx.writeFile(`${s.data}/backup_label`, label, OWNED);
    }
    if (a.replication_password !== undefined) {
      const path = `${plan.home}/.pgpass`;
      const current = await ctx.run(`cat -- ${quote(path)} 2>/dev/null || true`);
      await ctx.writeFile(path, withPgpassLine(current, pgpassKey(a), a.replication_password), OWNED);
    }
    return { result: { method: method ?? 'none' } };
  },
});
