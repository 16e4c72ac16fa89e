// pcp_node_info on the balancer "h1": the replies are pcp_node_info -v outputs as pgpool-II 4.3
// and 3.6 print them (3.6 has no Role line and writes "Status Name:" without the space).
import pcpNodeInfo from '../../../modules/pcp_node_info.js';
import { probeReply, type SectionBody } from '../../support/section-replies.js';
import type { CaseFile } from '../harness.js';

const v43 = (host: string, status: number, role: string) =>
  `Hostname               : ${host}\nPort                   : 5432\nStatus                 : ${status}\nWeight                 : 0.500000\n` +
  `Status Name            : ${status === 3 ? 'down' : 'up'}\nBackend Status Name    : ${status === 3 ? 'down' : 'up'}\nRole                   : ${role}\n` +
  `Backend Role           : ${role}\nReplication Delay      : 0\nReplication State      : \nReplication Sync State : \nLast Status Change     : 2026-12-02 03:00:00\n`;
const v36 = (host: string, status: number) => `Hostname   : ${host}\nPort       : 5432\nStatus     : ${status}\nWeight     : 0.500000\nStatus Name: ${status === 3 ? 'down' : 'up'}\n`;
const pcp = (nodes: Record<string, SectionBody>) => [probeReply(/pcp_node_info/, nodes)];

const cases: CaseFile = {
  module: pcpNodeInfo,
  cases: [
    {
      name: 'both backends up, with their roles (pgpool-II 4.3)',
      args: { node_ids: [0, 1] },
      before: pcp({ node0: v43('10.213.0.10', 2, 'primary'), node1: v43('10.213.0.11', 1, 'standby') }),
      expect: { changed: false, message: /^node 0 10\.213\.0\.10: up primary; node 1 10\.213\.0\.11: up standby$/ },
    },
    {
      name: 'a detached backend is down (Status 3)',
      args: { node_ids: [0, 1] },
      before: pcp({ node0: v43('10.213.0.10', 3, 'standby'), node1: v43('10.213.0.11', 2, 'primary') }),
      expect: { changed: false, message: /^node 0 10\.213\.0\.10: down standby; node 1 10\.213\.0\.11: up primary$/ },
    },
    {
      name: 'pgpool-II 3.6 shows no role',
      args: { node_ids: [1] },
      before: pcp({ node1: v36('192.168.12.7', 2) }),
      expect: { changed: false, message: /^node 1 192\.168\.12\.7: up$/ },
    },
    {
      name: 'the password comes from the pass file, never from argv',
      args: { node_ids: [0], pcp_pass_file: '/root/.pcppass', pcp_port: 9898, pcp_user: 'root' },
      before: [probeReply(/^echo '@@tsplay@@ node0'; \( env PCPPASSFILE=\/root\/\.pcppass pcp_node_info -h 127\.0\.0\.1 -p 9898 -U root -w -v -n 0 \)/, { node0: v43('10.213.0.10', 2, 'primary') })],
      expect: { changed: false, message: /^node 0 10\.213\.0\.10: up primary$/ },
    },
    {
      name: 'pcp_node_info failing for a node fails the task (until: retries it)',
      args: { node_ids: [0, 1] },
      before: pcp({ node0: v43('10.213.0.10', 2, 'primary'), node1: { out: 'ERROR: connection to socket "/var/run/postgresql/.s.PGSQL.9898" failed\n', rc: 1 } }),
      expect: { changed: false, error: /^pcp_node_info -n 1: ERROR: connection to socket/ },
    },
  ],
};

export default cases;
