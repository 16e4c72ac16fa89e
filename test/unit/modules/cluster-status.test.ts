// The status table's verdicts and advice, from node states as pg-node.ts reads them.
import { expect } from 'chai';
import { statusTable, type StatusInput } from '../../../modules/lib/cluster-status.js';
import { decideTopology, rejoinCommand, type NodeReport } from '../../../modules/lib/pg-topology.js';

const SYSTEM = '7441';
const node = (host: string, o: Partial<NodeReport>): NodeReport => ({ host, reachable: true, installed: true, running: true, role: 'primary', systemId: SYSTEM, timeline: 1, fenced: false, ...o });
const input = (nodes: NodeReport[], over: Partial<StatusInput> = {}): StatusInput => ({
  nodes,
  addresses: ['10.0.0.10', '10.0.0.11'],
  topology: decideTopology(nodes, 'master'),
  pcp: [{ status: 'up', role: 'primary' }, { status: 'up', role: 'standby' }],
  replication: [{ address: '10.0.0.11', state: 'streaming', sync: 'async', lagBytes: 0, lagSeconds: '0' }],
  syncNames: '',
  slots: [],
  rejoin: rejoinCommand,
  ...over,
});

describe('cluster status table', () => {
  it('a healthy cluster: every NEXT is "-"', () => {
    const t = statusTable(input([node('master', {}), node('slave', { role: 'standby' })]));
    expect(t.healthy).to.equal(true);
    expect(t.text.split('\n')[0]).to.match(/^NODE\s+ROLE\s+TL\s+REPLICATION\s+LAG\s+PGPOOL\s+NEXT$/);
    expect(t.rows.map((r) => [r.node, r.role, r.replication, r.pgpool, r.next])).to.deep.equal([
      ['master', 'primary', 'primary', 'up primary', '-'],
      ['slave', 'standby', 'streaming (async)', 'up standby', '-'],
    ]);
    expect(t.summary).to.equal('healthy: primary master, standby slave');
  });

  it('after a failover: the stale former primary is named with the command that rejoins it', () => {
    const nodes = [node('master', { timeline: 1, running: false, fenced: true }), node('slave', { timeline: 2 })];
    const t = statusTable(input(nodes, { pcp: [{ status: 'down', role: 'standby' }, { status: 'up', role: 'primary' }], replication: [] }));
    expect(t.healthy).to.equal(false);
    expect(t.rows[0]).to.include({ role: 'stale former primary, fenced', timeline: '1', pgpool: 'down standby' });
    expect(t.rows[0]!.next).to.equal('tsplay run playbooks/rejoin.yml -i INVENTORY -e rejoin_host=master');
    expect(t.rows[1]).to.include({ role: 'primary', timeline: '2', next: '-' });
  });

  it('a standby pgpool-II has detached: rejoin it (which attaches it)', () => {
    const t = statusTable(input([node('master', {}), node('slave', { role: 'standby' })], { pcp: [{ status: 'up', role: 'primary' }, { status: 'down', role: 'standby' }] }));
    expect(t.rows[1]!.next).to.match(/rejoin_host=slave$/);
    expect(t.summary).to.equal('needs attention: see NEXT');
  });

  it("the primary's slots, and the WAL an inactive one keeps for a standby that is away", () => {
    const slots = [{ name: 'slave', active: false, keptBytes: 48 << 20 }];
    const t = statusTable(input([node('master', {}), node('slave', { role: 'standby', running: false })], { replication: [], slots }));
    expect(t.text).to.include('slots on master: slave (INACTIVE, keeps 48.0 MB of WAL)');
    expect(statusTable(input([node('master', {}), node('slave', { role: 'standby' })])).text).not.to.include('slots on');
  });

  it('a split brain is reported as a problem, not guessed', () => {
    const t = statusTable(input([node('master', { timeline: 2 }), node('slave', { timeline: 2 })]));
    expect(t.healthy).to.equal(false);
    expect(t.text).to.match(/problem: master and slave are both primaries of the same cluster on timeline 2/);
  });
});
