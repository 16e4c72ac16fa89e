// pcp_node_info: pgpool-II's view of its backends as data (a list of dicts), so that playbooks
// compare `status` and `role` instead of parsing pcp_node_info's text. Read-only: the same in
// check mode.
import { ModuleError, defineModule } from '../sdk/index.js';
import { nodeInfoAnswers, nodeInfoProbes, type PcpNode } from './lib/pcp.js';

interface Args {
  node_ids: number[];
  pcp_host: string;
  pcp_port: number;
  pcp_user: string;
  pcp_pass_file: string;
}

export default defineModule<Args>({
  name: 'pcp_node_info',
  summary: "Read pgpool-II's view of its backends (pcp_node_info -v): each node's address, status and role",
  description:
    'Runs `pcp_node_info -v -n ID` on the host (the balancer) for every id of `node_ids`, in one round trip, ' +
    'with the password from `pcp_pass_file` (PCPPASSFILE, never in argv). Returns `nodes`, one dict per id in ' +
    'the order given: `id`, `hostname`, `port`, `status` (`up` for Status 1 or 2, `down` for 3, else ' +
    "pgpool-II's status name), `status_code`, and `role` (`primary` or `standby`; null before pgpool-II 3.7). " +
    'Fails when pcp_node_info fails for an id (pgpool-II not running, a wrong password, an unknown id), so ' +
    'that `until:` retries it. Never changes anything.',
  schema: {
    type: 'object',
    additionalProperties: false,
    required: ['node_ids'],
    properties: {
      node_ids: { type: 'array', items: { type: 'integer', minimum: 0 }, minItems: 1, description: 'Backend ids (backend_hostnameN in pgpool.conf).' },
      pcp_host: { type: 'string', default: '127.0.0.1' },
      pcp_port: { type: 'integer', default: 9898 },
      pcp_user: { type: 'string', default: 'root' },
      pcp_pass_file: { type: 'string', default: '/root/.pcppass', description: 'The .pcppass file pcp_node_info reads the password from.' },
    },
  },
  examples: `- pcp_node_info:
    node_ids: [0, 1]
  register: pcp
- assert:
    that: pcp.nodes | selectattr('status', 'eq', 'up') | list | length == 2`,

  probes: (a) => nodeInfoProbes(a.node_ids, { host: a.pcp_host, port: a.pcp_port, user: a.pcp_user, passFile: a.pcp_pass_file }),
  async check(_ctx, a, probed) {
    const answers = nodeInfoAnswers(a.node_ids, probed);
    const failed = answers.flatMap((x) => (x.ok ? [] : [`pcp_node_info -n ${x.id}: ${x.error}`]));
    if (failed.length) throw new ModuleError(failed.join('; '));
    const nodes: PcpNode[] = answers.flatMap((x) => (x.ok ? [x.node] : []));
    const reason = nodes.map((n) => `node ${n.id} ${n.hostname ?? '?'}: ${n.status}${n.role ? ` ${n.role}` : ''}`).join('; ');
    return { changed: false, reason, result: { nodes } };
  },

  async apply() {
    // check never reports a change.
  },
});
