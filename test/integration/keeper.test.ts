// The connection keeper against a real sshd on 127.0.0.1, through the real CLI: a second run
// reuses the first run's SSH connection (one login on the server), other settings get their
// own, a kept connection's host key is checked again as a new connection's would be, and a
// keeper killed in the middle of a run leaves the rest of the run to a direct connection.
import { expect } from 'chai';
import { chmodSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { playbookDir, removePlaybookDirs, runCli } from '../support/cli.js';
import { requireRootOrSkip } from '../support/root.js';
import { LOOPBACK, startSshd, type TestSshd } from '../support/sshd.js';

/** A process and all of its descendants, from /proc. */
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

describe('connection keeper (real sshd on 127.0.0.1)', function () {
  this.timeout(60_000);
  let sshd: TestSshd;
  let keeperDir = '';
  const savedDir = process.env.TSPLAY_KEEPER_DIR;

  before(async function () {
    requireRootOrSkip(this, 'the connection keeper tests (they run sshd)');
    sshd = await startSshd();
    // A keeper of this suite's own, so that none of the user's (or another suite's) is used.
    keeperDir = mkdtempSync(join(tmpdir(), 'tsplay-keeper-'));
    process.env.TSPLAY_KEEPER_DIR = keeperDir;
  });
  after(async () => {
    if (keeperDir) await runCli(['keeper', 'stop']);
    if (savedDir === undefined) delete process.env.TSPLAY_KEEPER_DIR;
    else process.env.TSPLAY_KEEPER_DIR = savedDir;
    await sshd?.stop();
    if (keeperDir) rmSync(keeperDir, { recursive: true, force: true });
    removePlaybookDirs();
  });

  const logins = async (): Promise<number> => {
    await new Promise((r) => setTimeout(r, 300));
    return sshd.log().split('\n').filter((l) => l.includes('Accepted publickey')).length;
  };
  const status = async (): Promise<{ pid: number; handshakes: number; reused: number }> => {
    const r = await runCli(['keeper', 'status']);
    expect(r.code, `keeper status: ${r.stderr}`).to.equal(0);
    return JSON.parse(r.stdout) as { pid: number; handshakes: number; reused: number };
  };
  const box = (over: Record<string, unknown> = {}) => ({
    ansible_host: LOOPBACK,
    ansible_port: sshd.port,
    ansible_user: 'root',
    ansible_ssh_private_key_file: sshd.clientKeyFile,
    ansible_ssh_known_hosts_file: sshd.knownHostsFile,
    ...over,
  });
  const site = (dir: string, hosts: Record<string, Record<string, unknown>>, tasks: unknown[]): void => {
    writeFileSync(join(dir, 'inventory.yml'), stringify({ all: { hosts } }));
    writeFileSync(join(dir, 'site.yml'), stringify([{ hosts: 'all', gather_facts: false, tasks }]));
  };
  const run = (dir: string, ...extra: string[]) => runCli(['run', 'site.yml', '-i', 'inventory.yml', '--output', 'plain', ...extra], { cwd: dir });

  it('a second run reuses the kept connection: one login on the server; --persist 0 connects directly', async () => {
    const dir = playbookDir({});
    site(dir, { box: box() }, [{ command: 'true' }, { lineinfile: { path: join(dir, 'f'), line: 'kept', create: true } }]);
    const before = await logins();
    const first = await run(dir);
    expect(first.code, first.stdout + first.stderr).to.equal(0);
    const second = await run(dir);
    expect(second.code, second.stdout + second.stderr).to.equal(0);
    expect(second.stdout).to.match(/^box +: ok=2 +changed=1 /m);
    expect((await logins()) - before, 'logins seen by sshd for two runs').to.equal(1);
    const s = await status();
    expect([s.handshakes, s.reused]).to.deep.equal([1, 1]);
    const direct = await run(dir, '--persist', '0');
    expect(direct.code, direct.stdout + direct.stderr).to.equal(0);
    expect((await logins()) - before, 'the --persist 0 run logged in itself').to.equal(2);
    expect((await status()).handshakes, 'the keeper was not used').to.equal(1);
  });

  it('never hands a connection to a run whose settings differ (here: host key checking)', async () => {
    const dir = playbookDir({});
    site(dir, { box: box({ ansible_host_key_checking: false }) }, [{ command: 'true' }]);
    const before = await status();
    expect((await run(dir)).code).to.equal(0);
    const after = await status();
    expect(after.handshakes - before.handshakes, 'a connection of its own').to.equal(1);
    expect((await run(dir)).code).to.equal(0);
    expect((await status()).reused - after.reused, 'then reused by the same settings').to.equal(1);
  });

  it('checks a kept connection against known_hosts as a new connection would: a changed key is refused', async () => {
    const dir = playbookDir({});
    const knownHosts = join(dir, 'known_hosts');
    writeFileSync(knownHosts, `[${LOOPBACK}]:${sshd.port} ${sshd.hostKey}\n`);
    site(dir, { box: box({ ansible_ssh_known_hosts_file: knownHosts }) }, [{ command: 'true' }]);
    expect((await run(dir)).code).to.equal(0);
    // Another key for this host now: the kept connection's key is no longer the known one.
    writeFileSync(knownHosts, `[${LOOPBACK}]:${sshd.port} ${sshd.hostKeys.ed25519!.replace(/.{8}$/, 'AAAAAAAA')}\n`);
    const r = await run(dir);
    expect(r.code, r.stdout).to.equal(4);
    expect(r.stdout).to.match(/CHANGED/);
  });

  it('a keeper killed in the middle of a run: the rest of the run connects directly', async () => {
    const dir = playbookDir({});
    site(dir, { box: box(), ctl: { ansible_connection: 'local' } }, [
      { command: 'true' },
      // Only on ctl, while box's connection is idle: kill the keeper, wait until it is gone.
      { shell: 'kill -9 {{ keeper_pid }}; while kill -0 {{ keeper_pid }} 2>/dev/null && ! grep -q "^[0-9]* ([^)]*) Z" /proc/{{ keeper_pid }}/stat; do sleep 0.05; done; sleep 0.3', when: "inventory_hostname == 'ctl' and keeper_pid is defined" },
      { command: 'true' },
      { lineinfile: { path: join(dir, 'after'), line: 'direct', create: true } },
    ]);
    expect((await run(dir)).code, 'a run that starts the keeper').to.equal(0);
    const { pid } = await status();
    const before = await logins();
    const r = await run(dir, '-e', `keeper_pid=${pid}`);
    expect(r.code, r.stdout + r.stderr).to.equal(0);
    expect(r.stdout, r.stdout).to.match(/^box +: ok=3 +changed=2 +unreachable=0 +failed=0 +skipped=1/m);
    expect((await logins()) - before, 'the direct connection after the keeper died').to.equal(1);
    // The next run starts a new keeper.
    const third = await run(dir);
    expect(third.code, third.stdout + third.stderr).to.equal(0);
    expect((await status()).pid).to.not.equal(pid);
  });

  it('gives a run a new connection when the kept one no longer answers (a host stopped without closing it)', async function () {
    this.timeout(30_000);
    const dir = playbookDir({});
    site(dir, { box: box() }, [{ command: 'true' }]);
    expect((await run(dir)).code).to.equal(0);
    // Every session process of this sshd stopped: the TCP connections stay open, nothing answers.
    const sessions = processTree(sshd.pid).filter((p) => p !== sshd.pid);
    for (const p of sessions) process.kill(p, 'SIGSTOP');
    try {
      const before = { logins: await logins(), handshakes: (await status()).handshakes };
      const started = Date.now();
      const r = await run(dir);
      expect(r.code, r.stdout + r.stderr).to.equal(0);
      expect(Date.now() - started, 'no wait for keepalives to give up').to.be.below(10_000);
      expect((await logins()) - before.logins, 'a new login').to.equal(1);
      expect((await status()).handshakes - before.handshakes).to.equal(1);
    } finally {
      for (const p of sessions) {
        try {
          process.kill(p, 'SIGKILL');
        } catch {
          // gone
        }
      }
    }
  });

  it('refuses a keeper directory that group or others can reach: the run connects directly and says why', async () => {
    const open = mkdtempSync(join(tmpdir(), 'tsplay-keeper-open-'));
    chmodSync(open, 0o755);
    const dir = playbookDir({});
    site(dir, { box: box() }, [{ command: 'true' }]);
    process.env.TSPLAY_KEEPER_DIR = open;
    try {
      const r = await run(dir);
      expect(r.code, r.stdout + r.stderr).to.equal(0);
      expect(r.stderr).to.include(`tsplay: connections are not kept across runs: ${open} has mode 0755: group or others can reach it (0700 is needed)`);
    } finally {
      process.env.TSPLAY_KEEPER_DIR = keeperDir;
      rmSync(open, { recursive: true, force: true });
    }
  });
});
