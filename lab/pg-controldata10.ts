// PostgreSQL 10's pg_controldata for the bookworm-pg10 flavour, which the npm package lacks (it
// ships initdb, pg_ctl and postgres only) and bookworm's cannot replace (15's reads 15's layout).
// A real host has it in its server package, and the playbooks read a stopped node's identity with
// it (modules/lib/pg-node.ts, switchover.yml), so the flavour emulates the lines they read: an od
// of the fields of 10's ControlFileData (src/include/catalog/pg_control.h, REL_10_STABLE; little
// endian, as here), refusing any other pg_control version. The release matrix compares its output
// with the server's own pg_control_system() and pg_control_checkpoint().
//
// Offsets in 10: system_identifier 0 (uint64), pg_control_version 8, catalog_version_no 12,
// state 16 (DBState), time 24, checkPoint 32 (XLogRecPtr), prevCheckPoint 40 (gone in 11),
// checkPointCopy 48: its redo 48, ThisTimeLineID 56.
const STATES = [
  'starting up', 'shut down', 'shut down in recovery', 'shutting down', 'in crash recovery',
  'in archive recovery', 'in production',
];

export function pgControldata10Script(): string {
  const cases = STATES.map((s, i) => `  ${i}) state='${s}' ;;`).join('\n');
  return `#!/bin/sh
# tsplay lab (bookworm-pg10): PostgreSQL 10's pg_controldata, emulated; see lab/pg-controldata10.ts.
set -e
d=\${1:-$PGDATA}
[ -n "$d" ] || { echo 'pg_controldata: no data directory specified' >&2; exit 1; }
f=$d/global/pg_control
[ -r "$f" ] || { echo "pg_controldata: could not open file \\"$f\\" for reading" >&2; exit 1; }
u32() { od -An -tu4 -j"$1" -N4 "$f" | tr -d ' '; }
u64() { od -An -tu8 -j"$1" -N8 "$f" | tr -d ' '; }
lsn() { printf '%X/%X' "$(u32 $(($1 + 4)))" "$(u32 "$1")"; }
version=$(u32 8)
if [ "$version" != 1002 ]; then
  echo "pg_controldata (tsplay lab): pg_control version $version is not PostgreSQL 10's (1002)" >&2
  exit 1
fi
case $(u32 16) in
${cases}
  *) state='unrecognized status code' ;;
esac
echo "pg_control version number:            $version"
echo "Catalog version number:               $(u32 12)"
echo "Database system identifier:           $(u64 0)"
echo "Database cluster state:               $state"
echo "Latest checkpoint location:           $(lsn 32)"
echo "Latest checkpoint's REDO location:    $(lsn 48)"
echo "Latest checkpoint's TimeLineID:       $(u32 56)"
`;
}
