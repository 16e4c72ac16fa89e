// pg_topology: which database node is the primary now, read from the nodes (never from the
// inventory's names), so that a rerun of the playbooks after a failover keeps the new primary,
// configures the standby wherever it is and leaves a stale former primary alone. Read-only: one
// round trip per node, the same in check mode.
import { ModuleError, defineModule } from '../sdk/index.js';
import { describeNode, type PgNodeSpec } from './lib/pg-node.js';
import { decideTopology, readNode, rejoinCommand } from './lib/pg-topology.js';

interface Args {
  nodes: string[];
  preferred_primary: string;
  version: string | number;
  cluster: string;
  port: number;
  data_directory?: string;
}

export default defineModule<Args>({
  name: 'pg_topology',
  summary: 'Read which PostgreSQL node is the primary now, which are standbys and which are stale former primaries',
  description:
    'Connects to every node of `nodes` (one round trip each, as postgres) and reads: is a cluster there, is ' +
    'it running, pg_is_in_recovery(), the database system identifier, the timeline (the one a running ' +
    'primary writes, else pg_controldata\'s latest checkpoint), the WAL position, and start.conf. Then it ' +
    'decides: the primary on the newest timeline is the primary; other primaries of the same system on an ' +
    'older timeline are stale (a failover left them behind: never start them, never copy from them, rejoin ' +
    'them); fresh clusters that never replicated follow the inventory (`preferred_primary`). Two primaries ' +
    'of one system on the same timeline, or a standby ahead of every primary, fail the task: nothing on the ' +
    'hosts says which data is right. Sets the facts pg_primary_host, pg_standby_hosts, pg_stale_hosts and ' +
    'pg_topology (every node\'s state) and never changes anything.',
  schema: {
    type: 'object',
    additionalProperties: false,
    required: ['nodes', 'preferred_primary', 'version'],
    properties: {
      nodes: { type: 'array', items: { type: 'string' }, minItems: 1, description: 'Inventory names of the database nodes.' },
      preferred_primary: { type: 'string', description: 'The inventory\'s primary: decides only between fresh clusters that never replicated.' },
      version: { type: ['string', 'number'], description: 'PostgreSQL major version.' },
      cluster: { type: 'string', default: 'main' },
      port: { type: 'integer', default: 5432 },
      data_directory: { type: 'string', description: 'Default /var/lib/postgresql/VERSION/CLUSTER.' },
    },
  },
  examples: `- pg_topology:
    nodes: [master, slave]
    preferred_primary: master
    version: "{{ pg_version }}"`,

  async check(ctx, a) {
    const version = String(a.version);
    const spec: PgNodeSpec = { version, cluster: a.cluster, port: a.port, data: a.data_directory ?? `/var/lib/postgresql/${version}/${a.cluster}` };
    // Other hosts' probes, each read over its own connection (this host declares none).
    const nodes = await Promise.all(a.nodes.map((h) => readNode(ctx, h, spec)));
    const t = decideTopology(nodes, a.preferred_primary);
    const byHost = Object.fromEntries(nodes.map((n) => [n.host, n]));
    const lines = nodes.map((n) => `${n.host}: ${n.reachable ? describeNode(n) : `unreachable (${n.error ?? 'no answer'})`}`);
    if (t.problems.length) throw new ModuleError(`cannot tell the cluster's topology: ${t.problems.join('; ')}\n${lines.join('\n')}`, { nodes: byHost });
    const facts = { pg_primary_host: t.primary, pg_standby_hosts: t.standbys, pg_stale_hosts: t.stale, pg_topology: { ...t, nodes: byHost } };
    const staleText = t.stale.map((h) => `${h} is a stale former primary (timeline ${byHost[h]!.timeline ?? '?'}, the primary ${t.primary} is on ${byHost[t.primary!]!.timeline ?? '?'}): it is not started, not copied from and not overwritten; rejoin it with: ${rejoinCommand(h)}`);
    return {
      changed: false,
      reason: `primary ${t.primary}${t.standbys.length ? `, standby ${t.standbys.join(', ')}` : ''}${t.stale.length ? `, stale ${t.stale.join(', ')}` : ''}${t.fresh ? ' (fresh clusters: the inventory decides)' : ''}`,
      facts,
      result: { ...facts, lines },
      ...(t.stale.length ? { output: staleText.join('\n') } : {}),
    };
  },

  async apply() {
    // check never reports a change.
  },
});
