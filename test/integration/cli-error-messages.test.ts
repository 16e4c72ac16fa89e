// Failures say what failed: a write that fails shows the path and the host's error, not the
// remote shell script behind it (that only with -vvv).
import { expect } from 'chai';
import { localInventory, playbookDir, removePlaybookDirs, runCli } from '../support/cli.js';

describe('integration: error messages of failed writes', function () {
  this.timeout(60_000);
  after(removePlaybookDirs);

  const dir = () =>
    playbookDir({
      'inventory.yml': localInventory(['h1']),
      'site.yml': `- hosts: all\n  gather_facts: false\n  tasks:\n    - copy: {dest: /proc/tsplay-x.conf, content: "hello\\n"}\n`,
    });

  it('names the file and shows the error, without the script', async () => {
    const r = await runCli(['run', 'site.yml', '-i', 'inventory.yml'], { cwd: dir() });
    expect(r.code, r.stdout + r.stderr).to.equal(2);
    const fatal = r.stdout.split('\n').find((l) => l.startsWith('fatal: [h1]'))!;
    expect(fatal, r.stdout).to.include('writing /proc/tsplay-x.conf failed');
    expect(r.stdout).to.match(/cannot create/);
    expect(r.stdout).not.to.include('mktemp');
    expect(r.stdout).not.to.include('set -e');
  });

  it('shows the script with -vvv', async () => {
    const r = await runCli(['run', 'site.yml', '-i', 'inventory.yml', '-vvv'], { cwd: dir() });
    expect(r.code).to.equal(2);
    expect(r.stdout).to.include('writing /proc/tsplay-x.conf failed');
    expect(r.stdout).to.include('mktemp');
  });
});
