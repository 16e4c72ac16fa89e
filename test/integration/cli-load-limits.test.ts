// Loading has bounded cost: a 50,000-task playbook is checked in seconds (each module schema is
// compiled once), a playbook with thousands of problems prints a capped list, a YAML alias
// bomb is refused at once, and an include_tasks that includes itself stops at a depth limit.
import { expect } from 'chai';
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { MAX_PROBLEMS_SHOWN } from '../../engine/errors.js';
import { CLI, localInventory, playbookDir, removePlaybookDirs, runCli } from '../support/cli.js';
import { recap } from './in-process.js';

const PRELOAD = fileURLToPath(new URL('../support/report-usage.js', import.meta.url));

/** `tsplay ARGS` in DIR with its CPU time and peak memory. */
function measured(args: string[], cwd: string): Promise<{ code: number; stdout: string; stderr: string; cpuMs: number; maxRssMB: number }> {
  return new Promise((resolve, reject) => {
    execFile(process.execPath, ['--import', PRELOAD, CLI, ...args], { cwd, timeout: 120_000, maxBuffer: 64 << 20 }, (err, stdout, stderr) => {
      const m = /TSPLAY_USAGE (.*)/.exec(stderr);
      if (!m) return reject(new Error(`no usage report: ${err?.message}\n${stderr.slice(-2000)}`));
      resolve({ code: err ? Number(err.code) : 0, stdout, stderr, ...JSON.parse(m[1]!) });
    });
  });
}

const tasks = (n: number, task: (i: number) => string) => Array.from({ length: n }, (_, i) => task(i)).join('');

describe('integration: bounded load time, problem lists, aliases and include depth', function () {
  this.timeout(180_000);
  after(removePlaybookDirs);

  it('--syntax-check of 50,000 tasks takes seconds of CPU, not a compile per task', async () => {
    const dir = playbookDir({
      'inventory.yml': localInventory(['h1']),
      'site.yml': `- hosts: all\n  gather_facts: false\n  tasks:\n${tasks(50_000, (i) =>
        i % 2 ? `    - name: t${i}\n      file_line: {path: /tmp/x${i}, line: "a=${i}"}\n` : `    - name: t${i}\n      debug: {msg: "hello ${i}"}\n`,
      )}`,
    });
    const r = await measured(['run', 'site.yml', '-i', 'inventory.yml', '--syntax-check'], dir);
    expect(r.code, r.stderr).to.equal(0);
    // Loose bounds, for a loaded 2-core machine: measured 5 s of CPU and 450 MB here (a compile
    // per task took 36 s); the memory is mostly the YAML library's syntax tree of the 3 MB file.
    expect(r.cpuMs, 'CPU time (ms)').to.be.below(20_000);
    expect(r.maxRssMB, 'peak memory (MB)').to.be.below(900);
  });

  it('prints at most MAX_PROBLEMS_SHOWN problems and says how many more there are', async () => {
    const dir = playbookDir({
      'inventory.yml': localInventory(['h1']),
      'site.yml': `- hosts: all\n  gather_facts: false\n  tasks:\n${tasks(500, (i) => `    - file_line: {path: /tmp/x, lin: "${i}"}\n`)}`,
    });
    const r = await runCli(['run', 'site.yml', '-i', 'inventory.yml', '--syntax-check'], { cwd: dir });
    expect(r.code).to.equal(3);
    expect(r.stderr).to.match(/^ERROR! 500 problems found:/);
    expect(r.stderr.match(/unknown argument 'lin'/g)).to.have.length(MAX_PROBLEMS_SHOWN);
    expect(r.stderr).to.include(`… and ${500 - MAX_PROBLEMS_SHOWN} more problems (not shown; fix these first)`);
  });

  it('refuses a YAML alias bomb at once, before anything runs', async () => {
    const levels = Array.from({ length: 9 }, (_, i) => `    l${i + 1}: &l${i + 1} [${Array(10).fill(`*l${i}`).join(', ')}]\n`).join('');
    const dir = playbookDir({
      'inventory.yml': localInventory(['h1']),
      'site.yml': `- hosts: all\n  gather_facts: false\n  vars:\n    l0: &l0 [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]\n${levels}  tasks:\n    - debug: {msg: "{{ l9 }}"}\n`,
    });
    const t0 = Date.now();
    const r = await runCli(['run', 'site.yml', '-i', 'inventory.yml'], { cwd: dir, timeoutMs: 20_000 });
    expect(Date.now() - t0).to.be.below(10_000);
    expect(r.code, r.stdout + r.stderr).to.equal(3);
    expect(r.stderr).to.match(/site\.yml:\d+:\d+: YAML: aliases expand this document to more than 1000000 values \(an alias bomb\?\); refused/);
    expect(r.stdout).not.to.include('TASK');
  });

  it('refuses an alias inside the node it names', async () => {
    const dir = playbookDir({ 'inventory.yml': localInventory(['h1']), 'site.yml': `- hosts: all\n  vars:\n    a: &a [1, *a]\n  tasks: []\n` });
    const r = await runCli(['run', 'site.yml', '-i', 'inventory.yml', '--syntax-check'], { cwd: dir });
    expect(r.code, r.stderr).to.equal(3);
    expect(r.stderr).to.include('site.yml:3:15: YAML: alias *a is inside the node it names (a cycle)');
  });

  it('an include_tasks that includes itself fails the host at the depth limit; the others go on', async () => {
    const dir = playbookDir({
      'inventory.yml': localInventory(['h1', 'h2']),
      'site.yml': `- hosts: all\n  gather_facts: false\n  tasks:\n    - include_tasks: "{{ 'again' }}.yml"\n      when: inventory_hostname == 'h1'\n    - debug: {msg: after}\n`,
      'again.yml': `- include_tasks: "{{ 'again' }}.yml"\n`,
    });
    const r = await runCli(['run', 'site.yml', '-i', 'inventory.yml'], { cwd: dir, timeoutMs: 60_000 });
    expect(r.code, r.stdout + r.stderr).to.equal(2);
    expect(r.stdout, r.stdout).to.match(/fatal: \[h1\]: .*include_tasks nested more than 100 deep/);
    expect(recap(r.stdout, 'h1')).to.include({ failed: 1 });
    expect(recap(r.stdout, 'h2')).to.include({ failed: 0, ok: 1 });
  });
});
