// The custom module example (examples/custom-module/modules/motd.ts, TypeScript importing
// defineModule from 'tsplay'), loaded with --module-path and from a modules/ folder beside the
// playbook, run for real through the command line.
import { expect } from 'chai';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { localInventory, playbookDir, REPO, removePlaybookDirs, runCli } from '../support/cli.js';
import { recap } from './in-process.js';

const EXAMPLE = join(REPO, 'examples/custom-module');
const MODULES = join(EXAMPLE, 'modules');

describe('integration: the custom module example', function () {
  this.timeout(30_000);
  after(removePlaybookDirs);

  it('tsplay doc motd --module-path documents it', async () => {
    const r = await runCli(['doc', 'motd', '--module-path', 'examples/custom-module/modules']);
    expect(r.code, r.stderr).to.equal(0);
    expect(r.stdout).to.match(/^> MOTD\n/);
    expect(r.stdout).to.match(/\n {2}message \(string\) \[required\]\n/);
    expect(r.stdout).to.include('default: "/etc/motd"');
  });

  it('runs from a playbook elsewhere with --module-path: check, change, then no change', async () => {
    const dir = playbookDir({
      'inventory.yml': localInventory(['h1']),
      'site.yml': `
- hosts: all
  gather_facts: false
  tasks:
    - name: motd
      motd:
        path: "{{ playbook_dir }}/motd"
        header: "{{ inventory_hostname }}"
        message: Managed by tsplay.
        mode: 0640
`,
    });
    const motd = join(dir, 'motd');
    const args = ['run', 'site.yml', '-i', 'inventory.yml', '--module-path', MODULES, '--diff'];
    const checked = await runCli([...args, '--check'], { cwd: dir });
    expect(checked.code, checked.stdout + checked.stderr).to.equal(0);
    expect(checked.stdout).to.include(`changed: [h1]: ${motd}: create it`);
    expect(checked.stdout).to.include('+h1\n+\n+Managed by tsplay.');
    expect(existsSync(motd)).to.equal(false);

    const first = await runCli(args, { cwd: dir });
    expect(first.code, first.stdout + first.stderr).to.equal(0);
    expect(readFileSync(motd, 'utf8')).to.equal('h1\n\nManaged by tsplay.\n');
    expect((statSync(motd).mode & 0o777).toString(8)).to.equal('640');
    expect(recap(first.stdout, 'h1')).to.include({ ok: 1, changed: 1 });

    const second = await runCli(args, { cwd: dir });
    expect(second.code, second.stderr).to.equal(0);
    expect(recap(second.stdout, 'h1')).to.include({ ok: 1, changed: 0 });

    const without = await runCli(['run', 'site.yml', '-i', 'inventory.yml'], { cwd: dir });
    expect(without.code).to.equal(3);
    expect(without.stderr).to.include("unknown module 'motd'");
  });

  it('runs the example playbook, whose modules/ folder is beside it', async () => {
    const dir = playbookDir({ 'inventory.yml': localInventory(['box']) });
    const motd = join(dir, 'motd');
    const r = await runCli(['run', join(EXAMPLE, 'site.yml'), '-i', 'inventory.yml', '-e', `motd_path=${motd}`], { cwd: dir });
    expect(r.code, r.stdout + r.stderr).to.equal(0);
    expect(r.stdout).to.include(`changed: [box]: ${motd}: create it`);
    expect(readFileSync(motd, 'utf8')).to.match(/^box: \S.*\n\nThis host is managed by tsplay: local changes to this file will be overwritten\.\n$/);
  });
});
