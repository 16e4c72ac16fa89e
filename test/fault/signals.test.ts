// Fault injection, interrupts: SIGINT while a big file is being written (locally and over ssh).
// The write completes (nothing truncated), nothing else starts, the recap is printed, exit 130.
import { expect } from 'chai';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { playbookDir, removePlaybookDirs } from '../support/cli.js';
import { requireRootOrSkip } from '../support/root.js';
import { type TestSshd, startSshd } from '../support/sshd.js';
import { startCli, waitFor } from '../support/spawned-cli.js';
import { bigFile, type HostSpec, inventory, tempFiles } from './fault-hosts.js';

describe('fault injection: SIGINT mid-run', function () {
  this.timeout(120_000);
  let sshd: TestSshd | undefined;
  before(async function () {
    requireRootOrSkip(this, 'the fault-injection tests (throw-away sshd)');
    sshd = await startSshd();
  });
  after(async () => {
    await sshd?.stop();
    removePlaybookDirs();
  });

  for (const kind of ['local', 'ssh'] as const) {
    it(`SIGINT during a 64 MiB copy (${kind}): the file is written whole, the next task never starts, recap, exit 130`, async () => {
      const dir = playbookDir({});
      mkdirSync(join(dir, 'files'));
      const data = bigFile(join(dir, 'files', 'big.bin'), 64);
      const target = join(dir, 'target');
      writeFileSync(target, 'original\n');
      const host: HostSpec = kind === 'local' ? 'local' : { sshd: sshd! };
      writeFileSync(join(dir, 'inventory.yml'), inventory({ box: host }));
      writeFileSync(
        join(dir, 'site.yml'),
        `- hosts: all
  gather_facts: false
  tasks:
    - copy: {src: big.bin, dest: ${target}}
    - file: {path: ${dir}/second, state: touch}
`,
      );
      const { child, exited } = startCli(['run', 'site.yml', '-i', 'inventory.yml'], dir);
      await waitFor(() => tempFiles(dir).length > 0, 30_000, 'the temp file');
      // To the whole group, as Ctrl-C in a terminal.
      process.kill(-child.pid!, 'SIGINT');
      const r = await exited;
      expect([r.code, r.signal], r.stdout + r.stderr).to.deep.equal([130, null]);
      expect(r.stderr).to.include('SIGINT: no new task starts');
      expect(r.stdout).to.match(/PLAY RECAP \*+\nbox +: ok=1 +changed=1 +unreachable=0 +failed=0/);
      expect(readFileSync(target).equals(data), 'the target holds the whole new content').to.equal(true);
      expect(existsSync(join(dir, 'second'))).to.equal(false);
      expect(tempFiles(dir)).to.deep.equal([]);
    });
  }
});
