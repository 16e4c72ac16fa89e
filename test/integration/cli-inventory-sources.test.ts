// Inventory sources and ansible.cfg through the real CLI: a run configured by ./ansible.cfg alone
// (INI inventory, vault password file, forks), comma host lists with playbook-side group_vars,
// playbook-side vars beating inventory-side ones, and a failing inventory script.
import { expect } from 'chai';
import { chmodSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { encryptVault } from '../../engine/vault/cipher.js';
import { playbookDir, removePlaybookDirs, runCli } from '../support/cli.js';

describe('integration: inventory sources and ansible.cfg', function () {
  this.timeout(60_000);
  after(removePlaybookDirs);

  it('./ansible.cfg gives the inventory (INI), the vault password file and the forks: no -i, no vault flag', async () => {
    const dir = playbookDir({
      'ansible.cfg': '[defaults]\ninventory = inventory/hosts\nvault_password_file = .vault-pass\nforks = 1\n',
      '.vault-pass': 'hunter2\n',
      'inventory/hosts': '[db]\ndb1 ansible_connection=local\ndb2 ansible_connection=local\n[db:vars]\nport=5432\n',
      'inventory/group_vars/db/vault.yml': encryptVault('vault_secret: "cfg-secret-42"\n', Buffer.from('hunter2')),
      'site.yml': `
- hosts: db
  gather_facts: false
  tasks:
    - copy: {content: "{{ port + 1 }} {{ vault_secret }}", dest: "{{ playbook_dir }}/out-{{ inventory_hostname }}"}
`,
    });
    const r = await runCli(['run', 'site.yml', '-v'], { cwd: dir });
    expect(r.code, r.stdout + r.stderr).to.equal(0);
    expect(readFileSync(join(dir, 'out-db1'), 'utf8')).to.equal('5433 cfg-secret-42');
    expect(r.stdout).not.to.include('cfg-secret-42');
    // forks = 1: db1 finishes before db2 starts, so they are reported in order.
    expect(r.stdout.indexOf('db1')).to.be.lessThan(r.stdout.indexOf('db2'));
  });

  it('-i a,b, and -i a,: hosts from the command line, their variables from group_vars beside the playbook', async () => {
    const dir = playbookDir({
      'pb/group_vars/all.yml': 'ansible_connection: local\nwho: playbook-all\n',
      'pb/host_vars/h2.yml': 'who: playbook-h2\n',
      'pb/site.yml': '- hosts: all\n  gather_facts: false\n  tasks:\n    - copy: {content: "{{ who }}", dest: "{{ playbook_dir }}/{{ inventory_hostname }}"}\n',
    });
    const r = await runCli(['run', 'pb/site.yml', '-i', 'h1,h2,'], { cwd: dir });
    expect(r.code, r.stdout + r.stderr).to.equal(0);
    expect(readFileSync(join(dir, 'pb/h1'), 'utf8')).to.equal('playbook-all');
    expect(readFileSync(join(dir, 'pb/h2'), 'utf8')).to.equal('playbook-h2');
    const one = await runCli(['run', 'pb/site.yml', '-i', 'solo,'], { cwd: dir });
    expect(one.code, one.stdout + one.stderr).to.equal(0);
    expect(readFileSync(join(dir, 'pb/solo'), 'utf8')).to.equal('playbook-all');
  });

  it("the playbook's group_vars beat the inventory's at the same level; host vars beat both", async () => {
    const dir = playbookDir({
      'inv/hosts.yml': 'all:\n  hosts:\n    h1: {ansible_connection: local}\n    h2: {ansible_connection: local, v: inventory-host}\n',
      'inv/group_vars/all.yml': 'v: inventory-all\nonly_inv: 1\n',
      'pb/group_vars/all.yml': 'v: playbook-all\n',
      'pb/site.yml': '- hosts: all\n  gather_facts: false\n  tasks:\n    - copy: {content: "{{ v }} {{ only_inv }}", dest: "{{ playbook_dir }}/{{ inventory_hostname }}"}\n',
    });
    const r = await runCli(['run', 'pb/site.yml', '-i', 'inv/hosts.yml'], { cwd: dir });
    expect(r.code, r.stdout + r.stderr).to.equal(0);
    expect(readFileSync(join(dir, 'pb/h1'), 'utf8')).to.equal('playbook-all 1');
    expect(readFileSync(join(dir, 'pb/h2'), 'utf8')).to.equal('inventory-host 1');
  });

  it('a failing inventory script, an INI error and a missing source are reported together, exit 3', async () => {
    const dir = playbookDir({ 'bad.sh': '#!/bin/sh\necho boom >&2\nexit 7\n', 'hosts.ini': '[g]\nh1 novalue\n', 'site.yml': '- hosts: all\n  tasks: []\n' });
    chmodSync(join(dir, 'bad.sh'), 0o755);
    const r = await runCli(['run', 'site.yml', '-i', 'bad.sh', '-i', 'hosts.ini', '-i', 'missing.yml'], { cwd: dir });
    expect(r.code).to.equal(3);
    expect(r.stderr).to.include('3 problems found');
    expect(r.stderr).to.include('the inventory script --list exited with 7: boom');
    expect(r.stderr).to.match(/hosts\.ini:2:4: Expected key=value host variable assignment, got: novalue\n {2}2 \| h1 novalue\n {9}\^/);
    expect(r.stderr).to.include('missing.yml:1:1: inventory not found');
  });
});
