// Variables and expressions in real runs: each precedence level beats the one below it, -e
// beats all, group_vars/ and host_vars/ folders, and JavaScript expressions with their types.
import { expect } from 'chai';
import { userInfo } from 'node:os';
import { join } from 'node:path';
import { localInventory, playbookDir, removePlaybookDirs, runCli } from '../support/cli.js';
import { recap, runInProcess, seen } from './in-process.js';

const INVENTORY = `
all:
  vars: {a: all, z: inventory-all}
  children:
    parent:
      vars: {a: parent, b: parent}
      children:
        child:
          vars: {b: child, c: child, gv: inventory-file}
          hosts:
            h1:
              ansible_connection: local
              c: host
              d: host
              hv: inventory-file
              ansible_user_id: inventory
`;

// One variable per level, each also defined at the level just below it.
const PLAYBOOK = `
- hosts: all
  gather_facts: true
  vars:
    e: play
    f: play
    ansible_user_id: play-over-facts
  vars_files: [vars.yml]
  tasks:
    - set_fact: {g: set_fact, h: set_fact}
    - command: echo registered
      register: r
    - block:
        - name: every level
          record:
            a: "{{ a }}"
            b: "{{ b }}"
            c: "{{ c }}"
            d: "{{ d }}"
            e: "{{ e }}"
            f: "{{ f }}"
            g: "{{ g }}"
            h: "{{ h }}"
            i: "{{ i }}"
            j: "{{ j }}"
            z: "{{ z }}"
            gv: "{{ gv }}"
            hv: "{{ hv }}"
            user: "{{ ansible_user_id }}"
            registered: "{{ r.stdout }}"
          vars: {i: task, j: task, z: task}
          loop: [loop]
          loop_control: {loop_var: j}
      vars: {h: block, i: block, z: block}
`;

describe('integration: variables', function () {
  this.timeout(30_000);
  after(removePlaybookDirs);

  let dir: string;
  before(() => {
    dir = playbookDir({
      'inventory.yml': INVENTORY,
      'group_vars/child.yml': 'gv: group_vars-dir\n',
      'host_vars/h1.yml': 'hv: host_vars-dir\n',
      'site.yml': PLAYBOOK,
      'vars.yml': 'f: vars_files\ng: vars_files\nz: vars_files\n',
      'facts.yml': `
- hosts: all
  gather_facts: true
  tasks:
    - record: {user: "{{ ansible_user_id }}"}
`,
    });
  });

  it('each level beats the one below it', async () => {
    const r = await runInProcess(dir);
    expect(r.code, r.out).to.equal(0);
    const args = r.records.find((x) => x.host === 'h1')!.args;
    expect(args).to.deep.equal({
      a: 'parent', // parent group over all
      b: 'child', // child group over parent group
      c: 'host', // host over child group
      d: 'host',
      e: 'play',
      f: 'vars_files', // vars_files over play vars
      g: 'set_fact', // set_fact over vars_files
      h: 'block', // block vars over set_fact
      i: 'task', // task vars over block vars
      j: 'loop', // the loop variable over task vars
      z: 'task',
      gv: 'group_vars-dir', // group_vars/ over the inventory file's group vars
      hv: 'host_vars-dir', // host_vars/ over the inventory file's host vars
      user: 'play-over-facts', // play vars over facts
      registered: 'registered',
    });
  });

  it('facts beat inventory variables', async () => {
    const r = await runInProcess(dir, 'facts.yml');
    expect(r.code, r.out).to.equal(0);
    expect(seen(r.records, 'h1', 'user')).to.deep.equal([userInfo().username]);
  });

  it('extra vars (-e) beat every level, the loop variable included', async () => {
    const r = await runInProcess(dir, 'site.yml', { extraVars: ['z=extra j=extra-j', '{"c": "extra-c", "g": "extra-g"}'] });
    expect(r.code, r.out).to.equal(0);
    const args = r.records[0]!.args;
    expect([args.z, args.j, args.c, args.g]).to.deep.equal(['extra', 'extra-j', 'extra-c', 'extra-g']);
  });

  it('-e @file and -e k=v through the real command line', async () => {
    const d = playbookDir({
      'inventory.yml': localInventory(['h1'], { who: 'inventory' }),
      'extra.yml': 'who: from-file\nn: 7\n',
      'site.yml': `
- hosts: all
  gather_facts: false
  vars: {who: play}
  tasks:
    - assert:
        that: ["who == 'cli'", "n == 7"]
        fail_msg: "who={{ who }} n={{ n }}"
`,
    });
    const r = await runCli(['run', 'site.yml', '-i', 'inventory.yml', '-e', `@${join(d, 'extra.yml')}`, '-e', 'who=cli'], { cwd: d });
    expect(r.code, r.stdout + r.stderr).to.equal(0);
    expect(recap(r.stdout, 'h1')).to.include({ ok: 1, failed: 0 });
  });
});

describe('integration: expressions', function () {
  this.timeout(30_000);
  after(removePlaybookDirs);

  let dir: string;
  before(() => {
    dir = playbookDir({
      'inventory.yml': localInventory({ h1: { port: 5432, tags_list: ['a', 'b'] }, h2: { port: 5433 } }),
      'site.yml': `
- hosts: all
  gather_facts: false
  vars:
    base: /srv/{{ inventory_hostname }}
    data: "{{ base }}/data"
    next_port: "{{ port + 1 }}"
  tasks:
    - record:
        number: "{{ port + 1 }}"
        text: "port={{ port }}"
        lazy: "{{ data }}"
        typed_var: "{{ next_port }}"
        list: "{{ [1, 2, 3] | map('string') | list }}"
        object: "{{ {'host': inventory_hostname, 'up': true} }}"
        bool: "{{ port > 5432 }}"
        fallback: "{{ missing_var | default('default') }}"
        is_defined: "{{ tags_list is defined }}"
        other_host: "{{ hostvars[(inventory_hostname == 'h1') | ternary('h2', 'h1')].port }}"
        all_hosts: "{{ groups.all }}"
        nested: ["{{ port }}", {deep: "x{{ port }}"}]
    - name: skipped when false
      record: {ran: true}
      when: port > 5432
`,
      'hostvars.yml': `
- hosts: h1
  gather_facts: false
  tasks:
    - record: {h2_port: "{{ hostvars.h2.port }}", h2_in_play: "{{ 'h2' in ansible_play_hosts }}"}
`,
      'undefined.yml': `
- hosts: h1
  gather_facts: false
  tasks:
    - name: uses an undefined variable
      record: {x: "{{ nope + 1 }}"}
    - name: never reached
      record: {after: true}
`,
    });
  });

  it('a single {{ expr }} keeps its type, text interpolates, variables are lazy', async () => {
    const r = await runInProcess(dir);
    expect(r.code, r.out).to.equal(0);
    const h1 = r.records.find((x) => x.host === 'h1')!.args;
    expect(h1).to.deep.equal({
      number: 5433,
      text: 'port=5432',
      lazy: '/srv/h1/data',
      typed_var: 5433,
      list: ['1', '2', '3'],
      object: { host: 'h1', up: true },
      bool: false,
      fallback: 'default',
      is_defined: true,
      other_host: 5433,
      all_hosts: ['h1', 'h2'],
      nested: [5432, { deep: 'x5432' }],
    });
    const h2 = r.records.find((x) => x.host === 'h2')!.args;
    expect([h2.is_defined, h2.other_host, h2.lazy]).to.deep.equal([false, 5432, '/srv/h2/data']);
    expect(seen(r.records, 'h1', 'ran')).to.deep.equal([]);
    expect(seen(r.records, 'h2', 'ran')).to.deep.equal([true]);
    expect(recap(r.out, 'h1')).to.include({ ok: 1, skipped: 1 });
  });

  it('hostvars holds every inventory host, also those outside the play', async () => {
    const r = await runInProcess(dir, 'hostvars.yml');
    expect(r.code, r.out).to.equal(0);
    expect(r.records[0]!.args).to.deep.equal({ h2_port: 5433, h2_in_play: false });
  });

  it('an undefined variable fails the host, naming the variable and the task', async () => {
    const r = await runInProcess(dir, 'undefined.yml');
    expect(r.code).to.equal(2);
    expect(r.out).to.match(/fatal: \[h1\]: FAILED! => 'nope' is undefined in task 'uses an undefined variable' at .*undefined\.yml:5/);
    expect(r.records).to.deep.equal([]);
    expect(recap(r.out, 'h1')).to.include({ ok: 0, failed: 1 });
  });
});
