// pcp_node_info -v parsing: the data the pcp_node_info module returns to playbooks.
import { expect } from 'chai';
import { parseNodeInfo } from '../../../modules/lib/pcp.js';

describe('pcp_node_info -v parsing', () => {
  it('reads hostname, port, status and role (pgpool-II 4.x)', () => {
    const text = 'Hostname               : 10.213.0.11\nPort                   : 5432\nStatus                 : 1\nWeight                 : 0.500000\nStatus Name            : waiting\nRole                   : standby\nReplication State      : \n';
    expect(parseNodeInfo(1, text)).to.deep.equal({ id: 1, hostname: '10.213.0.11', port: 5432, status: 'up', status_code: 1, role: 'standby' });
  });

  it('a down node, and no role before pgpool-II 3.7', () => {
    const text = 'Hostname   : 192.168.12.6\nPort       : 5432\nStatus     : 3\nWeight     : 0.500000\nStatus Name: down\n';
    expect(parseNodeInfo(0, text)).to.deep.equal({ id: 0, hostname: '192.168.12.6', port: 5432, status: 'down', status_code: 3, role: null });
  });

  it('an unknown status keeps pgpool-II\'s name for it; "Status Name" is not taken for "Status"', () => {
    const text = 'Hostname : h\nPort : 5432\nStatus Name : unused\nStatus : 0\n';
    expect(parseNodeInfo(2, text)).to.deep.include({ status: 'unused', status_code: 0 });
  });

  it('empty output: nothing known', () => {
    expect(parseNodeInfo(0, '')).to.deep.equal({ id: 0, hostname: null, port: null, status: 'status ?', status_code: null, role: null });
  });
});
