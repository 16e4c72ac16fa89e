// What a PostgreSQL node is NOW, read from the host itself: primary or standby, its database
// system identifier, timeline and WAL position, and whether it is fenced (start.conf manual).
// One sh probe (run as postgres) reads the running server through SQL and the control file
// through pg_controldata, so that a stopped or crashed node is known too. Shared by
// rsync_basebackup (which refuses to overwrite a primary or a newer timeline) and pg_topology.
import { cmd, parseProbes, probeScript, quote, raw, type ProbeSet, type Section } from '../../sdk/index.js';
import { psqlCommand } from './psql.js';

export interface PgNodeSpec {
  /** Major version as a string: '9.6', '15'. */
  version: string;
  cluster: string;
  port: number;
  data: string;
}

export interface PgNodeState {
  /** PG_VERSION exists in the data directory. */
  installed: boolean;
  running: boolean;
  /** 'none' when there is no cluster. A stopped node is a standby when its standby configuration is there. */
  role: 'primary' | 'standby' | 'none';
  systemId?: string;
  timeline?: number;
  /** The current WAL position of a running primary, the replay position of a running standby, else the last checkpoint. */
  lsn?: string;
  /** pg_controldata's "Database cluster state". */
  clusterState?: string;
  /** The host primary_conninfo points at (standbys). */
  upstream?: string;
  /** start.conf says manual or disabled: the node is not started at boot. */
  fenced: boolean;
}

const ROW_SEP = '|';

/** The SQL of the running server's identity, one line: in_recovery|system_identifier|timeline|lsn. */
export function identitySql(v: number): string {
  const [walfile, current, replay, redo] =
    v >= 10
      ? ['pg_walfile_name', 'pg_current_wal_lsn', 'pg_last_wal_replay_lsn', 'redo_lsn']
      : ['pg_xlogfile_name', 'pg_current_xlog_location', 'pg_last_xlog_replay_location', 'redo_location'];
  // A primary's timeline is the one it writes now (the checkpoint's lags behind a promotion);
  // a standby's is the one its WAL receiver gets, else the last restartpoint's.
  return (
    `SELECT pg_is_in_recovery()::text || '${ROW_SEP}' || (SELECT system_identifier FROM pg_control_system())::text || '${ROW_SEP}' || ` +
    `(CASE WHEN pg_is_in_recovery() THEN coalesce((SELECT received_tli FROM pg_stat_wal_receiver), (SELECT timeline_id FROM pg_control_checkpoint())) ` +
    `ELSE ('x' || substr(${walfile}(${current}()), 1, 8))::bit(32)::int END)::text || '${ROW_SEP}' || ` +
    `(CASE WHEN pg_is_in_recovery() THEN coalesce(${replay}(), (SELECT ${redo} FROM pg_control_checkpoint())) ELSE ${current}() END)::text;`
  );
}

/** The node's probes, run as postgres; cd /: psql warns in root's working directory. */
export function nodeProbes(s: PgNodeSpec): ProbeSet {
  const d = quote(s.data);
  const v = Number(s.version);
  const status = cmd('pg_ctlcluster', s.version, s.cluster, 'status');
  const controldata = quote(`/usr/lib/postgresql/${s.version}/bin/pg_controldata`);
  const sql = `printf '%s\\n' ${quote(identitySql(v))} | ${psqlCommand({ db: 'postgres', port: s.port })} -At`;
  const probes = {
    pg_version: `cat -- ${d}/PG_VERSION`,
    standby_config: v >= 12 ? `test -e ${d}/standby.signal` : `test -e ${d}/recovery.conf`,
    recovery_conf: `cat -- ${d}/${v >= 12 ? 'postgresql.auto.conf' : 'recovery.conf'} 2>/dev/null || true`,
    running: `${status} >/dev/null 2>&1`,
    identity: `if ${status} >/dev/null 2>&1; then ${sql}; else exit 3; fi`,
    controldata: `if [ -x ${controldata} ]; then LC_ALL=C ${controldata} ${d}; else echo 'no pg_controldata'; exit 127; fi`,
    start_conf: `cat -- ${quote(`/etc/postgresql/${s.version}/${s.cluster}/start.conf`)} 2>/dev/null || true`,
  };
  return Object.fromEntries(Object.entries(probes).map(([k, c]) => [k, raw(`cd / && ${c}`, { becomeUser: 'postgres' })]));
}

/** A node's probes as one script for `exec` on its host as postgres: readNode tells a refused become from a read. */
export const nodeScript = (s: PgNodeSpec): string => probeScript(nodeProbes(s));

/** pg_controldata's "Name: value" lines. */
export function parseControldata(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of text.split('\n')) {
    const m = /^([^:]+):\s*(.*)$/.exec(line);
    if (m) out[m[1]!.trim()] = m[2]!.trim();
  }
  return out;
}

/** start.conf's first word that is not a comment: auto, manual or disabled. */
export function startMode(text: string): string {
  for (const line of text.split('\n')) {
    const w = line.replace(/#.*/, '').trim();
    if (w) return w;
  }
  return 'auto';
}

/** primary_conninfo's host from recovery.conf / postgresql.auto.conf text. */
function upstreamOf(conf: string): string | undefined {
  const m = /^\s*primary_conninfo\s*=\s*'((?:[^']|'')*)'/m.exec(conf);
  return m ? /(?:^|\s)host=([^\s']+)/.exec(m[1]!.replace(/''/g, "'"))?.[1] : undefined;
}

export function parseNodeProbe(sec: Record<string, Section>): PgNodeState {
  const installed = sec.pg_version?.rc === 0;
  const fenced = ['manual', 'disabled'].includes(startMode(sec.start_conf?.out ?? ''));
  if (!installed) return { installed, running: false, role: 'none', fenced };
  const running = sec.running?.rc === 0;
  const control = sec.controldata?.rc === 0 ? parseControldata(sec.controldata.out) : {};
  const line = sec.identity?.rc === 0 ? sec.identity.out.split('\n').find((l) => l.split(ROW_SEP).length === 4) : undefined;
  const clusterState = control['Database cluster state'];
  const upstream = upstreamOf(sec.recovery_conf?.out ?? '');
  if (line) {
    const [rec, systemId, tl, lsn] = line.trim().split(ROW_SEP);
    return { installed, running, role: rec === 'true' ? 'standby' : 'primary', systemId, timeline: Number(tl), lsn, clusterState, upstream, fenced };
  }
  // Not running (or not answering): the control file and the standby configuration decide.
  const standby = sec.standby_config?.rc === 0 || /in (archive )?recovery/.test(clusterState ?? '');
  const tl = control["Latest checkpoint's TimeLineID"];
  return {
    installed,
    running,
    role: standby ? 'standby' : 'primary',
    systemId: control['Database system identifier'],
    timeline: tl === undefined ? undefined : Number(tl),
    lsn: control['Latest checkpoint location'],
    clusterState,
    upstream,
    fenced,
  };
}

export function readNodeOutput(s: PgNodeSpec, stdout: string): PgNodeState {
  return parseNodeProbe(parseProbes(nodeProbes(s), stdout) as Record<string, Section>);
}

/** LSN 'X/Y' as a bigint, for comparisons. */
export function lsnValue(lsn: string): bigint {
  const [hi = '0', lo = '0'] = lsn.split('/');
  return (BigInt(`0x${hi}`) << 32n) + BigInt(`0x${lo}`);
}

/** One line for reports: "primary, timeline 2, 0/3000148, running". */
export function describeNode(n: PgNodeState): string {
  if (!n.installed) return 'no cluster';
  const parts = [n.role, n.timeline !== undefined ? `timeline ${n.timeline}` : 'timeline unknown', ...(n.lsn ? [n.lsn] : []), n.running ? 'running' : 'stopped'];
  if (n.fenced) parts.push('fenced (start.conf manual)');
  return parts.join(', ');
}
