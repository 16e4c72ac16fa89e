// Fault injection, writes: the controller killed mid-transfer, a full disk, a read-only file
// system. Each time the target keeps its old content and no temp file is left.
import { expect } from 'chai';
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { playbookDir, removePlaybookDirs, runCli } from '../support/cli.js';
import { requireRootOrSkip } from '../support/root.js';
import { type TestSshd, startSshd } from '../support/sshd.js';
import { startCli, waitFor } from '../support/spawned-cli.js';
import { bigFile, type HostSpec, inventory, tempFiles } from './fault-hosts.js';

const copyTask = (dest: string, src = 'big.bin') => `- hosts: all
  gather_facts: false
  tasks:
    - copy: {src: ${src}, dest: ${dest}}
`;

describe('fault injection: writes', function () {
  this.timeout(120_000);
  let sshd: TestSshd | undefined;
  const mounts: string[] = [];
  before(async function () {
    requireRootOrSkip(this, 'the fault-injection tests (sshd, tmpfs mounts)');
    sshd = await startSshd();
  });
  after(async () => {
    for (const m of mounts.splice(0)) execFileSync('umount', ['-l', m]);
    await sshd?.stop();
    removePlaybookDirs();
  });

  for (const kind of ['local', 'ssh'] as const) {
    it(`controller killed mid-write (${kind}): the target keeps its content, the temp file goes`, async () => {
      const dir = playbookDir({});
      mkdirSync(join(dir, 'files'));
      bigFile(join(dir, 'files', 'big.bin'), 64);
      const target = join(dir, 'target');
      writeFileSync(target, 'original\n');
      const host: HostSpec = kind === 'local' ? 'local' : { sshd: sshd! };
      writeFileSync(join(dir, 'inventory.yml'), inventory({ box: host }));
      writeFileSync(join(dir, 'site.yml'), copyTask(target));
      const { child, exited } = startCli(['run', 'site.yml', '-i', 'inventory.yml'], dir);
      await waitFor(() => tempFiles(dir).length > 0, 30_000, 'the temp file');
      child.kill('SIGKILL');
      await exited;
      await waitFor(() => tempFiles(dir).length === 0, 10_000, 'the temp file to go');
      expect(readFileSync(target, 'utf8')).to.equal('original\n');
    });
  }

  /** A small tmpfs, gone after the suite. */
  function smallDisk(dir: string, options: string): string {
    const at = join(dir, 'disk');
    mkdirSync(at);
    execFileSync('mount', ['-t', 'tmpfs', '-o', options, 'tsplay-fault', at]);
    mounts.push(at);
    return at;
  }

  it('disk full: the write fails, the original stays, no temp file', async () => {
    const dir = playbookDir({});
    const disk = smallDisk(dir, 'size=1m');
    const target = join(disk, 'app.conf');
    writeFileSync(target, 'original\n');
    mkdirSync(join(dir, 'files'));
    bigFile(join(dir, 'files', 'big.bin'), 2);
    writeFileSync(join(dir, 'inventory.yml'), inventory({ box: 'local' }));
    writeFileSync(join(dir, 'site.yml'), copyTask(target));
    const r = await runCli(['run', 'site.yml', '-i', 'inventory.yml'], { cwd: dir });
    expect(r.code, r.stdout).to.equal(2);
    expect(r.stdout).to.match(/No space left on device/);
    expect(readFileSync(target, 'utf8')).to.equal('original\n');
    expect(tempFiles(disk)).to.deep.equal([]);
  });

  it('read-only file system: the write fails, the original stays, no temp file', async () => {
    const dir = playbookDir({});
    const disk = smallDisk(dir, 'size=1m');
    const target = join(disk, 'app.conf');
    writeFileSync(target, 'original\n');
    execFileSync('mount', ['-o', 'remount,ro', disk]);
    writeFileSync(join(dir, 'inventory.yml'), inventory({ box: 'local' }));
    writeFileSync(
      join(dir, 'site.yml'),
      `- hosts: all
  gather_facts: false
  tasks:
    - copy: {content: "new\\n", dest: ${target}}
      ignore_errors: true
    - file_line: {path: ${target}, line: added}
`,
    );
    const r = await runCli(['run', 'site.yml', '-i', 'inventory.yml'], { cwd: dir });
    expect(r.code, r.stdout).to.equal(2);
    expect(r.stdout.match(/Read-only file system/g)).to.have.length(2);
    expect(readFileSync(target, 'utf8')).to.equal('original\n');
    expect(tempFiles(disk)).to.deep.equal([]);
  });
});
