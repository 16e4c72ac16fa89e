// Fault injection, output: a task printing 1 GB (local) and 100 MB (over ssh) keeps the
// controller's memory flat; the peak resident memory is measured and printed.
import { expect } from 'chai';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { playbookDir, removePlaybookDirs } from '../support/cli.js';
import { requireRootOrSkip } from '../support/root.js';
import { type TestSshd, startSshd } from '../support/sshd.js';
import { startCli } from '../support/spawned-cli.js';
import { type HostSpec, inventory } from './fault-hosts.js';

const MiB = 1024 * 1024;

describe('fault injection: big output', function () {
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

  for (const [kind, mib] of [['local', 1024], ['ssh', 100]] as const) {
    it(`${mib} MiB of output (${kind}): the task succeeds, the middle is cut, memory stays flat`, async () => {
      const dir = playbookDir({});
      const host: HostSpec = kind === 'local' ? 'local' : { sshd: sshd! };
      writeFileSync(join(dir, 'inventory.yml'), inventory({ box: host }));
      writeFileSync(
        join(dir, 'site.yml'),
        `- hosts: all
  gather_facts: false
  tasks:
    - shell: yes 'a line of output' | head -c ${mib * MiB}; echo the end
      register: out
    - copy: {content: "{{ out.stdout }}", dest: ${dir}/kept}
`,
      );
      const { exited } = startCli(['run', 'site.yml', '-i', 'inventory.yml', '-v'], dir);
      const r = await exited;
      console.log(`      peak RSS of tsplay with ${mib} MiB of output (${kind}): ${(r.peakRss / MiB).toFixed(0)} MiB`);
      expect(r.code, r.stdout + r.stderr).to.equal(0);
      // At least what does not fit in 2 MiB (over ssh the shell's framing takes a few bytes of the tail).
      const cut = /output cut to its first and last MiB: (\d+) bytes of stdout/.exec(r.stdout);
      expect(Number(cut?.[1]), r.stdout.slice(-2000)).to.be.within(mib * MiB + 8 - 2 * MiB, mib * MiB + 8 - 2 * MiB + 200);
      const { readFileSync, statSync } = await import('node:fs');
      expect(statSync(join(dir, 'kept')).size).to.be.below(2 * MiB + 200);
      const kept = readFileSync(join(dir, 'kept'), 'utf8');
      expect(kept).to.match(/^(a line of output\n)+a line/);
      expect(kept).to.match(/\n\[tsplay: \d+ bytes of output cut here; the first 1048576 and the last \d+ bytes are kept\]\n/);
      expect(kept).to.match(/\na line of output\n[a-z ]*the end$/);
      expect(r.peakRss).to.be.below(200 * MiB);
    });
  }
});
