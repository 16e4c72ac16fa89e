// pg_topology run on "h1" for the nodes master and slave: each node answers the pg-node.ts probe
// (SQL identity when running, pg_controldata always); the decision comes from those answers.
import pgTopology from '../../../modules/pg_topology.js';
import type { Reply } from '../../support/fake-connection.js';
import { probeReply, type SectionBody } from '../../support/section-replies.js';
import type { CaseFile } from '../harness.js';

const SYSTEM = '7441000000000000001';

interface Node {
  system: string;
  timeline: number;
  role: 'primary' | 'standby';
  running?: boolean;
  lsn?: string;
  fenced?: boolean;
}

function node(n: Node | 'absent'): Reply[] {
  if (n === 'absent') return [probeReply('pg_controldata', { pg_version: { out: 'cat: /var/lib/postgresql/15/main/PG_VERSION: No such file or directory\n', rc: 1 } })];
  const running = n.running ?? true;
  const lsn = n.lsn ?? '0/3000148';
  const sections: Record<string, SectionBody> = {
    pg_version: '15\n',
    standby_config: { out: '', rc: n.role === 'standby' ? 0 : 1 },
    recovery_conf: n.role === 'standby' ? "primary_conninfo = 'host=10.213.0.10 port=5432 user=postgres'\n" : '',
    running: { out: '', rc: running ? 0 : 3 },
    identity: running ? `${n.role === 'standby'}|${n.system}|${n.timeline}|${lsn}\n` : { out: '', rc: 3 },
    controldata: `Database system identifier:           ${n.system}\nDatabase cluster state:               ${running ? 'in production' : 'shut down'}\nLatest checkpoint location:           ${lsn}\nLatest checkpoint's TimeLineID:       ${n.timeline}\n`,
    start_conf: n.fenced ? '# fenced by tsplay\nmanual\n' : 'auto\n',
  };
  return [probeReply('pg_controldata', sections)];
}

const args = { nodes: ['master', 'slave'], preferred_primary: 'master', version: '15' };
const peers = (master: Node | 'absent', slave: Node | 'absent') => ({ master: node(master), slave: node(slave) });

const cases: CaseFile = {
  module: pgTopology,
  cases: [
    {
      name: 'a first run: two fresh clusters of their own, the inventory decides',
      args,
      before: [],
      peers: peers({ system: '1', timeline: 1, role: 'primary' }, { system: '2', timeline: 1, role: 'primary' }),
      expect: { changed: false, message: /^primary master, standby slave \(fresh clusters: the inventory decides\)$/, checkRoundTrips: 0 },
    },
    {
      name: 'nothing installed yet: the inventory decides',
      args,
      before: [],
      peers: peers('absent', 'absent'),
      expect: { changed: false, message: /^primary master, standby slave \(fresh/, checkRoundTrips: 0 },
    },
    {
      name: 'the built cluster: master primary, slave its standby',
      args,
      before: [],
      peers: peers({ system: SYSTEM, timeline: 1, role: 'primary' }, { system: SYSTEM, timeline: 1, role: 'standby' }),
      expect: { changed: false, message: /^primary master, standby slave$/, checkRoundTrips: 0 },
    },
    {
      name: 'after a failover: the promoted slave (timeline 2) is the primary, the old master (timeline 1) is stale',
      args,
      before: [],
      peers: peers({ system: SYSTEM, timeline: 1, role: 'primary' }, { system: SYSTEM, timeline: 2, role: 'primary', lsn: '0/5000000' }),
      expect: { changed: false, message: /^primary slave, stale master$/, checkRoundTrips: 0 },
    },
    {
      name: 'after a failover with the old master stopped or crashed: still stale (read from pg_controldata)',
      args,
      before: [],
      peers: peers({ system: SYSTEM, timeline: 1, role: 'primary', running: false, fenced: true }, { system: SYSTEM, timeline: 2, role: 'primary' }),
      expect: { changed: false, message: /^primary slave, stale master$/, checkRoundTrips: 0 },
    },
    {
      name: 'after a rejoin: slave primary, master its standby',
      args,
      before: [],
      peers: peers({ system: SYSTEM, timeline: 2, role: 'standby' }, { system: SYSTEM, timeline: 2, role: 'primary' }),
      expect: { changed: false, message: /^primary slave, standby master$/, checkRoundTrips: 0 },
    },
    {
      name: 'two primaries of one cluster on one timeline: a split brain, no guess',
      args,
      before: [],
      peers: peers({ system: SYSTEM, timeline: 2, role: 'primary' }, { system: SYSTEM, timeline: 2, role: 'primary' }),
      expect: { changed: false, error: /master and slave are both primaries of the same cluster on timeline 2: a split brain/, checkRoundTrips: 0 },
    },
    {
      name: 'a standby on a newer timeline than the only primary: its primary is missing, no guess',
      args,
      before: [],
      peers: peers({ system: SYSTEM, timeline: 1, role: 'primary', running: false }, { system: SYSTEM, timeline: 3, role: 'standby' }),
      expect: { changed: false, error: /slave is a standby on timeline 3, newer than primary master's 1/, checkRoundTrips: 0 },
    },
    {
      name: 'the promoted slave after the master was wiped (fresh initdb): the slave stays primary',
      args,
      before: [],
      peers: peers({ system: '9', timeline: 1, role: 'primary' }, { system: SYSTEM, timeline: 2, role: 'primary' }),
      expect: { changed: false, message: /^primary slave, standby master$/, checkRoundTrips: 0 },
    },
  ],
};

export default cases;
