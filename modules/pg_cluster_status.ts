// pg_cluster_status: the cluster at a glance, for playbooks/status.yml. Runs on the balancer:
// each node's own state (pg-node.ts), the primary's view of its standbys (pg_stat_replication),
// pgpool-II's view (pcp_node_info), and what to run next when something is off. Read-only.
import { ModuleError, defineModule, type ModuleContext } from '../sdk/index.js';
import type { PgNodeSpec } from './lib/pg-node.js';
import { psqlCommand } from './lib/psql.js';
import { decideTopology, readNode, rejoinCommand, type NodeReport, type Topology } from './lib/pg-topology.js';
import { nodeInfoAnswers, nodeInfoProbes } from './lib/pcp.js';
import { statusTable, type PcpView, type ReplicationRow, type SlotRow } from './lib/cluster-status.js';

interface Args {
  nodes: string[];
  addresses: string[];
  preferred_primary: string;
  version: string | number;
  cluster: string;
  port: number;
  data_directory?: string;
  pcp_port: number;
  pcp_user: string;
  pcp_pass_file: string;
}

const backendIds = (a: Args): number[] => a.nodes.map((_, i) => i);

/** pgpool-II's view of every backend (pcp_node_info -v): this host's probes, the balancer's. */
function pgpoolView(a: Args, probed: Record<string, unknown>): PcpView[] {
  const answers = nodeInfoAnswers(backendIds(a), probed);
  return answers.map((x) => (x.ok ? { status: x.node.status, role: x.node.role ?? undefined } : { status: 'unknown', error: x.error }));
}

/** The primary's pg_stat_replication (state, sync state and replay lag per standby address) and physical slots. */
async function replication(ctx: ModuleContext, primary: string, spec: PgNodeSpec): Promise<{ rows: ReplicationRow[]; syncNames: string; slots: SlotRow[] }> {
  const v = Number(spec.version);
  const lag = v >= 10 ? 'pg_wal_lsn_diff(pg_current_wal_lsn(), replay_lsn)' : 'pg_xlog_location_diff(pg_current_xlog_location(), replay_location)';
  const kept = v >= 10 ? 'pg_wal_lsn_diff(pg_current_wal_lsn(), restart_lsn)' : 'pg_xlog_location_diff(pg_current_xlog_location(), restart_lsn)';
  const lagTime = v >= 10 ? "coalesce(round(extract(epoch FROM replay_lag)::numeric, 1)::text, '0')" : "'?'";
  const sql =
    `SELECT 'R|' || host(client_addr) || '|' || state || '|' || sync_state || '|' || coalesce(${lag}, 0)::bigint::text || '|' || ${lagTime} FROM pg_stat_replication;\n` +
    `SELECT 'S|' || current_setting('synchronous_standby_names');\n` +
    `SELECT 'L|' || slot_name || '|' || active::text || '|' || coalesce(${kept}, 0)::bigint::text FROM pg_replication_slots WHERE slot_type = 'physical';\n`;
  const conn = await ctx.connectionTo(primary);
  const r = await conn.exec(`cd / && ${psqlCommand({ db: 'postgres', port: spec.port })} -At`, { becomeUser: 'postgres', stdin: sql });
  const lines = r.stdout.split('\n');
  const rows = lines.filter((l) => l.startsWith('R|')).map((l) => {
    const [, address = '', state = '', sync = '', bytes = '0', seconds = '0'] = l.split('|');
    return { address, state, sync, lagBytes: Number(bytes), lagSeconds: seconds };
  });
  const slots = lines.filter((l) => l.startsWith('L|')).map((l) => {
    const [, name = '', active = 'false', bytes = '0'] = l.split('|');
    return { name, active: active === 'true', keptBytes: Number(bytes) };
  });
  return { rows, syncNames: lines.find((l) => l.startsWith('S|'))?.slice(2) ?? '', slots };
}

export default defineModule<Args>({
  name: 'pg_cluster_status',
  summary: "One table of the cluster: each node's role, timeline, replication state and lag, pgpool-II's view, and what to run next",
  description:
    'Runs on the balancer. Reads every node (as pg_topology does), the primary\'s pg_stat_replication ' +
    '(state, sync state, replay lag in bytes and seconds), synchronous_standby_names, its physical replication ' +
    'slots (active or not, the WAL each keeps), and pcp_node_info for ' +
    'each backend id (backend i is nodes[i]). Prints one table and, where something is off, the command ' +
    'to run next (rejoin.yml for a stale or detached node). Never changes anything.',
  schema: {
    type: 'object',
    additionalProperties: false,
    required: ['nodes', 'addresses', 'preferred_primary', 'version'],
    properties: {
      nodes: { type: 'array', items: { type: 'string' }, minItems: 1, description: 'Inventory names of the nodes, in pgpool-II backend order.' },
      addresses: { type: 'array', items: { type: 'string' }, description: 'Their cluster addresses (pg_stat_replication client_addr).' },
      preferred_primary: { type: 'string' },
      version: { type: ['string', 'number'] },
      cluster: { type: 'string', default: 'main' },
      port: { type: 'integer', default: 5432 },
      data_directory: { type: 'string' },
      pcp_port: { type: 'integer', default: 9898 },
      pcp_user: { type: 'string', default: 'root' },
      pcp_pass_file: { type: 'string', default: '/root/.pcppass' },
    },
  },

  probes: (a) => nodeInfoProbes(backendIds(a), { host: '127.0.0.1', port: a.pcp_port, user: a.pcp_user, passFile: a.pcp_pass_file }),
  async check(ctx, a, probed) {
    const version = String(a.version);
    const spec: PgNodeSpec = { version, cluster: a.cluster, port: a.port, data: a.data_directory ?? `/var/lib/postgresql/${version}/${a.cluster}` };
    const nodes: NodeReport[] = await Promise.all(a.nodes.map((h) => readNode(ctx, h, spec)));
    const topology: Topology = decideTopology(nodes, a.preferred_primary);
    const pcp = pgpoolView(a, probed);
    const repl = topology.primary && nodes.find((n) => n.host === topology.primary)?.running ? await replication(ctx, topology.primary, spec) : { rows: [], syncNames: '', slots: [] };
    if (a.addresses.length !== a.nodes.length) throw new ModuleError('pg_cluster_status: addresses must name one address per node');
    const table = statusTable({ nodes, addresses: a.addresses, topology, pcp, replication: repl.rows, syncNames: repl.syncNames, slots: repl.slots, rejoin: rejoinCommand });
    return { changed: false, reason: table.summary, output: table.text, result: { rows: table.rows, healthy: table.healthy, topology } };
  },

  async apply() {
    // check never reports a change.
  },
});
