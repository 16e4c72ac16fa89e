// SshConnection against a real OpenSSH server on 127.0.0.1: one TCP connection per host,
// channel queueing, stdin, exit codes, become through sudo, and every refusal's message.
import { expect } from 'chai';
import { requireRootOrSkip } from '../support/root.js';
import { createHash } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { type SshSettings, SshConnection } from '../../engine/connection/ssh.js';
import { ConnectionError } from '../../engine/errors.js';
import type { Connection, ExecOptions, ExecResult } from '../../engine/module-api.js';
import { createModuleContext } from '../../engine/runner/module-context.js';
import { type BecomeUser, type TestSshd, closedPort, ensureBecomeUser, LOOPBACK, startSshd } from '../support/sshd.js';

/** Passes commands through to a real connection and keeps what was sent. */
class RecordingConnection implements Connection {
  readonly sent: { command: string; stdin?: Buffer }[] = [];
  constructor(private inner: Connection) {}
  get host(): string {
    return this.inner.host;
  }
  get roundTrips(): number {
    return this.inner.roundTrips;
  }
  exec(command: string, opts: ExecOptions = {}): Promise<ExecResult> {
    this.sent.push({ command, stdin: opts.stdin === undefined ? undefined : Buffer.from(opts.stdin) });
    return this.inner.exec(command, opts);
  }
  close(): Promise<void> {
    return this.inner.close();
  }
}

const HOST = 'testbox';

describe('ssh connection (real sshd on 127.0.0.1)', function () {
  this.timeout(60_000);
  let sshd: TestSshd;
  let becomeUser: BecomeUser;
  const open: SshConnection[] = [];

  before(async function () {
    requireRootOrSkip(this, 'SSH integration tests (they run sshd and create a test user)');
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

  const connect = (over: Partial<SshSettings> = {}): SshConnection => {
    const c = new SshConnection({
      name: HOST,
      address: LOOPBACK,
      port: sshd.port,
      // Not root: root's login shell here may run a slow ~/.bashrc for every command.
      user: becomeUser.user,
      privateKeyFile: sshd.clientKeyFile,
      knownHostsFile: sshd.knownHostsFile,
      hostKeyPolicy: 'strict',
      connectTimeoutMs: 5_000,
      ...over,
    });
    open.push(c);
    return c;
  };
  const logins = (): number => sshd.log().split('\n').filter((l) => l.includes('Accepted publickey')).length;
  const settle = (): Promise<void> => new Promise((r) => setTimeout(r, 300));

  /** The ConnectionError a failing first command gives; also checks that it names the host. */
  async function refusal(c: Connection): Promise<ConnectionError> {
    try {
      await c.exec('true');
    } catch (e) {
      expect(e).to.be.instanceOf(ConnectionError);
      const err = e as ConnectionError;
      expect(err.host).to.equal(HOST);
      expect(err.message.startsWith(`${HOST}: `), err.message).to.equal(true);
      return err;
    }
    throw new Error('the connection was not refused');
  }

  describe('commands', () => {
    it('runs many commands, sequential and parallel, over one TCP connection', async () => {
      const before = logins();
      const c = connect();
      for (let i = 0; i < 5; i++) expect((await c.exec(`echo ${i}`)).stdout).to.equal(`${i}\n`);
      const outs = await Promise.all([...Array(8).keys()].map((i) => c.exec(`echo p${i}`)));
      expect(outs.map((o) => o.stdout)).to.deep.equal([...Array(8).keys()].map((i) => `p${i}\n`));
      expect(c.roundTrips).to.equal(13);
      await settle();
      expect(logins() - before, 'logins seen by sshd').to.equal(1);
    });

    it('logs in as root as well', async () => {
      expect((await connect({ user: 'root' }).exec('id -un')).stdout).to.equal('root\n');
    });

    it('queues channels beyond sshd MaxSessions (10) instead of failing', async () => {
      const c = connect();
      await c.exec('true'); // connected, so the timing below is only the commands
      const started = Date.now();
      const outs = await Promise.all([...Array(25).keys()].map((i) => c.exec(`sleep 0.2; echo ${i}`)));
      const elapsed = Date.now() - started;
      expect(outs.map((o) => [o.code, o.stdout])).to.deep.equal([...Array(25).keys()].map((i) => [0, `${i}\n`]));
      // 25 commands, at most 10 at once: at least three waves of 0.2 s.
      expect(elapsed).to.be.at.least(600);
      expect(c.roundTrips).to.equal(26);
    });

    it('passes binary stdin through unchanged', async () => {
      const c = connect();
      const data = Buffer.concat([Buffer.from([...Array(256).keys()]), Buffer.from('\r\n\0end', 'latin1'), Buffer.alloc(300_000, 0xa5)]);
      const [count, hash] = await Promise.all([c.exec('wc -c', { stdin: data }), c.exec('sha256sum', { stdin: data })]);
      expect(count.stdout.trim()).to.equal(String(data.length));
      expect(hash.stdout.split(' ')[0]).to.equal(createHash('sha256').update(data).digest('hex'));
    });

    it('returns exit codes and stderr without throwing', async () => {
      const c = connect();
      expect(await c.exec('echo out; echo err >&2; exit 3')).to.deep.equal({ stdout: 'out\n', stderr: 'err\n', code: 3 });
      expect((await c.exec('kill -9 $$')).code, 'killed by a signal').to.equal(-1);
      expect((await c.exec('no-such-command-tsplay')).code).to.equal(127);
    });

    it('finishes a command that ignores a large stdin', async () => {
      const r = await connect().exec('echo done', { stdin: Buffer.alloc(8 << 20, 0x61) });
      expect(r).to.deep.equal({ stdout: 'done\n', stderr: '', code: 0 });
    });

    it('reports a connection lost during a command as a ConnectionError', async () => {
      const c = connect();
      // The shell's parent is the sshd process serving this whole connection.
      const err = await c.exec('kill -9 $PPID; sleep 5').then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(err).to.be.instanceOf(ConnectionError);
      expect((err as Error).message).to.equal(`${HOST}: unreachable: connection lost while a command was running`);
      await refusal(c);
    });
  });

  describe('become', () => {
    const context = (conn: Connection, become: { user: string; password?: string }) =>
      createModuleContext({
        host: HOST,
        conn,
        vars: {},
        checkMode: false,
        baseDir: '/',
        become,
        secrets: become.password ? [become.password] : [],
        connectionTo: () => Promise.reject(new Error('not used')),
        log: () => undefined,
      });

    it('becomes root from a user whose sudo needs a password, never putting it in a command', async () => {
      const rec = new RecordingConnection(connect());
      const ctx = context(rec, { user: 'root', password: becomeUser.password });
      expect((await ctx.run('id -un')).trim()).to.equal('root');
      expect((await ctx.run('id -un', { become: false })).trim()).to.equal(becomeUser.user);
      // A file written as root holds exactly its content: the password line went to sudo only.
      const file = join('/tmp', `tsplay-become-${process.pid}`);
      await ctx.writeFile(file, 'line one\nline two\n', { mode: '0600' });
      expect(readFileSync(file, 'utf8')).to.equal('line one\nline two\n');
      expect(execFileSync('stat', ['-c', '%U %a', file], { encoding: 'utf8' }).trim()).to.equal('root 600');
      execFileSync('rm', ['-f', file]);
      expect(rec.sent.length).to.equal(3);
      for (const s of rec.sent) expect(s.command).to.not.include(becomeUser.password);
      expect(rec.sent[0]!.stdin?.toString(), 'the password travels on stdin').to.equal(`${becomeUser.password}\n`);
    });

    it('fails with a wrong password: "incorrect sudo password for USER on HOST", no script, no password', async () => {
      const ctx = context(connect(), { user: 'root', password: 'wrong-password-tsplay' });
      try {
        await ctx.run('id -un');
        throw new Error('become with a wrong password succeeded');
      } catch (e) {
        expect((e as Error).message).to.equal(`incorrect sudo password for ${becomeUser.user} on ${HOST} (to become root)`);
        expect((e as Error).message).to.not.include('wrong-password-tsplay');
      }
    });

    it('does not feed the password to the command where sudo needs none', async () => {
      const ctx = context(connect(), { user: 'nobody', password: becomeUser.password });
      expect((await ctx.run('id -un')).trim()).to.equal('nobody');
      expect(await ctx.run('cat', { stdin: 'only this\n' })).to.equal('only this\n');
    });

    it('skips sudo when already the target user', async () => {
      // tsplaytest may not sudo to itself, and the password is wrong: only the direct path works.
      const ctx = context(connect(), { user: becomeUser.user, password: 'not-the-password' });
      expect((await ctx.run('id -un')).trim()).to.equal(becomeUser.user);
      expect(await ctx.run('cat', { stdin: 'payload\n' })).to.equal('payload\n');
    });
  });

  // Become inside the persistent shell (shell-pool.ts, become.ts becomeShellCommand): one sudo
  // per become user and connection, not one per command.
  describe('become shells', () => {
    const context = (conn: Connection, become: { user: string; password?: string }) =>
      createModuleContext({
        host: HOST,
        conn,
        vars: {},
        checkMode: false,
        baseDir: '/',
        become,
        secrets: become.password ? [become.password] : [],
        connectionTo: () => Promise.reject(new Error('not used')),
        log: () => undefined,
      });

    it('runs every command of a become user in one shell started by one sudo, beside the plain shell', async () => {
      const c = connect();
      const ctx = context(c, { user: 'root', password: becomeUser.password });
      const pids = new Set<string>();
      for (let i = 0; i < 5; i++) pids.add(await ctx.run('echo "$(id -un) $$"'));
      expect([...pids].map((p) => p.split(' ')[0])).to.deep.equal(['root\n'.trim()]);
      expect(pids.size, 'become shells that ran 5 commands').to.equal(1);
      const shell = [...pids][0]!.trim().split(' ')[1];
      // The shell's parent is the one sudo that started it.
      expect(execFileSync('ps', ['-o', 'comm=', '-p', execFileSync('ps', ['-o', 'ppid=', '-p', shell!], { encoding: 'utf8' }).trim()], { encoding: 'utf8' }).trim()).to.equal('sudo');
      expect((await ctx.run('id -un', { become: false })).trim()).to.equal(becomeUser.user);
      expect((await ctx.run('id -un', { becomeUser: 'nobody' })).trim()).to.equal('nobody');
      const file = join('/tmp', `tsplay-become-shell-${process.pid}`);
      await ctx.writeFile(file, 'line one\nline two\n', { mode: '0600' });
      expect(readFileSync(file, 'utf8')).to.equal('line one\nline two\n');
      expect(execFileSync('stat', ['-c', '%U %a', file], { encoding: 'utf8' }).trim()).to.equal('root 600');
      execFileSync('rm', ['-f', file]);
      expect(await ctx.run('cat', { stdin: 'stdin as root\n' })).to.equal('stdin as root\n');
    });

    it('keeps different become passwords apart: a wrong one never gets the shell a right one opened', async () => {
      const c = connect();
      expect((await context(c, { user: 'root', password: becomeUser.password }).run('id -un')).trim()).to.equal('root');
      const wrong = context(c, { user: 'root', password: 'wrong-password-tsplay' });
      const err = await wrong.run('id -un').then(() => undefined, (e: unknown) => e as Error);
      expect(err?.message).to.equal(`incorrect sudo password for ${becomeUser.user} on ${HOST} (to become root)`);
    });

    it('replaces a become shell that a command killed', async () => {
      const ctx = context(connect(), { user: 'root', password: becomeUser.password });
      const first = await ctx.run('echo $$');
      expect((await ctx.exec('kill -9 $$')).code).to.equal(-1);
      const second = await ctx.run('echo "$(id -un) $$"');
      expect(second.split(' ')[0]).to.equal('root');
      expect(second.split(' ')[1]).to.not.equal(first);
    });
  });

  describe('refusals', () => {
    const otherKey = (): string => {
      execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', join(sshd.dir, 'other')], { stdio: 'ignore' });
      return readFileSync(join(sshd.dir, 'other.pub'), 'utf8').split(' ').slice(0, 2).join(' ');
    };

    it('refuses an unknown host key under the strict policy', async () => {
      const file = join(sshd.dir, 'known_hosts.empty');
      writeFileSync(file, '');
      const err = await refusal(connect({ knownHostsFile: file }));
      expect(err.message).to.match(/host key for \[127\.0\.0\.1\]:\d+ is not known/);
    });

    it('refuses a changed host key', async () => {
      const file = join(sshd.dir, 'known_hosts.changed');
      writeFileSync(file, `[${LOOPBACK}]:${sshd.port} ${otherKey()}\n`);
      const err = await refusal(connect({ knownHostsFile: file }));
      expect(err.message).to.match(/CHANGED/);
      expect(err.message).to.contain(`ssh-keygen -R '[${LOOPBACK}]:${sshd.port}'`);
    });

    it('accepts a new host key under accept-new and records it', async () => {
      const file = join(sshd.dir, 'sub', 'known_hosts.new');
      const c = connect({ knownHostsFile: file, hostKeyPolicy: 'accept-new' });
      expect((await c.exec('echo ok')).stdout).to.equal('ok\n');
      expect(readFileSync(file, 'utf8')).to.equal(`[${LOOPBACK}]:${sshd.port} ${sshd.hostKey}\n`);
      // The recorded key now satisfies the strict policy.
      expect((await connect({ knownHostsFile: file }).exec('echo again')).stdout).to.equal('again\n');
    });

    it('matches hashed known_hosts entries written by ssh-keygen -H', async () => {
      const file = join(sshd.dir, 'known_hosts.hashed');
      writeFileSync(file, readFileSync(sshd.knownHostsFile));
      execFileSync('ssh-keygen', ['-q', '-H', '-f', file], { stdio: 'ignore' });
      expect(readFileSync(file, 'utf8')).to.match(/^\|1\|/);
      expect((await connect({ knownHostsFile: file }).exec('echo hashed')).stdout).to.equal('hashed\n');
    });

    it('reports a closed port as connection refused', async () => {
      const err = await refusal(connect({ port: await closedPort() }));
      expect(err.message).to.match(new RegExp(`connection refused by ${becomeUser.user}@127\\.0\\.0\\.1:\\d+`));
    });

    it('reports a key sshd does not accept as authentication failed', async () => {
      const err = await refusal(connect({ privateKeyFile: sshd.wrongKeyFile }));
      expect(err.message).to.match(new RegExp(`authentication failed for ${becomeUser.user}@127\\.0\\.0\\.1:\\d+`));
    });

    it('reports an unreadable private key', async () => {
      const err = await refusal(connect({ privateKeyFile: join(sshd.dir, 'no-such-key') }));
      expect(err.message).to.match(/cannot read private key/);
    });
  });

  // The persistent remote shell (engine/connection/remote-shell.ts): framing of stdout, stderr and
  // exit status, binary stdin, commands that try to break the frame or the shell, parallel
  // commands on several shells, and the exec-channel fallback.
  describe('persistent shell', () => {
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
});
