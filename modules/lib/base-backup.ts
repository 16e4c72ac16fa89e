// The primary's side of rsync_basebackup: one sh script, run as postgres on the primary, that
// holds ONE psql session — backup start, the rsync to the standby (psql's \!), backup stop — and
// prints the backup label (PostgreSQL 10+). A non-exclusive backup ends with its session, so a
// failure anywhere cannot leave the primary in backup mode; 9.6's exclusive backup is stopped by
// an exit trap when the session did not stop it.
import { cmd, quote } from '../../sdk/index.js';
import { describeNode, lsnValue, type PgNodeState } from './pg-node.js';
import { sqlLiteral } from './psql.js';

export interface BaseBackupSpec {
  /** Major version as a number: 9.6, 10, … */
  version: number;
  port: number;
  label: string;
  /** user@address:/data/dir/ on the standby. */
  destination: string;
  /** Files of the standby's data directory that are neither copied nor deleted. */
  keep: string[];
  /** rsync -X: extended attributes (Astra Linux's PARSEC labels live there). */
  xattrs?: boolean;
  /** rsync -A: POSIX ACLs. */
  acls?: boolean;
}

/** What never goes from the primary's data directory to the standby (anchored at its root). */
export function rsyncExcludes(version: number, keep: string[]): string[] {
  const excludes = [
    '/pg_wal/*',
    '/pg_xlog/*',
    '/pg_log/*',
    '/log/*',
    '/pg_replslot/*',
    '/pg_stat_tmp/*',
    '/postmaster.*',
    // The standby's own recovery settings are written after the copy.
    '/recovery.conf',
    '/recovery.done',
    '/standby.signal',
    '/recovery.signal',
  ];
  // From 10 on the backup is non-exclusive: the label comes from the stop function, and a stale
  // file of an old exclusive backup on the primary must not be copied.
  if (version >= 10) excludes.push('/backup_label', '/backup_label.old', '/tablespace_map');
  return [...excludes, ...keep.map((k) => `/${k.replace(/^\/+/, '')}`)];
}

/**
 * rsync with --delete and --delete-excluded, so that stale files of the standby go (its old WAL
 * included), while the keep files are protected on the receiving side. --checksum: rsync's quick
 * check (same size and mtime second) would keep the standby's own global/pg_control and data
 * files when both clusters were written in the same second — a standby of another system.
 */
export function rsyncCommand(spec: BaseBackupSpec, sourceVar: string): string {
  const filters = spec.keep.flatMap((k) => ['--filter', `P /${k.replace(/^\/+/, '')}`]);
  const excludes = rsyncExcludes(spec.version, spec.keep).flatMap((e) => ['--exclude', e]);
  // The standby's host key is in postgres's known_hosts (the ssh section records every type its
  // sshd offers): `yes`, as accept-new came only in OpenSSH 7.6 (Astra Linux SE 1.6 has 7.4).
  const ssh = 'ssh -o BatchMode=yes -o StrictHostKeyChecking=yes -o ConnectTimeout=10';
  const keepAttrs = [...(spec.xattrs ? ['-X'] : []), ...(spec.acls ? ['-A'] : [])];
  return `${cmd('rsync', '-a', ...keepAttrs, '--checksum', '--delete', '--delete-excluded', ...filters, ...excludes, '-e', ssh)} "$${sourceVar}/" ${quote(spec.destination)}`;
}

/** The psql session: start, copy, stop (and print the label for 10+). */
function sessionSql(spec: BaseBackupSpec): string {
  const label = sqlLiteral(spec.label);
  const v = spec.version;
  const start =
    v >= 15
      ? `SELECT pg_backup_start(${label}, true) AS start_lsn \\gset`
      : v >= 10
        ? `SELECT pg_start_backup(${label}, true, false) AS start_lsn \\gset`
        : `SELECT pg_start_backup(${label}, true) AS start_lsn \\gset`;
  const stop =
    v >= 15
      ? ['\\pset format unaligned', '\\pset tuples_only on', 'SELECT labelfile FROM pg_backup_stop(true);']
      : v >= 10
        ? ['\\pset format unaligned', '\\pset tuples_only on', 'SELECT labelfile FROM pg_stop_backup(false);']
        : ['SELECT pg_stop_backup() AS stop_lsn \\gset', '\\! touch "$T/stopped"'];
  return [
    "SELECT setting AS datadir FROM pg_settings WHERE name = 'data_directory' \\gset",
    '\\setenv TSPLAY_PGDATA :datadir',
    start,
    '\\! touch "$T/started"',
    // rsync's exit code goes through a file: psql's \! does not report it.
    `\\! ${rsyncCommand(spec, 'TSPLAY_PGDATA')} </dev/null >&2; echo $? > "$T/rsync_rc"`,
    ...stop,
  ].join('\n');
}

const HEREDOC_END = 'TSPLAY_BASE_BACKUP_SQL';

export function primaryScript(spec: BaseBackupSpec): string {
  const psql = `LC_ALL=C ${cmd('psql', '-X', '-q', '-v', 'ON_ERROR_STOP=1', '-p', spec.port, '-d', 'postgres')}`;
  const exclusiveCleanup =
    spec.version < 10
      ? `if [ -e "$T/started" ] && [ ! -e "$T/stopped" ]; then echo 'SELECT pg_stop_backup();' | ${psql} >/dev/null && echo 'the exclusive backup was stopped after the failure' >&2; fi; `
      : '';
  return [
    // psql as postgres in root's working directory would warn that it cannot change into it.
    'cd /',
    'T=$(mktemp -d) || exit 1',
    'export T',
    `trap '${exclusiveCleanup.replace(/'/g, `'\\''`)}rm -rf "$T"' EXIT`,
    "trap 'exit 129' HUP; trap 'exit 130' INT; trap 'exit 143' TERM",
    `${psql} <<'${HEREDOC_END}'`,
    sessionSql(spec),
    HEREDOC_END,
    'rc=$?',
    'if [ "$rc" -ne 0 ]; then echo "psql exited with code $rc" >&2; exit "$rc"; fi',
    'r=$(cat "$T/rsync_rc" 2>/dev/null || echo none)',
    // 24: files vanished during the copy, normal for a live data directory.
    'case "$r" in 0|24) ;; *) echo "rsync to the standby failed (exit code $r)" >&2; exit 1 ;; esac',
  ].join('\n');
}

/** The two ends of a base backup, as pg-node.ts reads them. */
export interface SeedEnds {
  standbyHost: string;
  primaryHost: string;
  target: PgNodeState;
  source: PgNodeState;
  /** playbooks/rejoin.yml: a stale former primary (older timeline, same system) may be replaced. */
  rejoin: boolean;
}

/**
 * Why the base backup must not run (undefined: it may). A base backup replaces the target's data
 * with --delete: it never runs onto a primary of the source's cluster (unless it is a stale former
 * primary and a rejoin asked for it), onto a newer timeline, onto a standby ahead of its source, nor
 * from a node that is not a running primary. A primary of another system on timeline 1 is taken as
 * the fresh initdb that the packages made: replacing it is the seed itself.
 */
export function seedRefusal(e: SeedEnds): string | undefined {
  const { target: t, source: s } = e;
  const onto = `refusing to copy ${e.primaryHost}'s data onto ${e.standbyHost}`;
  if (!s.installed || !s.running || s.role !== 'primary') {
    return `${onto}: the source ${e.primaryHost} is not a running primary (${describeNode(s)}); base backups come only from the current primary (playbooks/status.yml shows which node that is)`;
  }
  if (!t.installed) return undefined;
  if (t.timeline === undefined || t.systemId === undefined || s.timeline === undefined) {
    return `${onto}: cannot read the timeline and system identifier of ${e.standbyHost}'s cluster (not running and no pg_controldata): without them it could be a newer primary`;
  }
  const fix = `rejoin it as a standby of the current primary with playbooks/rejoin.yml -e rejoin_host=${e.standbyHost}`;
  if (t.timeline > s.timeline) {
    return `${onto}: ${e.standbyHost} is on timeline ${t.timeline}, newer than ${e.primaryHost}'s ${s.timeline} — ${e.standbyHost} holds the newer data (${describeNode(t)}); the source is the stale one`;
  }
  if (t.systemId === s.systemId) {
    if (t.role === 'primary') {
      if (t.timeline < s.timeline && e.rejoin) return undefined;
      return t.timeline < s.timeline
        ? `${onto}: ${e.standbyHost} is a former primary of this cluster (timeline ${t.timeline}, the primary is on ${s.timeline}): a stale primary is only replaced by an explicit rejoin — ${fix}`
        : `${onto}: ${e.standbyHost} is a primary of the same cluster on the same timeline ${t.timeline} (${describeNode(t)}): a split brain; nothing says which data is right, so nothing is overwritten`;
    }
    if (t.timeline === s.timeline && t.lsn && s.lsn && lsnValue(t.lsn) > lsnValue(s.lsn)) {
      return `${onto}: ${e.standbyHost} has replayed WAL up to ${t.lsn}, beyond ${e.primaryHost}'s ${s.lsn} on the same timeline: it has data its source does not`;
    }
    return undefined;
  }
  if (t.role === 'primary' && t.timeline > 1) {
    return `${onto}: ${e.standbyHost} is a primary of another cluster (system ${t.systemId}) that has been promoted (timeline ${t.timeline}): it holds data of its own`;
  }
  return undefined;
}
