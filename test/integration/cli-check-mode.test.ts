// A task's own check_mode: decides, for that task, whether apply runs (the module context) and
// what ansible_check_mode says (engine/module/step.ts checkModeOf is the one place). The dry-run
// view of a failure after predicted changes belongs to the run: only under --check, and there for
// check_mode: false tasks too, since they run on a host the predicted changes have not reached.
import { expect } from 'chai';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { localInventory, playbookDir, removePlaybookDirs } from '../support/cli.js';
import { recap, runInProcess, seen } from './in-process.js';

describe('integration: per-task check_mode', function () {
  this.timeout(30_000);
  after(removePlaybookDirs);

  it('check_mode: true in a normal run predicts, changes nothing, and its expressions see ansible_check_mode', async () => {
    const dir = playbookDir({
      'inventory.yml': localInventory(['h1']),
      'site.yml': `
- hosts: all
  gather_facts: false
  tasks:
    - command: touch {{ playbook_dir }}/touched
      check_mode: true
    - record: { mode: "{{ ansible_check_mode }}" }
      check_mode: true
    - record: { mode: "{{ ansible_check_mode }}" }
`,
    });
    const r = await runInProcess(dir);
    expect(r.code, r.out).to.equal(0);
    expect(existsSync(join(dir, 'touched'))).to.equal(false);
    expect(r.out).to.include(`changed: [h1]: would run: touch ${dir}/touched`);
    expect(seen(r.records, 'h1', 'mode').map(String)).to.deep.equal(['true', 'false']);
  });

  it('check_mode: false under --check: a failure after predicted changes is not checkable; with none before, it is real', async () => {
    const dir = playbookDir({
      'inventory.yml': localInventory(['h1', 'h2']),
      'site.yml': `
- hosts: all
  gather_facts: false
  tasks:
    - command: touch {{ playbook_dir }}/predicted
      when: inventory_hostname == 'h1'
    - command: "false"
      check_mode: false
`,
    });
    const r = await runInProcess(dir, 'site.yml', { check: true });
    expect(r.code, r.out).to.equal(2);
    expect(r.out).to.match(/skipping: \[h1\]/);
    expect(r.out).to.match(/fatal: \[h2\]: FAILED! => h2: non-zero return code 1: false/);
    expect(recap(r.out, 'h1')).to.include({ changed: 1, failed: 0, skipped: 1 });
    expect(recap(r.out, 'h2')).to.include({ failed: 1 });
  });

  it('check_mode: true in a normal run: its prediction never hides a later real failure', async () => {
    const dir = playbookDir({
      'inventory.yml': localInventory(['h1']),
      'site.yml': `
- hosts: all
  gather_facts: false
  tasks:
    - command: touch {{ playbook_dir }}/predicted
      check_mode: true
    - command: "false"
`,
    });
    const r = await runInProcess(dir);
    expect(r.code, r.out).to.equal(2);
    expect(r.out).to.not.include('not checkable');
    expect(recap(r.out, 'h1')).to.include({ changed: 1, failed: 1 });
  });
});
