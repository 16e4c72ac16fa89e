// The persistent remote shell (engine/connection/remote-shell.ts) against a real OpenSSH server on
// 127.0.0.1: framing of stdout, stderr and exit status, binary stdin, commands that try to break
// the frame or the shell, parallel commands on several shells, and the exec-channel fallback.
import { expect } from 'chai';
import { createHash } from 'node:crypto';
import { SshConnection } from '../../engine/connection/ssh.js';
import { requireRootOrSkip } from '../support/root.js';
import { type BecomeUser, type TestSshd, ensureBecomeUser, LOOPBACK, startSshd } from '../support/sshd.js';

describe('persistent remote shell (real sshd on 127.0.0.1)', function () {
  this.timeout(60_000);
  let sshd: TestSshd;
  let becomeUser: BecomeUser;
  const open: SshConnection[] = [];

  before(async function () {
    requireRootOrSkip(this, 'persistent shell tests (they run sshd and create a test user)');
    becomeUser = ensureBecomeUser();
    sshd = await startSshd();
  });
  after(async () => {
    await sshd?.stop();
    becomeUser?.cleanup();
  });
  afterEach(async () => {
    await Promise.all(open.splice(0).map((c) => c.close()));
  });

  const connect = (): SshConnection => {
    const c = new SshConnection({
      name: 'shellbox',
      address: LOOPBACK,
      port: sshd.port,
      user: becomeUser.user,
      privateKeyFile: sshd.clientKeyFile,
      knownHostsFile: sshd.knownHostsFile,
      hostKeyPolicy: 'strict',
      connectTimeoutMs: 5_000,
    });
    open.push(c);
    return c;
  };
  /** The remote shells that ran `n` sequential commands: `$$` is the shell's pid, in its subshells too. */
  const shellsFor = async (c: SshConnection, n: number): Promise<number> => {
    const pids = new Set<string>();
    for (let i = 0; i < n; i++) pids.add((await c.exec('echo $$')).stdout);
    return pids.size;
  };

  it('keeps stdout, stderr and the exit status apart, with or without a final newline', async () => {
    const c = connect();
    expect(await c.exec('printf out; printf err >&2; exit 3')).to.deep.equal({ stdout: 'out', stderr: 'err', code: 3 });
    expect(await c.exec('echo a; echo b >&2')).to.deep.equal({ stdout: 'a\n', stderr: 'b\n', code: 0 });
    expect(await c.exec('printf "\\n\\n"')).to.deep.equal({ stdout: '\n\n', stderr: '', code: 0 });
  });

  it('runs many commands in one shell session', async () => {
    const c = connect();
    for (let i = 0; i < 5; i++) expect((await c.exec(`echo ${i}`)).stdout).to.equal(`${i}\n`);
    expect(await shellsFor(c, 20), 'shells that ran 20 sequential commands').to.equal(1);
    expect(c.roundTrips).to.equal(25);
  });

  it('gives each command its own subshell: exit, cd and variables do not leak', async () => {
    const c = connect();
    expect((await c.exec('cd /tmp; X=1; exit 0')).code).to.equal(0);
    const home = (await c.exec('echo "$HOME"')).stdout;
    expect((await c.exec('pwd; echo "x=${X:-unset}"')).stdout).to.equal(`${home.trim()}\nx=unset\n`);
  });

  it('fails a command with a syntax error alone', async () => {
    const c = connect();
    const bad = await c.exec("echo 'unterminated");
    expect(bad.code).to.not.equal(0);
    expect((await c.exec('echo next')).stdout).to.equal('next\n');
  });

  it('cannot be fooled by output that imitates a trailer', async () => {
    const c = connect();
    const r = await c.exec('printf "\\ntsplay-00000000000000000000000000000000 0\\n"; echo real; exit 4');
    expect(r).to.deep.equal({ stdout: '\ntsplay-00000000000000000000000000000000 0\nreal\n', stderr: '', code: 4 });
  });

  it('passes binary stdin through unchanged, and never lets a command read the shell script', async () => {
    const c = connect();
    const data = Buffer.concat([Buffer.from([...Array(256).keys()]), Buffer.from("'\"$(id)`\r\n\0", 'latin1')]);
    const r = await c.exec('sha256sum', { stdin: data });
    expect(r.stdout.split(' ')[0]).to.equal(createHash('sha256').update(data).digest('hex'));
    // no stdin: the command reads /dev/null, not the next command
    expect(await c.exec('cat; echo done')).to.deep.equal({ stdout: 'done\n', stderr: '', code: 0 });
  });

  it('sends a large stdin over an exec channel of its own', async () => {
    const c = connect();
    const data = Buffer.alloc(3_000_000, 0x5a);
    expect((await c.exec('wc -c', { stdin: data })).stdout.trim()).to.equal(String(data.length));
  });

  it('survives a command that kills its shell: that command fails, the next gets a new shell', async () => {
    const c = connect();
    expect((await c.exec('echo $$')).code).to.equal(0);
    const killed = await c.exec('kill -9 $$');
    expect(killed.code).to.equal(-1);
    expect(killed.stderr).to.match(/remote shell .* ended/);
    expect((await c.exec('echo again')).stdout).to.equal('again\n');
  });

  it('runs commands in parallel on several shells; a hanging one does not hold up the others', async () => {
    const c = connect();
    let slowDone = false;
    const slow = c.exec('sleep 3; echo slow').then((r) => ((slowDone = true), r));
    const fast = await Promise.all([...Array(6).keys()].map((i) => c.exec(`echo ${i}`)));
    expect(slowDone, 'the fast commands finished while the slow one still ran').to.equal(false);
    expect(fast.map((r) => r.stdout)).to.deep.equal([...Array(6).keys()].map((i) => `${i}\n`));
    expect((await slow).stdout).to.equal('slow\n');
  });

  it('runs every command on an exec channel with TSPLAY_PERSISTENT_SHELL=0', async () => {
    process.env.TSPLAY_PERSISTENT_SHELL = '0';
    try {
      expect(await shellsFor(connect(), 5), 'shells that ran 5 sequential commands').to.equal(5);
    } finally {
      delete process.env.TSPLAY_PERSISTENT_SHELL;
    }
  });
});
