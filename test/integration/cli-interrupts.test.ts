// SIGINT / SIGTERM on a real `tsplay run`: the first signal lets the running task finish, starts
// nothing new, prints the recap and exits 130 / 143; a second one exits at once and kills the
// local commands still running. The signal goes to the whole process group, as Ctrl-C in a
// terminal does.
import { expect } from 'chai';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { localInventory, playbookDir, removePlaybookDirs } from '../support/cli.js';
import { alive, startCli, waitFor } from '../support/spawned-cli.js';

describe('integration: interrupts (SIGINT, SIGTERM)', function () {
  this.timeout(60_000);
  after(removePlaybookDirs);

  const site = (first: string) => `- hosts: all
  gather_facts: false
  tasks:
    - name: running when the signal comes
      shell: ${JSON.stringify(first)}
    - name: never started
      shell: touch second
`;

  for (const [signal, code] of [['SIGINT', 130], ['SIGTERM', 143]] as const) {
    it(`${signal}: the running task finishes, nothing new starts, the recap is printed, exit ${code}`, async () => {
      const dir = playbookDir({ 'inventory.yml': localInventory(['h1', 'h2']), 'site.yml': site('touch started-$$; sleep 1; touch finished-$$') });
      const { child, exited } = startCli(['run', 'site.yml', '-i', 'inventory.yml', '--output', 'plain'], dir);
      await waitFor(() => readDirHas(dir, 'started-', 2));
      process.kill(-child.pid!, signal);
      const r = await exited;
      expect([r.code, r.signal], r.stderr).to.deep.equal([code, null]);
      expect(readDirHas(dir, 'finished-', 2)).to.equal(true);
      expect(existsSync(join(dir, 'second'))).to.equal(false);
      expect(r.stdout).to.match(/PLAY RECAP \*+\nh1 +: ok=1 +changed=1 +unreachable=0 +failed=0/);
      expect(r.stderr).to.include(`${signal}: no new task starts`);
    });
  }

  it('a second signal exits at once and kills the local commands still running', async () => {
    const dir = playbookDir({ 'inventory.yml': localInventory(['h1']), 'site.yml': site('echo $$ > pid; exec sleep 30') });
    const { child, exited } = startCli(['run', 'site.yml', '-i', 'inventory.yml', '--output', 'plain'], dir);
    await waitFor(() => existsSync(join(dir, 'pid')) && readFileSync(join(dir, 'pid'), 'utf8').endsWith('\n'));
    const pid = Number(readFileSync(join(dir, 'pid'), 'utf8'));
    process.kill(-child.pid!, 'SIGINT');
    await new Promise((r) => setTimeout(r, 300));
    expect(alive(pid), 'the first signal lets the command run').to.equal(true);
    const t0 = Date.now();
    process.kill(child.pid!, 'SIGINT');
    const r = await exited;
    expect(Date.now() - t0).to.be.below(2000);
    expect(r.code).to.equal(130);
    await waitFor(() => !alive(pid), 2000);
  });
});

function readDirHas(dir: string, prefix: string, n: number): boolean {
  return readdirSync(dir).filter((f) => f.startsWith(prefix)).length >= n;
}
