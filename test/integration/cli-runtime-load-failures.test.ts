// A file that is only chosen at run time and turns out bad (an include_tasks name templated per
// host, a vars_files entry templated per host) fails the hosts that chose it, as in Ansible:
// the others go on, their notified handlers run, the recap is printed, and the run exits 2.
import { expect } from 'chai';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { localInventory, playbookDir, removePlaybookDirs, runCli } from '../support/cli.js';
import { recap } from './in-process.js';

const handler = `  handlers:
    - name: mark
      file_line: {path: "{{ playbook_dir }}/{{ inventory_hostname }}.handled", line: handled, create: true}
`;
const notifying = `    - name: change and notify
      file_line: {path: "{{ playbook_dir }}/{{ inventory_hostname }}.conf", line: x, create: true}
      notify: mark
`;

describe('integration: bad files found at run time fail their hosts only', function () {
  this.timeout(60_000);
  after(removePlaybookDirs);

  it('include_tasks of a bad file: that host fails, the other runs on and its handler runs; exit 2', async () => {
    const dir = playbookDir({
      'inventory.yml': localInventory({ h1: { tasks_file: 'bad.yml' }, h2: { tasks_file: 'good.yml' } }),
      'bad.yml': '- name: broken\n  no_such_module: {x: 1}\n',
      'good.yml': '- name: fine\n  debug: {msg: included}\n',
      'site.yml': `- hosts: all\n  gather_facts: false\n  tasks:\n${notifying}    - include_tasks: "{{ tasks_file }}"\n    - name: after\n      debug: {msg: after}\n${handler}`,
    });
    const r = await runCli(['run', 'site.yml', '-i', 'inventory.yml'], { cwd: dir });
    expect(r.code, r.stdout + r.stderr).to.equal(2);
    expect(r.stdout).to.match(/fatal: \[h1\]: FAILED! => .*bad\.yml:2:3: unknown module 'no_such_module'/);
    expect(r.stdout).to.include('included');
    expect(recap(r.stdout, 'h1')).to.include({ failed: 1 });
    expect(recap(r.stdout, 'h2')).to.include({ failed: 0, ok: 4, changed: 2 });
    expect(existsSync(join(dir, 'h2.handled')), 'the healthy host ran its handler').to.equal(true);
    expect(existsSync(join(dir, 'h1.handled'))).to.equal(false);
  });

  it('a missing or bad vars_files entry found when the play starts: that host fails; exit 2', async () => {
    const dir = playbookDir({
      'inventory.yml': localInventory({ h1: { vf: 'missing.yml' }, h2: { vf: 'good.yml' }, h3: { vf: 'list.yml' } }),
      'good.yml': 'greeting: hello\n',
      'list.yml': '- not a mapping\n',
      'site.yml': `- hosts: all\n  gather_facts: false\n  vars_files: ["{{ vf }}"]\n  tasks:\n${notifying}    - debug: {msg: "{{ greeting }}"}\n${handler}`,
    });
    const r = await runCli(['run', 'site.yml', '-i', 'inventory.yml'], { cwd: dir });
    expect(r.code, r.stdout + r.stderr).to.equal(2);
    expect(r.stdout, r.stdout).to.match(/fatal: \[h1\]: FAILED! => .*vars file not found: .*missing\.yml/);
    expect(r.stdout).to.match(/fatal: \[h3\]: FAILED! => .*must hold a mapping/);
    expect(recap(r.stdout, 'h1')).to.include({ failed: 1, ok: 0 });
    expect(recap(r.stdout, 'h3')).to.include({ failed: 1, ok: 0 });
    expect(recap(r.stdout, 'h2')).to.include({ failed: 0, ok: 3 });
    expect(existsSync(join(dir, 'h2.handled'))).to.equal(true);
  });
});
