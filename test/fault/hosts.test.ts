// Fault injection, hosts: an sshd killed in the middle of a task (that host unreachable, the
// others finish) and 10 hosts of which 3 are unreachable (recap, exit 4).
import { expect } from 'chai';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { playbookDir, removePlaybookDirs, runCli } from '../support/cli.js';
import { requireRootOrSkip } from '../support/root.js';
import { closedPort, type TestSshd, startSshd } from '../support/sshd.js';
import { startCli, waitFor } from '../support/spawned-cli.js';
import { type HostSpec, inventory } from './fault-hosts.js';

/** The pids of a process and all of its descendants, from /proc. */
function processTree(root: number): number[] {
  const parent = new Map<number, number>();
  for (const e of readdirSync('/proc')) {
    if (!/^\d+$/.test(e)) continue;
    try {
      const stat = readFileSync(`/proc/${e}/stat`, 'utf8');
      parent.set(Number(e), Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]));
    } catch {
      // gone
    }
  }
  const tree = [root];
  for (let i = 0; i < tree.length; i++) for (const [pid, ppid] of parent) if (ppid === tree[i]) tree.push(pid);
  return tree;
}

describe('fault injection: hosts', function () {
  this.timeout(120_000);
  const sshds: TestSshd[] = [];
  before(async function () {
    requireRootOrSkip(this, 'the fault-injection tests (throw-away sshds)');
    sshds.push(await startSshd(), await startSshd());
  });
  after(async () => {
    for (const s of sshds) await s.stop();
    removePlaybookDirs();
  });

  it('sshd killed mid-task: that host is unreachable, the other finishes; exit 4', async () => {
    const [a, b] = sshds as [TestSshd, TestSshd];
    const dir = playbookDir({});
    writeFileSync(join(dir, 'inventory.yml'), inventory({ a: { sshd: a }, b: { sshd: b } }));
    writeFileSync(
      join(dir, 'site.yml'),
      `- hosts: all
  gather_facts: false
  tasks:
    - shell: touch ${dir}/started-{{ inventory_hostname }}; sleep 2
    - shell: touch ${dir}/after-{{ inventory_hostname }}
`,
    );
    const { exited } = startCli(['run', 'site.yml', '-i', 'inventory.yml'], dir);
    await waitFor(() => existsSync(join(dir, 'started-a')) && existsSync(join(dir, 'started-b')), 30_000, 'both hosts to start');
    // The listener and every session process under it, as when the host's sshd dies: all frozen
    // first, so that no shell can report its killed child's exit status before its sshd is gone
    // (killed leaves-first, the host was sometimes "failed" with 137 instead of unreachable).
    const tree = processTree(a.pid);
    for (const signal of ['SIGSTOP', 'SIGKILL'] as const) {
      for (const pid of tree) {
        try {
          process.kill(pid, signal);
        } catch {
          // ended on its own meanwhile
        }
      }
    }
    const r = await exited;
    expect(r.code, r.stdout + r.stderr).to.equal(4);
    expect(r.stdout).to.match(/^a +: ok=0 +changed=0 +unreachable=1 +failed=0/m);
    expect(r.stdout).to.match(/^b +: ok=2 +changed=2 +unreachable=0 +failed=0/m);
    expect([existsSync(join(dir, 'after-a')), existsSync(join(dir, 'after-b'))]).to.deep.equal([false, true]);
  });

  it('10 hosts, 3 unreachable: the recap is right for each, exit 4', async () => {
    const sshd = sshds[1]!;
    const hosts: Record<string, HostSpec> = {};
    for (let i = 1; i <= 7; i++) hosts[`up${i}`] = { sshd };
    for (let i = 1; i <= 3; i++) hosts[`down${i}`] = { port: await closedPort() };
    const dir = playbookDir({});
    writeFileSync(join(dir, 'inventory.yml'), inventory(hosts, sshd.clientKeyFile));
    writeFileSync(
      join(dir, 'site.yml'),
      `- hosts: all
  gather_facts: false
  tasks:
    - command: 'true'
    - command: 'true'
`,
    );
    const r = await runCli(['run', 'site.yml', '-i', 'inventory.yml'], { cwd: dir, timeoutMs: 60_000 });
    expect(r.code, r.stdout + r.stderr).to.equal(4);
    for (let i = 1; i <= 7; i++) expect(r.stdout).to.match(new RegExp(`^up${i} +: ok=2 +changed=2 +unreachable=0 +failed=0`, 'm'));
    for (let i = 1; i <= 3; i++) expect(r.stdout).to.match(new RegExp(`^down${i} +: ok=0 +changed=0 +unreachable=1 +failed=0`, 'm'));
    expect(r.stdout.match(/connection refused by root@127\.0\.0\.1/g)).to.have.length(3);
  });
});
