// The status table of pg_cluster_status: pure, from what the module read, so that a fixture test
// can check every verdict and the advice that goes with it.
import type { NodeReport, Topology } from './pg-topology.js';

export interface PcpView {
  status: string;
  role?: string;
  error?: string;
}

export interface ReplicationRow {
  address: string;
  state: string;
  sync: string;
  lagBytes: number;
  lagSeconds: string;
}

/** A physical replication slot on the primary and the WAL it keeps (from restart_lsn on). */
export interface SlotRow {
  name: string;
  active: boolean;
  keptBytes: number;
}

export interface StatusInput {
  nodes: NodeReport[];
  addresses: string[];
  topology: Topology;
  pcp: PcpView[];
  replication: ReplicationRow[];
  syncNames: string;
  slots: SlotRow[];
  rejoin: (host: string) => string;
}

export interface StatusRow {
  node: string;
  role: string;
  timeline: string;
  replication: string;
  lag: string;
  pgpool: string;
  next: string;
}

const HEAD: StatusRow = { node: 'NODE', role: 'ROLE', timeline: 'TL', replication: 'REPLICATION', lag: 'LAG', pgpool: 'PGPOOL', next: 'NEXT' };

function bytes(n: number): string {
  return n < 1024 ? `${n} B` : n < 1 << 20 ? `${(n / 1024).toFixed(1)} kB` : `${(n / (1 << 20)).toFixed(1)} MB`;
}

export function statusTable(s: StatusInput): { rows: StatusRow[]; text: string; summary: string; healthy: boolean } {
  const t = s.topology;
  const rows = s.nodes.map((n, i): StatusRow => {
    const pcp = s.pcp[i] ?? { status: 'unknown' };
    const pgpool = pcp.status === 'up' || pcp.status === 'down' ? `${pcp.status}${pcp.role ? ` ${pcp.role}` : ''}` : `${pcp.status}${pcp.error ? ` (${pcp.error})` : ''}`;
    const base = { node: n.host, timeline: n.timeline === undefined ? '-' : String(n.timeline), pgpool };
    if (!n.reachable) return { ...base, role: 'unreachable', replication: '-', lag: '-', next: `bring ${n.host} back, then playbooks/status.yml` };
    if (!n.installed) return { ...base, role: 'no cluster', replication: '-', lag: '-', next: 'playbooks/site.yml' };
    if (n.host === t.primary) {
      const next = !n.running ? 'start it (pg_ctlcluster … start)' : pcp.status !== 'up' ? `pcp_attach_node -n ${i}` : '-';
      const repl = s.syncNames ? `primary; synchronous_standby_names '${s.syncNames}'` : 'primary';
      return { ...base, role: n.running ? 'primary' : 'primary (stopped)', replication: repl, lag: '-', next };
    }
    if (t.stale.includes(n.host)) {
      return { ...base, role: `stale former primary${n.running ? ' (RUNNING)' : ''}${n.fenced ? ', fenced' : ''}`, replication: '-', lag: '-', next: s.rejoin(n.host) };
    }
    const r = s.replication.find((x) => x.address === s.addresses[i]);
    const replication = r ? `${r.state} (${r.sync})` : n.running ? 'not streaming' : 'stopped';
    const lag = r ? `${bytes(r.lagBytes)}, ${r.lagSeconds} s` : '-';
    const ok = r?.state === 'streaming' && pcp.status === 'up';
    return { ...base, role: n.role === 'standby' ? 'standby' : `${n.role} (to seed)`, replication, lag, next: ok ? '-' : s.rejoin(n.host) };
  });
  const all = [HEAD, ...rows];
  const keys = Object.keys(HEAD) as (keyof StatusRow)[];
  const width = Object.fromEntries(keys.map((k) => [k, Math.max(...all.map((r) => r[k].length))])) as Record<keyof StatusRow, number>;
  const line = (r: StatusRow) => keys.map((k, j) => (j === keys.length - 1 ? r[k] : r[k].padEnd(width[k]))).join('  ');
  const problems = t.problems.map((p) => `problem: ${p}`);
  // An inactive slot keeps WAL on the primary until its standby streams again (13+: up to
  // max_slot_wal_keep_size): say so, with what it keeps.
  const slots = s.slots.length
    ? [`slots on ${t.primary}: ${s.slots.map((x) => `${x.name} (${x.active ? 'active' : 'INACTIVE'}, keeps ${bytes(x.keptBytes)} of WAL)`).join(', ')}`]
    : [];
  const healthy = t.problems.length === 0 && rows.every((r) => r.next === '-');
  const summary = t.problems.length ? 'the topology cannot be decided' : healthy ? `healthy: primary ${t.primary}, standby ${t.standbys.join(', ')}` : 'needs attention: see NEXT';
  return { rows, healthy, summary, text: [...all.map(line), ...slots, ...problems, summary].join('\n') };
}
