// Task control in real runs over the local connection: loops, when, register, until/retries,
// ignore_errors, failed_when/changed_when, run_once, delegate_to and block/rescue/always.
import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { localInventory, playbookDir, removePlaybookDirs } from '../support/cli.js';
import { recap, runInProcess, seen } from './in-process.js';

describe('integration: loops, when, register', function () {
  this.timeout(30_000);
  after(removePlaybookDirs);

  it('loops with loop_var, label and ansible_loop; registers every item', async () => {
    const dir = playbookDir({
      'inventory.yml': localInventory(['h1']),
      'site.yml': `
- hosts: all
  gather_facts: false
  tasks:
    - name: users
      record: {name: "{{ user.name }}", n: "{{ ansible_loop.index }}", i: "{{ i }}", last: "{{ ansible_loop.last }}"}
      loop: [{name: alice, uid: 1}, {name: bob, uid: 2}]
      loop_control: {loop_var: user, label: "{{ user.name }}", index_var: i}
      register: users
    - record: {items: "{{ users.results | map(attribute='user.name') | list }}", count: "{{ users.results | length }}"}
    - record: {old: "{{ item }}"}
      with_items: [x, y]
    - name: some items skipped
      record: {even: "{{ item }}"}
      loop: [1, 2, 3, 4]
      when: item % 2 == 0
`,
    });
    const r = await runInProcess(dir);
    expect(r.code, r.out).to.equal(0);
    expect(seen(r.records, 'h1', 'name')).to.deep.equal(['alice', 'bob']);
    expect(seen(r.records, 'h1', 'n')).to.deep.equal([1, 2]);
    expect(seen(r.records, 'h1', 'i')).to.deep.equal([0, 1]);
    expect(seen(r.records, 'h1', 'last')).to.deep.equal([false, true]);
    expect(seen(r.records, 'h1', 'items')).to.deep.equal([['alice', 'bob']]);
    expect(seen(r.records, 'h1', 'count')).to.deep.equal([2]);
    expect(seen(r.records, 'h1', 'old')).to.deep.equal(['x', 'y']);
    expect(seen(r.records, 'h1', 'even')).to.deep.equal([2, 4]);
    // The label, not the whole item, names each item in the output.
    expect(r.out).to.include('ok: [h1] => (item=alice)').and.include('ok: [h1] => (item=bob)');
    expect(r.out).to.include('skipping: [h1] => (item=1)');
    expect(r.out).not.to.include('uid');
    expect(recap(r.out, 'h1')).to.include({ ok: 4, failed: 0, skipped: 0 });
  });

  it('when: false skips and counts, lists are and-ed, registered results feed later conditions', async () => {
    const dir = playbookDir({
      'inventory.yml': localInventory({ h1: { role: 'primary' }, h2: { role: 'standby' } }),
      'site.yml': `
- hosts: all
  gather_facts: false
  tasks:
    - shell: "echo {{ role }}"
      register: out
      changed_when: false
    - name: primary only
      record: {primary: "{{ out.stdout }}"}
      when: out.stdout == 'primary'
    - name: both conditions
      record: {both: true}
      when: ["role != 'primary'", "out.rc == 0"]
    - name: skipped task registers a skip
      record: {never: true}
      when: false
      register: skipped_one
    - record: {was_skipped: "{{ skipped_one.skipped }}"}
    - name: "{{ '{{' }} braces {{ '}}' }} in a when"
      record: {templated_when: true}
      when: "{{ role == 'standby' }}"
`,
    });
    const r = await runInProcess(dir);
    expect(r.code, r.out).to.equal(0);
    expect(seen(r.records, 'h1', 'primary')).to.deep.equal(['primary']);
    expect(seen(r.records, 'h2', 'primary')).to.deep.equal([]);
    expect(seen(r.records, 'h1', 'both')).to.deep.equal([]);
    expect(seen(r.records, 'h2', 'both')).to.deep.equal([true]);
    expect(seen(r.records, 'h1', 'never')).to.deep.equal([]);
    expect(seen(r.records, 'h1', 'was_skipped')).to.deep.equal([true]);
    expect(seen(r.records, 'h2', 'templated_when')).to.deep.equal([true]);
    expect(seen(r.records, 'h1', 'templated_when')).to.deep.equal([]);
    expect(recap(r.out, 'h1')).to.include({ ok: 3, skipped: 3, changed: 0 });
    expect(recap(r.out, 'h2')).to.include({ ok: 4, skipped: 2, changed: 0 });
  });
});

describe('integration: failures and retries', function () {
  this.timeout(30_000);
  after(removePlaybookDirs);

  it('ignore_errors, failed_when and changed_when judge the registered result', async () => {
    const dir = playbookDir({
      'inventory.yml': localInventory(['h1']),
      'site.yml': `
- hosts: all
  gather_facts: false
  tasks:
    - name: fails but ignored
      command: "false"
      ignore_errors: true
      register: ignored
    - record: {ignored_rc: "{{ ignored.rc }}", ignored_failed: "{{ ignored.failed }}"}
    - name: rc 1 is fine here
      shell: exit 1
      register: grep
      failed_when: grep.rc > 1
      changed_when: false
    - name: output decides failure
      shell: echo ERROR happened
      register: out
      failed_when: "'ERROR' in out.stdout"
      ignore_errors: true
    - name: changed only when it says so
      shell: echo unchanged
      register: said
      changed_when: said.stdout == 'changed'
    - record: {reached: true}
`,
    });
    const r = await runInProcess(dir);
    expect(r.code, r.out).to.equal(0);
    expect(seen(r.records, 'h1', 'ignored_rc')).to.deep.equal([1]);
    expect(seen(r.records, 'h1', 'ignored_failed')).to.deep.equal([true]);
    expect(seen(r.records, 'h1', 'reached')).to.deep.equal([true]);
    expect(r.out).to.match(/failed_when \('ERROR' in out\.stdout\) is true/);
    expect(r.out.match(/\.\.\.ignoring/g)).to.have.length(2);
    expect(recap(r.out, 'h1')).to.include({ ok: 4, changed: 0, failed: 0, ignored: 2 });
  });

  it('until/retries repeats until the condition holds, and gives up after retries', async () => {
    const dir = playbookDir({
      'inventory.yml': localInventory(['h1']),
      'site.yml': `
- hosts: all
  gather_facts: false
  tasks:
    - name: third time lucky
      shell: "n=$(cat count 2>/dev/null || echo 0); n=$((n+1)); echo $n > count; echo $n"
      args: {chdir: "{{ playbook_dir }}"}
      register: attempt
      until: attempt.stdout | int >= 3
      retries: 5
      delay: 0
    - record: {attempts: "{{ attempt.stdout }}"}
    - name: never true
      command: "true"
      register: never
      until: false
      retries: 2
      delay: 0
`,
    });
    const counter = join(dir, 'count');
    const r = await runInProcess(dir);
    expect(r.code, r.out).to.equal(2);
    expect(readFileSync(counter, 'utf8').trim()).to.equal('3');
    expect(seen(r.records, 'h1', 'attempts')).to.deep.equal(['3']);
    expect(r.out).to.include('gave up after 3 attempts');
    expect(recap(r.out, 'h1')).to.include({ ok: 2, failed: 1 });
  });

  it('a failed host stops; the others go on; the run exits 2', async () => {
    const dir = playbookDir({
      'inventory.yml': localInventory({ good: {}, bad: { broken: true } }),
      'site.yml': `
- hosts: all
  gather_facts: false
  tasks:
    - fail: msg="{{ inventory_hostname }} is broken"
      when: broken | default(false)
    - record: {after: true}
`,
    });
    const r = await runInProcess(dir);
    expect(r.code).to.equal(2);
    expect(r.out).to.include('fatal: [bad]: FAILED! => bad is broken');
    expect(seen(r.records, 'good', 'after')).to.deep.equal([true]);
    expect(seen(r.records, 'bad', 'after')).to.deep.equal([]);
    expect(recap(r.out, 'bad')).to.include({ failed: 1, ok: 0 });
    expect(recap(r.out, 'good')).to.include({ failed: 0, ok: 1, skipped: 1 });
  });
});

describe('integration: run_once and delegate_to', function () {
  this.timeout(30_000);
  after(removePlaybookDirs);

  it('run_once runs on the first host and gives its result to all', async () => {
    const dir = playbookDir({
      'inventory.yml': localInventory(['h1', 'h2', 'h3']),
      'site.yml': `
- hosts: all
  gather_facts: false
  tasks:
    - name: once
      shell: echo {{ inventory_hostname }}
      run_once: true
      register: once
    - record: {saw: "{{ once.stdout }}"}
`,
    });
    const r = await runInProcess(dir);
    expect(r.code, r.out).to.equal(0);
    for (const h of ['h1', 'h2', 'h3']) expect(seen(r.records, h, 'saw'), h).to.deep.equal(['h1']);
    expect(r.out).to.match(/TASK \[once\][^\n]*\nchanged: \[h1\][^\n]*\n\n/);
    expect(recap(r.out, 'h1')).to.include({ changed: 1 });
    expect(recap(r.out, 'h2')).to.include({ changed: 0 });
  });

  it('delegate_to localhost runs the task there, for each host, in its variables', async () => {
    const dir = playbookDir({
      // h1 would fail to connect: only the delegated task runs, on localhost.
      'inventory.yml': `all:\n  hosts:\n    h1: {ansible_connection: ssh, ansible_host: 127.0.0.1, ansible_port: 1}\n`,
      'site.yml': `
- hosts: all
  gather_facts: false
  tasks:
    - name: on the controller
      shell: echo {{ inventory_hostname }} >> ${'{{ playbook_dir }}'}/delegated
      delegate_to: localhost
`,
    });
    const r = await runInProcess(dir);
    expect(r.code, r.out).to.equal(0);
    expect(readFileSync(join(dir, 'delegated'), 'utf8')).to.equal('h1\n');
    expect(r.out).to.include('changed: [h1 -> localhost]');
  });
});

describe('integration: block, rescue, always', function () {
  this.timeout(30_000);
  after(removePlaybookDirs);

  it('a rescued failure counts as rescued, not failed; always runs; the run succeeds', async () => {
    const dir = playbookDir({
      'inventory.yml': localInventory({ h1: { fail_it: true }, h2: { fail_it: false } }),
      'site.yml': `
- hosts: all
  gather_facts: false
  tasks:
    - block:
        - record: {step: block-1}
        - fail: msg=boom
          when: fail_it
        - record: {step: block-2}
      rescue:
        - record: {step: rescue}
      always:
        - record: {step: always}
      vars: {in_block: yes}
    - record: {step: after}
`,
    });
    const r = await runInProcess(dir);
    expect(r.code, r.out).to.equal(0);
    expect(seen(r.records, 'h1', 'step')).to.deep.equal(['block-1', 'rescue', 'always', 'after']);
    expect(seen(r.records, 'h2', 'step')).to.deep.equal(['block-1', 'block-2', 'always', 'after']);
    expect(recap(r.out, 'h1')).to.include({ failed: 0, rescued: 1, ok: 4 });
    expect(recap(r.out, 'h2')).to.include({ failed: 0, rescued: 0, skipped: 1 });
  });

  it('a failure in rescue fails the host after always ran; exit code 2', async () => {
    const dir = playbookDir({
      'inventory.yml': localInventory(['h1']),
      'site.yml': `
- hosts: all
  gather_facts: false
  tasks:
    - block:
        - fail: msg=first
      rescue:
        - fail: msg=second
      always:
        - record: {step: always}
    - record: {step: after}
`,
    });
    const r = await runInProcess(dir);
    expect(r.code).to.equal(2);
    expect(seen(r.records, 'h1', 'step')).to.deep.equal(['always']);
    // As in Ansible: the block's failure was rescued, the rescue's own failure counts.
    expect(recap(r.out, 'h1')).to.include({ failed: 1, rescued: 1 });
  });

  it('block when and vars reach every task inside, nested', async () => {
    const dir = playbookDir({
      'inventory.yml': localInventory({ h1: { on: true }, h2: { on: false } }),
      'site.yml': `
- hosts: all
  gather_facts: false
  tasks:
    - block:
        - block:
            - record: {seen: "{{ outer }}-{{ inner }}"}
          vars: {inner: b}
      when: "on"
      vars: {outer: a}
`,
    });
    const r = await runInProcess(dir);
    expect(r.code, r.out).to.equal(0);
    expect(seen(r.records, 'h1', 'seen')).to.deep.equal(['a-b']);
    expect(seen(r.records, 'h2', 'seen')).to.deep.equal([]);
    expect(recap(r.out, 'h2')).to.include({ skipped: 1 });
  });
});
