// `tsplay inventory --list` against Debian's `ansible-inventory --list` on the same files: INI
// with groups of groups, ranges and typed values; YAML; a directory; comma lists; several -i;
// scripts with and without _meta; group_vars/host_vars beside the inventory and the playbook.
// The JSON is compared after normalising key order and the order of children (a set in
// Ansible); tsplay also lists each group's own vars, which `--list` leaves out.
import { expect } from 'chai';
import { chmodSync } from 'node:fs';
import { join } from 'node:path';
import { encryptVault } from '../../engine/vault/cipher.js';
import { ansible, requireAnsibleTool } from '../support/ansible-tools.js';
import { playbookDir, removePlaybookDirs, runCli } from '../support/cli.js';

function normalise(v: unknown, key = ''): unknown {
  if (Array.isArray(v)) return key === 'children' ? [...v].sort() : v.map((x) => normalise(x));
  if (v && typeof v === 'object') {
    const entries = Object.entries(v as Record<string, unknown>).filter(([k]) => k !== 'vars' || key === 'hostvars' || key === '');
    return Object.fromEntries(entries.sort(([a], [b]) => (a < b ? -1 : 1)).map(([k, x]) => [k, normalise(x, k)]));
  }
  return v;
}

async function compare(dir: string, args: string[]): Promise<void> {
  const theirs = ansible('ansible-inventory', [...args, '--list'], { cwd: dir });
  expect(theirs.code, theirs.stderr).to.equal(0);
  const ours = await runCli(['inventory', ...args, '--list'], { cwd: dir });
  expect(ours.code, ours.stderr).to.equal(0);
  const a = JSON.stringify(normalise(JSON.parse(theirs.stdout.toString('utf8'))), null, 1);
  const b = JSON.stringify(normalise(JSON.parse(ours.stdout)), null, 1);
  expect(b).to.equal(a);
}

const INI = `# a DBA's inventory
loose ansible_host=192.0.2.9

[master]
pg-master ansible_host=192.0.2.10 ansible_port=2222 pg_version=15 weight=1.5 sync=True note="two words" path=/var/lib/pg

[slave]
pg-slave[1:2] ansible_host=192.0.2.11
replica-[a:b]:2200 letters='yes'

[balancer]
pgpool

[postgres:children]
master
slave

[cluster:children]
postgres
balancer

[cluster:vars]
pg_port=5432
owner = postgres admin
listen="*"
numbers=[1, 2, 3]
octal=010
none=None
empty=

[postgres:vars]
pg_port=5433

[all:vars]
ansible_user=root
`;

describe('integration: inventories compared with ansible-inventory', function () {
  this.timeout(120_000);
  before(function () {
    requireAnsibleTool(this, 'ansible-inventory');
  });
  after(removePlaybookDirs);

  it('an INI inventory with groups of groups, ranges, ports and typed values', async () => {
    await compare(playbookDir({ hosts: INI }), ['-i', 'hosts']);
  });

  it('INI with group_vars/host_vars beside it and beside the playbook: the layers in Ansible order', async () => {
    const dir = playbookDir({
      'inv/hosts.ini': INI,
      'inv/group_vars/all.yml': 'level: inv-all\nfrom_inv_all: 1\n',
      'inv/group_vars/cluster.yml': 'level: inv-cluster\npg_port: 6000\n',
      'inv/group_vars/slave/main.yml': 'level: inv-slave\n',
      'inv/host_vars/pg-slave1.yml': 'level: inv-host\n',
      'pb/group_vars/all.yml': 'level: pb-all\nfrom_pb_all: 1\n',
      'pb/group_vars/postgres.yml': 'level: pb-postgres\n',
      'pb/host_vars/pg-master.yml': 'level: pb-host\n',
      'pb/site.yml': '- hosts: all\n  tasks: []\n',
    });
    await compare(dir, ['-i', 'inv/hosts.ini', '--playbook-dir', 'pb']);
  });

  it('a YAML inventory and an INI one together (several -i), and a comma list', async () => {
    const dir = playbookDir({
      'a.yml': 'all:\n  vars: {x: from-yaml}\n  children:\n    db:\n      hosts:\n        db1: {p: 1}\n        db2:\n',
      'b.ini': '[db]\ndb2 p=2\n[web]\nw1\n[db:vars]\nx=from-ini\n',
    });
    await compare(dir, ['-i', 'a.yml', '-i', 'b.ini', '-i', 'h1,h2:2201,']);
    await compare(dir, ['-i', 'solo,']);
  });

  it('a directory of inventories, with its group_vars and ignored files', async () => {
    const dir = playbookDir({
      'inv/10-hosts.ini': '[db]\ndb1\n',
      'inv/20-more.yml': 'all:\n  children:\n    db:\n      hosts:\n        db2:\n',
      'inv/notes.txt': 'not an inventory',
      'inv/old.ini': '[ignored]\nnever\n',
      'inv/group_vars/db.yml': 'role: database\n',
    });
    await compare(dir, ['-i', 'inv']);
  });

  it('an inline !vault value is listed as its vault text, as ansible-inventory lists it', async () => {
    const text = encryptVault('db-secret', Buffer.from('hunter2')).trimEnd().split('\n').join('\n          ');
    const dir = playbookDir({ pw: 'hunter2\n', 'inv.yml': `all:\n  hosts:\n    db1:\n      pw: !vault |\n          ${text}\n      plain: 1\n` });
    await compare(dir, ['-i', 'inv.yml', '--vault-password-file', 'pw']);
  });

  it('--limit matching no host fails the same way in ansible-playbook and tsplay (exit 1, nothing run)', async () => {
    const dir = playbookDir({ hosts: '[web]\nw1 ansible_connection=local\n', 'site.yml': '- hosts: all\n  gather_facts: false\n  tasks:\n    - debug: {msg: hi}\n' });
    for (const limit of ['nosuch', 'localhost']) {
      const theirs = ansible('ansible-playbook', ['-i', 'hosts', 'site.yml', '--limit', limit], { cwd: dir });
      const ours = await runCli(['run', 'site.yml', '-i', 'hosts', '--limit', limit], { cwd: dir });
      expect(theirs.stderr).to.include('leaves us with no hosts to target');
      expect(ours.stderr).to.include('leaves us with no hosts to target');
      expect([ours.code, theirs.code]).to.deep.equal([1, 1]);
    }
  });

  it('inventory scripts: with _meta.hostvars, and asked --host for each host without it', async () => {
    const dir = playbookDir({
      'meta.sh': `#!/bin/sh\n[ "$1" = --list ] && echo '{"db": {"hosts": ["d1", "d2"], "vars": {"v": 1}, "children": ["dbx"]}, "dbx": ["d3"], "_meta": {"hostvars": {"d1": {"a": "x"}}}}'\n`,
      'nometa.sh': `#!/bin/sh\nif [ "$1" = --list ]; then echo '{"web": ["w1", "w2"]}'; else echo "{\\"who\\": \\"$2\\"}"; fi\n`,
    });
    chmodSync(join(dir, 'meta.sh'), 0o755);
    chmodSync(join(dir, 'nometa.sh'), 0o755);
    await compare(dir, ['-i', 'meta.sh']);
    await compare(dir, ['-i', 'nometa.sh']);
  });
});
