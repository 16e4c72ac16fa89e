// Play keywords against Debian's ansible-core: serial, max_fail_percentage, any_errors_fatal,
// order and environment, each playbook run by both over three local hosts with one fork; the
// order of work (a log the tasks append to), the recap and the exit code must be the same.
import { expect } from 'chai';
import { localInventory, playbookDir, removePlaybookDirs } from '../support/cli.js';
import { requireAnsible } from '../support/ansible.js';
import { runBoth, type SideResult } from '../support/ansible-compare.js';

const hosts3 = localInventory(['h1', 'h2', 'h3']);
const say = (what: string) => `shell: echo "{{ inventory_hostname }} ${what}" >> "{{ log }}"`;

function same(r: { ansible: SideResult; tsplay: SideResult }): void {
  expect(r.tsplay.log, `tsplay:\n${r.tsplay.out}`).to.deep.equal(r.ansible.log);
  expect(r.tsplay.stats, `tsplay:\n${r.tsplay.out}`).to.deep.equal(r.ansible.stats);
  expect(r.tsplay.code, r.tsplay.out).to.equal(r.ansible.code);
}

describe('integration: play keywords compared with ansible-playbook', function () {
  this.timeout(120_000);
  before(function () {
    requireAnsible(this, 'the play keyword comparison');
  });
  after(removePlaybookDirs);

  it('serial [1, 2]: the first host alone, then two; handlers at the end of each batch', async () => {
    const dir = playbookDir({
      'inventory.yml': hosts3,
      'site.yml': `
- hosts: all
  gather_facts: false
  serial: [1, 2]
  tasks:
    - ${say('stop')}
      notify: restarted
    - ${say('start')}
  handlers:
    - name: restarted
      ${say('handler')}
- hosts: all
  gather_facts: false
  serial: "50%"
  tasks:
    - ${say('second play')}
`,
    });
    const r = await runBoth(dir);
    expect(r.ansible.log).to.deep.equal([
      'h1 stop', 'h1 start', 'h1 handler',
      'h2 stop', 'h3 stop', 'h2 start', 'h3 start', 'h2 handler', 'h3 handler',
      'h1 second play', 'h2 second play', 'h3 second play',
    ]);
    same(r);
  });

  it('max_fail_percentage: one of three failing is over 30%: the play and the run stop, exit 2', async () => {
    const dir = playbookDir({
      'inventory.yml': hosts3,
      'site.yml': `
- hosts: all
  gather_facts: false
  max_fail_percentage: 30
  tasks:
    - ${say('one')}
    - fail: {msg: down}
      when: inventory_hostname == 'h2'
    - ${say('two')}
- hosts: all
  gather_facts: false
  tasks:
    - ${say('next play')}
`,
    });
    const r = await runBoth(dir);
    expect(r.ansible.log).to.deep.equal(['h1 one', 'h2 one', 'h3 one']);
    same(r);
  });

  it('serial 1 with max_fail_percentage 0: the failing batch stops the later ones', async () => {
    const dir = playbookDir({
      'inventory.yml': hosts3,
      'site.yml': `
- hosts: all
  gather_facts: false
  serial: 1
  max_fail_percentage: 0
  tasks:
    - ${say('one')}
    - fail: {msg: down}
      when: inventory_hostname == 'h2'
    - ${say('two')}
`,
    });
    const r = await runBoth(dir);
    expect(r.ansible.log).to.deep.equal(['h1 one', 'h1 two', 'h2 one']);
    same(r);
  });

  it('serial 1 without max_fail_percentage: a failed batch of one ends the run too (all its hosts failed)', async () => {
    const dir = playbookDir({
      'inventory.yml': hosts3,
      'site.yml': `
- hosts: all
  gather_facts: false
  serial: 1
  tasks:
    - fail: {msg: down}
      when: inventory_hostname == 'h2'
    - ${say('two')}
`,
    });
    same(await runBoth(dir));
  });

  it('any_errors_fatal on the play: one failure stops every host; a rescued one does not', async () => {
    const dir = playbookDir({
      'inventory.yml': hosts3,
      'site.yml': `
- hosts: all
  gather_facts: false
  any_errors_fatal: true
  tasks:
    - block:
        - fail: {msg: caught}
          when: inventory_hostname == 'h1'
      rescue:
        - ${say('rescued')}
    - ${say('one')}
    - fail: {msg: down}
      when: inventory_hostname == 'h3'
    - ${say('two')}
`,
    });
    const r = await runBoth(dir);
    expect(r.ansible.log).to.deep.equal(['h1 rescued', 'h1 one', 'h2 one', 'h3 one']);
    same(r);
  });

  it('any_errors_fatal on a block only', async () => {
    const dir = playbookDir({
      'inventory.yml': hosts3,
      'site.yml': `
- hosts: all
  gather_facts: false
  tasks:
    - fail: {msg: not fatal}
      when: inventory_hostname == 'h1'
    - block:
        - fail: {msg: fatal}
          when: inventory_hostname == 'h2'
        - ${say('in block')}
      any_errors_fatal: true
    - ${say('after')}
`,
    });
    same(await runBoth(dir));
  });

  it('order: sorted, reverse_sorted, reverse_inventory (serial 1 shows the order)', async () => {
    const dir = playbookDir({
      'inventory.yml': localInventory(['h2', 'h3', 'h1']),
      'site.yml': ['sorted', 'reverse_sorted', 'reverse_inventory', 'inventory']
        .map((o) => `
- hosts: all
  gather_facts: false
  serial: 1
  order: ${o}
  tasks:
    - ${say(o)}
`)
        .join(''),
    });
    const r = await runBoth(dir);
    expect(r.ansible.log.slice(0, 3)).to.deep.equal(['h1 sorted', 'h2 sorted', 'h3 sorted']);
    same(r);
  });

  it('environment: play < block < task, values with quotes and $ reach the command unexpanded', async () => {
    const dir = playbookDir({
      'inventory.yml': localInventory(['h1']),
      'site.yml': `
- hosts: all
  gather_facts: false
  vars:
    odd: "it's \\"$HOME\\" \`id\` ; x"
  environment:
    A: play
    B: play
  tasks:
    - block:
        - shell: echo "A=$A B=$B C=$C" >> "{{ log }}"
          environment: {C: "{{ odd }}"}
        - shell: printenv C >> "{{ log }}"
          environment: {C: "{{ odd }}", N: 5}
        - command: printenv B
          register: b
        - shell: echo "command saw {{ b.stdout }}" >> "{{ log }}"
      environment: {B: block}
`,
    });
    const r = await runBoth(dir);
    expect(r.ansible.log).to.deep.equal(['A=play B=block C=it\'s "$HOME" `id` ; x', 'it\'s "$HOME" `id` ; x', 'command saw block']);
    same(r);
  });

  it('meta: end_play under serial ends the later batches too; ansible_play_batch and ansible_play_hosts_all', async () => {
    const dir = playbookDir({
      'inventory.yml': localInventory(['h1', 'h2', 'h3', 'h4']),
      'site.yml': `
- hosts: all
  gather_facts: false
  serial: 2
  tasks:
    - ${say('batch {{ ansible_play_batch[0] }} {{ ansible_play_batch[1] }} all {{ ansible_play_hosts_all[3] }}')}
- hosts: all
  gather_facts: false
  serial: 2
  tasks:
    - ${say('before')}
    - meta: end_play
      when: inventory_hostname == 'h1'
    - ${say('after')}
- hosts: all
  gather_facts: false
  tasks:
    - ${say('next play')}
`,
    });
    const r = await runBoth(dir);
    expect(r.ansible.log).to.deep.equal([
      'h1 batch h1 h2 all h4', 'h2 batch h1 h2 all h4', 'h3 batch h3 h4 all h4', 'h4 batch h3 h4 all h4',
      'h1 before', 'h2 before',
      'h1 next play', 'h2 next play', 'h3 next play', 'h4 next play',
    ]);
    same(r);
  });
});
