// Roles as Ansible lays them out: roles:, import_role, include_role, meta dependencies, role
// defaults/vars/params precedence, role handlers and files, all through the runner.
import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ValidationError } from '../../engine/errors.js';
import { localInventory, playbookDir, removePlaybookDirs } from '../support/cli.js';
import { recap, runInProcess, seen } from './in-process.js';

describe('integration: roles', function () {
  this.timeout(30_000);
  after(removePlaybookDirs);

  const pgRole = {
    'roles/pg/defaults/main.yml': 'pg_port: 5432\npg_name: default-name\npg_from_default: d\n',
    'roles/pg/vars/main.yml': 'pg_name: role-vars-name\n',
    'roles/pg/tasks/main.yml': `
- record: {port: "{{ pg_port }}", name: "{{ pg_name }}", d: "{{ pg_from_default }}"}
- copy: {src: motd.txt, dest: "{{ out_dir }}/motd"}
  notify: pg restarted
`,
    'roles/pg/handlers/main.yml': '- name: pg restarted\n  record: {handler: pg}\n',
    'roles/pg/files/motd.txt': 'from the role\n',
  };

  it('roles: defaults < inventory < role vars < params; files/ beside the role; handlers by name', async () => {
    const dir = playbookDir({
      ...pgRole,
      'inventory.yml': localInventory({ h1: { pg_port: 6000, pg_name: 'inventory-name' } }),
      'site.yml': `
- hosts: all
  gather_facts: false
  pre_tasks:
    - record: {step: pre}
  roles:
    - pg
  tasks:
    - record: {step: task}
`,
    });
    const r = await runInProcess(dir, 'site.yml', { extraVars: [`out_dir=${dir}`] });
    expect(r.code, r.out).to.equal(0);
    // Inventory beats the role default; the role's vars beat the inventory.
    expect(seen(r.records, 'h1', 'port')).to.deep.equal([6000]);
    expect(seen(r.records, 'h1', 'name')).to.deep.equal(['role-vars-name']);
    expect(seen(r.records, 'h1', 'd')).to.deep.equal(['d']);
    expect(readFileSync(join(dir, 'motd'), 'utf8')).to.equal('from the role\n');
    expect(r.records.map((x) => x.args.step ?? x.args.handler ?? 'role')).to.deep.equal(['pre', 'role', 'task', 'pg']);
    expect(r.out).to.include('TASK [pg : copy]');
    expect(recap(r.out, 'h1')).to.include({ changed: 1, failed: 0 });
  });

  it('role params and vars: beat role vars; tags and when on a role apply to all its tasks', async () => {
    const dir = playbookDir({
      ...pgRole,
      'inventory.yml': localInventory(['h1', 'h2']),
      'site.yml': `
- hosts: all
  gather_facts: false
  roles:
    - role: pg
      pg_name: param-name
      vars: {pg_port: 7000}
      tags: [db]
      when: inventory_hostname == 'h1'
  tasks:
    - record: {step: untagged}
`,
    });
    const r = await runInProcess(dir, 'site.yml', { extraVars: [`out_dir=${dir}`], tags: ['db'] });
    expect(r.code, r.out).to.equal(0);
    expect(seen(r.records, 'h1', 'name')).to.deep.equal(['param-name']);
    expect(seen(r.records, 'h1', 'port')).to.deep.equal([7000]);
    expect(seen(r.records, 'h2', 'name')).to.deep.equal([]);
    expect(seen(r.records, 'h1', 'step')).to.deep.equal([]);
  });

  it('meta dependencies run first, once per play for the same params; roles_path from ANSIBLE_ROLES_PATH', async () => {
    const dir = playbookDir({
      'inventory.yml': localInventory(['h1']),
      'shared/common/tasks/main.yml': '- record: {ran: "common {{ common_flavour }}"}\n',
      'shared/common/defaults/main.yml': 'common_flavour: plain\n',
      'roles/app/meta/main.yml': 'dependencies:\n  - common\n  - role: common\n    common_flavour: spicy\n',
      'roles/app/tasks/main.yml': '- record: {ran: app}\n',
      'roles/web/meta/main.yml': 'dependencies: [common]\n',
      'roles/web/tasks/main.yml': '- record: {ran: web}\n',
      'site.yml': '- hosts: all\n  gather_facts: false\n  roles: [app, web]\n',
    });
    const before = process.env.ANSIBLE_ROLES_PATH;
    process.env.ANSIBLE_ROLES_PATH = join(dir, 'shared');
    try {
      const r = await runInProcess(dir);
      expect(r.code, r.out).to.equal(0);
      expect(seen(r.records, 'h1', 'ran')).to.deep.equal(['common plain', 'common spicy', 'app', 'web']);
    } finally {
      if (before === undefined) delete process.env.ANSIBLE_ROLES_PATH;
      else process.env.ANSIBLE_ROLES_PATH = before;
    }
  });

  it('import_role with tasks_from, vars_from, defaults_from, handlers_from; handlers as "role : name"', async () => {
    const dir = playbookDir({
      'inventory.yml': localInventory(['h1']),
      'roles/pg/tasks/setup.yml': '- record: {v: "{{ a }} {{ b }}", changed: true}\n  notify: "pg : bounce"\n',
      'roles/pg/vars/other.yml': 'a: from-vars-other\n',
      'roles/pg/defaults/other.yml': 'b: from-defaults-other\n',
      'roles/pg/handlers/extra.yml': '- name: bounce\n  record: {handler: bounce}\n',
      'site.yml': `
- hosts: all
  gather_facts: false
  tasks:
    - import_role:
        name: pg
        tasks_from: setup
        vars_from: other.yml
        defaults_from: other
        handlers_from: extra
`,
    });
    const r = await runInProcess(dir);
    expect(r.code, r.out).to.equal(0);
    expect(seen(r.records, 'h1', 'v')).to.deep.equal(['from-vars-other from-defaults-other']);
    expect(seen(r.records, 'h1', 'handler')).to.deep.equal(['bounce']);
  });

  it('include_role evaluates its when once per host, before its tasks change anything', async () => {
    const dir = playbookDir({
      'inventory.yml': localInventory(['h1']),
      'roles/flip/tasks/main.yml': '- set_fact: {go: false}\n- record: {ran: second}\n',
      'site.yml': `
- hosts: all
  gather_facts: false
  vars: {go: true}
  tasks:
    - include_role: {name: flip}
      when: go
    - import_role: {name: flip}
      when: go
`,
    });
    const r = await runInProcess(dir);
    expect(r.code, r.out).to.equal(0);
    // include_role: both tasks ran; import_role: the condition is each task's, so the second is skipped.
    expect(seen(r.records, 'h1', 'ran')).to.deep.equal(['second']);
  });

  it('a missing role, a bad role file and an unknown import_role argument are load errors (exit 3, nothing runs)', async () => {
    const dir = playbookDir({
      'inventory.yml': localInventory(['h1']),
      'roles/bad/tasks/main.yml': '- nosuchmodule: {}\n',
      'site.yml': `
- hosts: all
  gather_facts: false
  roles: [missing, bad]
  tasks:
    - record: {ran: yes}
    - import_role: {name: bad, task_from: x}
`,
    });
    const err = await runInProcess(dir).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).to.be.instanceOf(ValidationError);
    const text = String((err as Error).message);
    expect(text).to.match(/site\.yml:4:\d+: role 'missing' not found/);
    expect(text).to.match(/roles\/bad\/tasks\/main\.yml:1:\d+: unknown module 'nosuchmodule'/);
    expect(text).to.include("unknown argument 'task_from' for import_role");
  });
});
