import { expect } from 'chai';
import { join } from 'node:path';
import { loadInventory } from '../../../engine/inventory/index.js';
import { removeTrees, tree } from './temp-tree.js';

// Each level sets `level` and its own marker, so one host shows both who won and who was read.
const INVENTORY = `
all:
  vars: {level: all-inventory, from_all: 1}
  children:
    parent:
      vars: {level: parent-inventory, from_parent: 1}
      children:
        child:
          vars: {level: child-inventory, from_child: 1}
          hosts:
            h1: {level: host-inventory}
            h2:
            h3:
    alpha:
      vars: {tie: alpha}
      hosts:
        h2:
    beta:
      vars: {tie: beta}
      hosts:
        h2:
        h3:
    omega:
      vars: {tie: omega, ansible_group_priority: 0}
      hosts:
        h3:
`;

function load(extra: Record<string, string> = {}) {
  return loadInventory(join(tree({ 'inv.yml': INVENTORY, ...extra }), 'inv.yml'));
}

describe('inventory: variable precedence', () => {
  after(removeTrees);

  it('orders all < parent < child < host', () => {
    const inv = load();
    expect(inv.hostVars('h1')).to.include({ level: 'host-inventory', from_all: 1, from_parent: 1, from_child: 1 });
    expect(inv.hostVars('h2').level).to.equal('child-inventory');
  });

  it('lets group_vars/all beat the inventory file for all, but not a child group', () => {
    const inv = load({ 'group_vars/all.yml': 'level: all-dir\nfrom_all: 2\n' });
    expect(inv.hostVars('h2')).to.include({ level: 'child-inventory', from_all: 2 });
  });

  it("lets a group's group_vars file beat that group's inventory vars", () => {
    const inv = load({ 'group_vars/child.yaml': 'level: child-dir\n', 'group_vars/parent.yml': 'level: parent-dir\n' });
    expect(inv.hostVars('h2').level).to.equal('child-dir');
    expect(inv.groups.get('child')!.vars).to.include({ level: 'child-dir', from_child: 1 });
  });

  it('lets host_vars beat inline host vars', () => {
    const inv = load({ 'host_vars/h1.json': '{\n\t"level": "host-dir"\n}\n', 'group_vars/child.yml': 'level: child-dir\n' });
    expect(inv.hostVars('h1').level).to.equal('host-dir');
  });

  it('breaks ties between groups of one depth by name, then ansible_group_priority', () => {
    const inv = load();
    expect(inv.hostVars('h2').tie).to.equal('beta');
    // omega sorts after beta by name but has a lower priority.
    expect(inv.hostVars('h3').tie).to.equal('beta');
  });

  it('merges a vars directory in name order, then NAME.yml over it', () => {
    const inv = load({
      'group_vars/child/10-base.yml': 'a: base\nb: base\nc: base\n',
      'group_vars/child/20-more.yaml': 'b: more\nc: more\n',
      'group_vars/child/sub/30-deep.yml': 'c: deep\n',
      'group_vars/child/notes.txt': 'c: ignored\n',
      'group_vars/child.yml': 'a: file\n',
    });
    expect(inv.hostVars('h2')).to.include({ a: 'file', b: 'more', c: 'deep' });
  });

  it('merges inline vars of a host listed in several groups, the later listing winning', () => {
    const inv = loadInventory(
      join(tree({ 'inv.yml': 'a:\n  hosts:\n    h: {x: 1, y: 1}\nb:\n  hosts:\n    h: {y: 2}\n' }), 'inv.yml'),
    );
    expect(inv.hostVars('h')).to.include({ x: 1, y: 2 });
    expect(inv.hostVars('h').group_names).to.deep.equal(['a', 'b']);
  });

  it('ignores group_vars and host_vars of names not in the inventory', () => {
    const inv = load({ 'group_vars/nosuch.yml': 'level: nope\n', 'host_vars/ghost.yml': 'level: nope\n' });
    expect(inv.groups.has('nosuch')).to.equal(false);
    expect(inv.hosts.has('ghost')).to.equal(false);
    expect(inv.hostVars('h2').level).to.equal('child-inventory');
  });
});
