// Several plays, run-time includes, meta actions, become, and the file modules (file, copy,
// template) through the runner, on temp folders over the local connection.
import { expect } from 'chai';
import { readFileSync, statSync } from 'node:fs';
import { userInfo } from 'node:os';
import { join } from 'node:path';
import { localInventory, playbookDir, removePlaybookDirs } from '../support/cli.js';
import { recap, runInProcess, seen } from './in-process.js';

describe('integration: plays, includes and meta', function () {
  this.timeout(30_000);
  after(removePlaybookDirs);

  it('registered results and set_fact values live on in later plays; play vars do not', async () => {
    const dir = playbookDir({
      'inventory.yml': localInventory(['h1']),
      'site.yml': `
- hosts: all
  gather_facts: false
  vars: {only_here: 1}
  tasks:
    - set_fact: {fact: from-play-1}
    - shell: echo registered
      register: out
- hosts: all
  gather_facts: false
  tasks:
    - record: {fact: "{{ fact }}", out: "{{ out.stdout }}", only_here: "{{ only_here | default('gone') }}"}
`,
    });
    const r = await runInProcess(dir);
    expect(r.code, r.out).to.equal(0);
    expect(r.records[0]!.args).to.deep.equal({ fact: 'from-play-1', out: 'registered', only_here: 'gone' });
  });

  it('include_tasks with a templated file name picks each host\'s file at run time', async () => {
    const dir = playbookDir({
      'inventory.yml': localInventory({ h1: { role: 'primary' }, h2: { role: 'standby' }, h3: { role: 'standby', skip: true } }),
      'site.yml': `
- hosts: all
  gather_facts: false
  tasks:
    - include_tasks: "{{ role }}.yml"
      when: not (skip | default(false))
      vars: {from_include: yes}
    - record: {after: true}
`,
      'tasks/primary.yml': '- record: {ran: "primary {{ from_include }}"}\n',
      'tasks/standby.yml': '- record: {ran: "standby {{ from_include }}"}\n- record: {ran: second}\n',
    });
    const r = await runInProcess(dir);
    expect(r.code, r.out).to.equal(0);
    expect(seen(r.records, 'h1', 'ran')).to.deep.equal(['primary True']);
    expect(seen(r.records, 'h2', 'ran')).to.deep.equal(['standby True', 'second']);
    expect(seen(r.records, 'h3', 'ran')).to.deep.equal([]);
    for (const h of ['h1', 'h2', 'h3']) expect(seen(r.records, h, 'after'), h).to.deep.equal([true]);
  });

  it('meta: end_host ends one host\'s play; end_play ends it for all; the next play runs', async () => {
    const dir = playbookDir({
      'inventory.yml': localInventory(['h1', 'h2']),
      'site.yml': `
- hosts: all
  gather_facts: false
  tasks:
    - meta: end_host
      when: inventory_hostname == 'h1'
    - record: {step: play1-task}
    - meta: end_play
    - record: {step: never}
- hosts: all
  gather_facts: false
  tasks:
    - record: {step: play2}
`,
    });
    const r = await runInProcess(dir);
    expect(r.code, r.out).to.equal(0);
    expect(seen(r.records, 'h1', 'step')).to.deep.equal(['play2']);
    expect(seen(r.records, 'h2', 'step')).to.deep.equal(['play1-task', 'play2']);
  });

  it('a meta condition that is false everywhere does nothing; one that cannot be evaluated fails the host', async () => {
    const dir = playbookDir({
      'inventory.yml': localInventory({ h1: { stop: false }, h2: {} }),
      'site.yml': `
- hosts: all
  gather_facts: false
  tasks:
    - meta: end_play
      when: false
    - meta: end_host
      when: stop
    - record: {step: after}
`,
    });
    const r = await runInProcess(dir);
    expect(r.code).to.equal(2);
    expect(seen(r.records, 'h1', 'step')).to.deep.equal(['after']);
    expect(seen(r.records, 'h2', 'step')).to.deep.equal([]);
    expect(r.out).to.include("fatal: [h2]: FAILED! => 'stop' is undefined");
    expect(recap(r.out, 'h2')).to.include({ failed: 1 });
  });

  it('vars_files may be chosen per host with a template', async () => {
    const dir = playbookDir({
      'inventory.yml': localInventory({ h1: { env: 'prod' }, h2: { env: 'test' } }),
      'site.yml': `
- hosts: all
  gather_facts: false
  vars_files: ["vars/{{ env }}.yml"]
  tasks:
    - record: {port: "{{ port }}"}
`,
      'vars/prod.yml': 'port: 5432\n',
      'vars/test.yml': 'port: 6432\n',
    });
    const r = await runInProcess(dir);
    expect(r.code, r.out).to.equal(0);
    expect(seen(r.records, 'h1', 'port')).to.deep.equal([5432]);
    expect(seen(r.records, 'h2', 'port')).to.deep.equal([6432]);
  });

  it('check_mode: true on a task only predicts, even in a normal run', async () => {
    const dir = playbookDir({
      'inventory.yml': localInventory(['h1']),
      'site.yml': `
- hosts: all
  gather_facts: false
  tasks:
    - file_line: {path: "{{ playbook_dir }}/f", line: x, create: true}
      check_mode: true
    - shell: "test -e {{ playbook_dir }}/f && echo exists || echo absent"
      register: probe
      changed_when: false
    - record: {probe: "{{ probe.stdout }}"}
`,
    });
    const r = await runInProcess(dir);
    expect(r.code, r.out).to.equal(0);
    expect(seen(r.records, 'h1', 'probe')).to.deep.equal(['absent']);
    expect(recap(r.out, 'h1')).to.include({ changed: 1 });
  });

  it('become: a task runs as become_user (templated)', async function () {
    if (userInfo().username !== 'root') this.skip(); // becoming nobody without a password needs root
    const dir = playbookDir({
      'inventory.yml': localInventory(['h1']),
      'site.yml': `
- hosts: all
  gather_facts: false
  become: true
  tasks:
    - command: id -un
      register: as_root
    - command: id -un
      become_user: "{{ unprivileged }}"
      vars: {unprivileged: nobody}
      register: as_nobody
    - command: id -un
      become: false
      register: plain
    - record: {users: "{{ [as_root.stdout, as_nobody.stdout, plain.stdout] }}"}
`,
    });
    const r = await runInProcess(dir);
    expect(r.code, r.out).to.equal(0);
    expect(seen(r.records, 'h1', 'users')).to.deep.equal([['root', 'nobody', 'root']]);
  });
});

describe('integration: file, copy and template through the runner', function () {
  this.timeout(30_000);
  after(removePlaybookDirs);

  it('make a tree, then a second run changes nothing', async () => {
    const dir = playbookDir({
      'inventory.yml': localInventory({ h1: { port: 5432 } }),
      'templates/app.conf.ejs': 'host=<%- inventory_hostname %>\nport=<%- port %>\n<% for (const u of users) { %>user=<%- u %>\n<% } %>',
      'site.yml': `
- hosts: all
  gather_facts: false
  vars:
    root: "{{ playbook_dir }}/out"
    users: [alice, bob]
  tasks:
    - name: folder
      file: {path: "{{ root }}", state: directory, mode: "0750"}
    - name: static file
      copy: {dest: "{{ root }}/motd", content: "hello\\n", mode: "0600"}
    - name: rendered file
      template: {src: app.conf.ejs, dest: "{{ root }}/app.conf"}
`,
    });
    const first = await runInProcess(dir);
    expect(first.code, first.out).to.equal(0);
    expect(recap(first.out, 'h1')).to.include({ ok: 3, changed: 3, failed: 0 });
    const out = join(dir, 'out');
    expect((statSync(out).mode & 0o777).toString(8)).to.equal('750');
    expect(readFileSync(join(out, 'motd'), 'utf8')).to.equal('hello\n');
    expect((statSync(join(out, 'motd')).mode & 0o777).toString(8)).to.equal('600');
    expect(readFileSync(join(out, 'app.conf'), 'utf8')).to.equal('host=h1\nport=5432\nuser=alice\nuser=bob\n');

    const second = await runInProcess(dir);
    expect(second.code, second.out).to.equal(0);
    expect(recap(second.out, 'h1')).to.include({ ok: 3, changed: 0 });
  });
});
