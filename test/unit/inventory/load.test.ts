import { expect } from 'chai';
import { join } from 'node:path';
import { loadInventory } from '../../../engine/inventory/index.js';
import { removeTrees, tree } from './temp-tree.js';

const CLUSTER = `
all:
  vars:
    ntp: pool
  hosts:
    bastion:
      ansible_host: 127.0.0.1
  children:
    pg:
      children:
        primary:
          hosts:
            db1:
              ansible_host: 127.0.0.2
        standby:
          hosts:
            db2: {ansible_port: 2222}
            db1:
    pgpool:
      hosts:
        db1:
        db2:
        pool1:
`;

describe('inventory: loading', () => {
  after(removeTrees);

  it('reads hosts, nested groups and direct memberships in inventory order', () => {
    const inv = loadInventory(join(tree({ 'hosts.yml': CLUSTER }), 'hosts.yml'));
    expect([...inv.hosts.keys()]).to.deep.equal(['bastion', 'db1', 'db2', 'pool1']);
    expect(inv.groups.get('pg')!.children).to.deep.equal(['primary', 'standby']);
    expect(inv.groups.get('primary')!.parents).to.deep.equal(['pg']);
    expect(inv.groups.get('standby')!.hosts).to.deep.equal(['db2', 'db1']);
    expect(inv.groups.get('pgpool')!.parents).to.deep.equal(['all']);
    expect(inv.hosts.get('db1')!.groups).to.deep.equal(['all', 'pg', 'pgpool', 'primary', 'standby']);
    expect(inv.hosts.get('bastion')!.groups).to.deep.equal(['all', 'ungrouped']);
  });

  it("puts hosts of no other group into 'ungrouped' and gives the groups magic variable", () => {
    const inv = loadInventory(join(tree({ 'hosts.yml': CLUSTER }), 'hosts.yml'));
    const members = inv.groupMembers();
    expect(members.all).to.deep.equal(['bastion', 'db1', 'db2', 'pool1']);
    expect(members.ungrouped).to.deep.equal(['bastion']);
    expect(members.pg).to.deep.equal(['db1', 'db2']);
    expect(members.pgpool).to.deep.equal(['db1', 'db2', 'pool1']);
    expect(inv.groups.get('all')!.children).to.include.members(['pg', 'pgpool', 'ungrouped']);
  });

  it('accepts top-level groups besides all, as Ansible does', () => {
    const inv = loadInventory(join(tree({ 'h.yml': 'web:\n  hosts:\n    w1:\ndb:\n  hosts:\n    d1:\n' }), 'h.yml'));
    expect(inv.groups.get('web')!.parents).to.deep.equal(['all']);
    expect(inv.select('all')).to.deep.equal(['w1', 'd1']);
  });

  it('expands host ranges and name:port entries', () => {
    const inv = loadInventory(
      join(tree({ 'h.yml': 'all:\n  hosts:\n    web[08:10]:\n    db-[a:c]:\n    n[1:9:4]x:\n    edge:2222:\n' }), 'h.yml'),
    );
    expect([...inv.hosts.keys()]).to.deep.equal(['web08', 'web09', 'web10', 'db-a', 'db-b', 'db-c', 'n1x', 'n5x', 'n9x', 'edge']);
    expect(inv.hostVars('edge').ansible_port).to.equal(2222);
  });

  it('gives magic variables and returns values untemplated', () => {
    const dir = tree({ 'h.yml': "all:\n  hosts:\n    db1.lab.example:\n      greeting: '{{ who }}'\n" });
    const inv = loadInventory(join(dir, 'h.yml'));
    const v = inv.hostVars('db1.lab.example');
    expect(v.greeting).to.equal('{{ who }}');
    expect(v.inventory_hostname).to.equal('db1.lab.example');
    expect(v.inventory_hostname_short).to.equal('db1');
    expect(v.group_names).to.deep.equal(['ungrouped']);
    expect(v.inventory_dir).to.equal(dir);
    expect(v.inventory_file).to.equal(join(dir, 'h.yml'));
  });

  it('has an implicit localhost with a local connection, outside all', () => {
    const dir = tree({ 'h.yml': 'all:\n  vars:\n    site: lab\n  hosts:\n    db1:\n', 'host_vars/localhost.yml': 'extra: 1\n' });
    const inv = loadInventory(join(dir, 'h.yml'));
    expect(inv.select('localhost')).to.deep.equal(['localhost']);
    expect(inv.select('all')).to.deep.equal(['db1']);
    expect(inv.hosts.has('localhost')).to.equal(true);
    expect(inv.hosts.get('localhost')!.groups).to.deep.equal([]);
    expect([...inv.hosts.keys()]).to.deep.equal(['db1']);
    const v = inv.hostVars('localhost');
    expect(v).to.include({ ansible_connection: 'local', site: 'lab', extra: 1 });
    expect(v.group_names).to.deep.equal([]);
  });

  it('uses a real localhost from the inventory instead of the implicit one', () => {
    const inv = loadInventory(join(tree({ 'h.yml': 'all:\n  hosts:\n    localhost:\n      ansible_connection: ssh\n' }), 'h.yml'));
    expect(inv.select('all')).to.deep.equal(['localhost']);
    expect(inv.hostVars('localhost').ansible_connection).to.equal('ssh');
  });

  it('loads an empty file as an empty inventory', () => {
    const inv = loadInventory(join(tree({ 'h.yml': '# nothing yet\n' }), 'h.yml'));
    expect(inv.hosts.size).to.equal(0);
    expect([...inv.groups.keys()]).to.deep.equal(['all', 'ungrouped']);
  });

  it('refuses an unknown host in hostVars', () => {
    const inv = loadInventory(join(tree({ 'h.yml': 'all:\n  hosts:\n    a:\n' }), 'h.yml'));
    expect(() => inv.hostVars('b')).to.throw(/host 'b' is not in the inventory/);
  });
});
