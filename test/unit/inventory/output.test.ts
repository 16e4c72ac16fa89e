import { expect } from 'chai';
import { join } from 'node:path';
import { inventoryGraph, inventoryList, loadInventory } from '../../../engine/inventory/index.js';
import { removeTrees, tree } from './temp-tree.js';

const INVENTORY = `
all:
  vars:
    site: lab
  hosts:
    bastion:
  children:
    pg:
      vars:
        pg_version: 15
      children:
        standby:
          hosts:
            db2:
        primary:
          hosts:
            db1:
              ansible_host: 127.0.0.2
    empty:
`;

describe('inventory: --list and --graph', () => {
  after(removeTrees);
  const inv = () => loadInventory(join(tree({ 'inv.yml': INVENTORY, 'host_vars/db2.yml': 'role: standby\n' }), 'inv.yml'));

  it('lists like ansible-inventory --list', () => {
    expect(inventoryList(inv())).to.deep.equal({
      _meta: {
        hostvars: {
          bastion: { site: 'lab' },
          db2: { site: 'lab', pg_version: 15, role: 'standby' },
          db1: { site: 'lab', pg_version: 15, ansible_host: '127.0.0.2' },
        },
      },
      all: { children: ['empty', 'pg', 'ungrouped'], vars: { site: 'lab' } },
      pg: { children: ['primary', 'standby'], vars: { pg_version: 15 } },
      standby: { hosts: ['db2'] },
      primary: { hosts: ['db1'] },
      ungrouped: { hosts: ['bastion'] },
    });
  });

  it('serializes the list to JSON with no magic variables', () => {
    const text = JSON.stringify(inventoryList(inv()));
    expect(text).to.not.match(/inventory_(hostname|dir|file)|group_names/);
  });

  it('draws the graph like ansible-inventory --graph', () => {
    expect(inventoryGraph(inv())).to.equal(
      ['@all:', '  |--@empty:', '  |--@pg:', '  |  |--@primary:', '  |  |  |--db1', '  |  |--@standby:', '  |  |  |--db2', '  |--@ungrouped:', '  |  |--bastion'].join(
        '\n',
      ),
    );
  });

  it('draws the graph from another group, and refuses an unknown one', () => {
    expect(inventoryGraph(inv(), 'pg')).to.equal(['@pg:', '  |--@primary:', '  |  |--db1', '  |--@standby:', '  |  |--db2'].join('\n'));
    expect(() => inventoryGraph(inv(), 'nosuch')).to.throw(/no group 'nosuch'/);
  });
});
