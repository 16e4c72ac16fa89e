// --check changes nothing (the temp folder is compared before and after; a task with
// check_mode: false still runs) and --diff shows unified diffs of the files a run changes.
import { expect } from 'chai';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { localInventory, playbookDir, removePlaybookDirs, runCli, snapshot } from '../support/cli.js';
import { recap } from './in-process.js';

const PLAYBOOK = `
- hosts: all
  gather_facts: true
  tasks:
    - name: edit a line
      file_line:
        path: "{{ playbook_dir }}/files/app.conf"
        regexp: '^port='
        line: port=5433
    - name: create a file
      file_line:
        path: "{{ playbook_dir }}/files/new.conf"
        line: created
        create: true
    - name: run a command
      command: touch {{ playbook_dir }}/files/ran
    - name: runs even in check mode
      command: touch {{ playbook_dir }}/files/forced
      check_mode: false
    - name: check mode is visible to expressions
      shell: echo {{ ansible_check_mode }} > {{ playbook_dir }}/files/mode
      check_mode: false
`;

const CONF = 'name=app\nport=5432\nlisten=*\n';

describe('integration: --check and --diff', function () {
  this.timeout(30_000);
  after(removePlaybookDirs);

  it('--check writes nothing but the check_mode: false tasks, and predicts the changes', async () => {
    const dir = playbookDir({ 'inventory.yml': localInventory(['h1']), 'site.yml': PLAYBOOK, 'files/app.conf': CONF });
    const before = snapshot(join(dir, 'files'));
    const r = await runCli(['run', 'site.yml', '-i', 'inventory.yml', '--check'], { cwd: dir });
    expect(r.code, r.stdout + r.stderr).to.equal(0);
    const after = snapshot(join(dir, 'files'));
    expect(existsSync(join(dir, 'files/forced'))).to.equal(true);
    // The task runs for real (check_mode: false), and its expressions say so.
    expect(readFileSync(join(dir, 'files/mode'), 'utf8')).to.equal('False\n');
    delete after.forced;
    delete after.mode;
    expect(after).to.deep.equal(before);
    expect(r.stdout).to.match(/TASK \[edit a line\][^\n]*\nchanged: \[h1\]/);
    expect(r.stdout).to.match(/TASK \[create a file\][^\n]*\nchanged: \[h1\]/);
    expect(recap(r.stdout, 'h1')).to.include({ ok: 6, changed: 5, failed: 0 });
  });

  it('--diff shows a unified diff of each changed file; a run without --diff shows none', async () => {
    const dir = playbookDir({ 'inventory.yml': localInventory(['h1']), 'site.yml': PLAYBOOK, 'files/app.conf': CONF });
    const checked = await runCli(['run', 'site.yml', '-i', 'inventory.yml', '--check', '--diff'], { cwd: dir });
    expect(checked.code, checked.stderr).to.equal(0);
    const conf = join(dir, 'files/app.conf');
    expect(checked.stdout).to.include(`--- ${conf} (before)\n+++ ${conf} (after)\n@@ -1,3 +1,3 @@\n name=app\n-port=5432\n+port=5433\n listen=*`);
    expect(checked.stdout).to.include(`+++ ${join(dir, 'files/new.conf')} (after)\n@@ -0,0 +1,1 @@\n+created`);
    expect(readFileSync(conf, 'utf8')).to.equal(CONF);

    const real = await runCli(['run', 'site.yml', '-i', 'inventory.yml', '--diff'], { cwd: dir });
    expect(real.code, real.stderr).to.equal(0);
    expect(real.stdout).to.include('-port=5432\n+port=5433');
    expect(readFileSync(conf, 'utf8')).to.equal('name=app\nport=5433\nlisten=*\n');

    writeFileSync(conf, CONF);
    const plain = await runCli(['run', 'site.yml', '-i', 'inventory.yml'], { cwd: dir });
    expect(plain.code, plain.stderr).to.equal(0);
    expect(plain.stdout).not.to.include('+port=5433');
    expect(readFileSync(join(dir, 'files/mode'), 'utf8')).to.equal('False\n');
  });
});
