// What a person sees, plain and live (listr2; in a pipe its fallback renderer prints each line
// as it settles): every loop item, one line per failure, diffs labelled by host and item in
// host order, the reason of a dry run's skip, and under --check a command whose changed_when
// is false is not "changed"; a real run never says "would".
import { expect } from 'chai';
import { localInventory, playbookDir, removePlaybookDirs, runCli } from '../support/cli.js';
import { recap } from './in-process.js';

const count = (text: string, part: string): number => text.split(part).length - 1;

const LOOP = `
- hosts: all
  gather_facts: false
  tasks:
    - name: loop
      command: echo {{ item }}
      loop: [alpha, beta, gamma]
      changed_when: false
    - name: lines
      file_line: { path: "{{ playbook_dir }}/{{ inventory_hostname }}.conf", line: "x={{ item }}", create: true }
      loop: [one, two]
    - name: boom
      command: "false"
`;

describe('integration: output', function () {
  this.timeout(60_000);
  after(removePlaybookDirs);

  for (const output of ['live', 'plain']) {
    it(`${output}: every loop item is shown, a failure once, diffs labelled by host and item in host order`, async () => {
      // Host names sort apart from the order the hosts finish in (zz first in the inventory).
      const dir = playbookDir({ 'inventory.yml': localInventory(['zz', 'aa']), 'site.yml': LOOP });
      const r = await runCli(['run', 'site.yml', '-i', 'inventory.yml', '--diff', '--output', output], { cwd: dir });
      expect(r.code, r.stdout + r.stderr).to.equal(2);
      for (const h of ['zz', 'aa']) for (const item of ['alpha', 'beta', 'gamma']) expect(r.stdout, `${h} ${item}`).to.include(`[${h}] => (item=${item})`);
      for (const h of ['zz', 'aa']) expect(count(r.stdout, `${h}: non-zero return code 1: false`), `failure of ${h}\n${r.stdout}`).to.equal(1);
      const labels = [...r.stdout.matchAll(/^diff \[(\w+)\] => \(item=(\w+)\):/gm)].map((m) => `${m[1]} ${m[2]}`);
      expect(labels).to.deep.equal(['zz one', 'zz two', 'aa one', 'aa two']);
    });
  }

  it('--check: a dry-run skip says why at the default verbosity; a command with changed_when: false is ok', async () => {
    const dir = playbookDir({
      'inventory.yml': localInventory(['h1']),
      'site.yml': `
- hosts: all
  gather_facts: false
  tasks:
    - command: touch {{ playbook_dir }}/made
    - file_line: { path: "{{ playbook_dir }}/made", line: x }
    - command: ls
      changed_when: false
`,
    });
    const r = await runCli(['run', 'site.yml', '-i', 'inventory.yml', '--check', '--output', 'plain'], { cwd: dir });
    expect(r.code, r.stdout + r.stderr).to.equal(0);
    expect(r.stdout).to.match(/skipping: \[h1\]: not checkable before earlier changes are made: /);
    expect(r.stdout).to.match(/TASK \[command\][^\n]*\nok: \[h1\]\n\nPLAY RECAP/);
    expect(recap(r.stdout, 'h1')).to.include({ ok: 2, changed: 1, skipped: 1 });
  });

  it('a real run says what ran, never "would run", in the output and the registered msg', async () => {
    const dir = playbookDir({
      'inventory.yml': localInventory(['h1']),
      'site.yml': `
- hosts: all
  gather_facts: false
  tasks:
    - command: echo hi
      register: r
    - debug: { msg: "registered: {{ r.msg }}" }
`,
    });
    const r = await runCli(['run', 'site.yml', '-i', 'inventory.yml', '--output', 'plain'], { cwd: dir });
    expect(r.code, r.stdout + r.stderr).to.equal(0);
    expect(r.stdout).to.include('changed: [h1]: run: echo hi');
    expect(r.stdout).to.include('registered: run: echo hi');
    expect(r.stdout).to.not.include('would');
  });
});
