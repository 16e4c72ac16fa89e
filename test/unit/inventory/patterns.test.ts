import { expect } from 'chai';
import { join } from 'node:path';
import { loadInventory } from '../../../engine/inventory/index.js';
import { removeTrees, tree } from './temp-tree.js';

const INVENTORY = `
all:
  hosts:
    bastion:
  children:
    db:
      children:
        primary:
          hosts:
            db1:
        standby:
          hosts:
            db2:
            db3:
    web:
      hosts:
        web1:
        web2:
        db3:
`;

describe('inventory: host patterns', () => {
  after(removeTrees);
  const inv = () => loadInventory(join(tree({ 'inv.yml': INVENTORY }), 'inv.yml'));

  const cases: [string, string[]][] = [
    ['all', ['bastion', 'db1', 'db2', 'db3', 'web1', 'web2']],
    ['*', ['bastion', 'db1', 'db2', 'db3', 'web1', 'web2']],
    ['db', ['db1', 'db2', 'db3']],
    ['db2', ['db2']],
    ['ungrouped', ['bastion']],
    ['web*', ['db3', 'web1', 'web2']],
    ['db?', ['db1', 'db2', 'db3']],
    ['web[!1]', ['web2']],
    // union keeps inventory order, whatever the order of the terms
    ['web:primary', ['db1', 'db3', 'web1', 'web2']],
    ['web1,bastion', ['bastion', 'web1']],
    ['db:!standby', ['db1']],
    ['db:&web', ['db3']],
    ['all:!db:!bastion', ['web1', 'web2']],
    ['!web', ['bastion', 'db1', 'db2']],
    ['~web\\d', ['web1', 'web2']],
    ['db[0]', ['db1']],
    ['db[-1]', ['db3']],
    ['db[1:]', ['db2', 'db3']],
    ['all[0:1]:web2', ['bastion', 'db1', 'web2']],
    ['db[7]', []],
    ['nosuch', []],
    ['nosuch:db1', ['db1']],
    [' web1 , db1 ', ['db1', 'web1']],
    ['localhost', ['localhost']],
    ['db1:localhost', ['db1', 'localhost']],
  ];
  for (const [pattern, hosts] of cases) {
    it(`'${pattern}' → ${hosts.join(' ') || 'nothing'}`, () => {
      expect(inv().select(pattern)).to.deep.equal(hosts);
    });
  }

  it('reports an invalid regular expression', () => {
    expect(() => inv().select('~web(')).to.throw(/invalid regular expression in host pattern '~web\('/);
  });
});
