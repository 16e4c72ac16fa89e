import { expect } from 'chai';
import { userInfo } from 'node:os';
import { BECOME_READY, becomeKey, becomeShellCommand, wrapBecome } from '../../../engine/connection/become.js';
import { LocalConnection } from '../../../engine/connection/local.js';
import { CommandError } from '../../../engine/errors.js';
import { createModuleContext } from '../../../engine/runner/module-context.js';
import type { BecomeSettings } from '../../../engine/connection/become.js';
import type { Connection } from '../../../engine/module-api.js';
import { FakeConnection } from '../../support/fake-connection.js';

const PASSWORD = "pa ss'w\"ord$(id)";

function context(conn: Connection, become?: BecomeSettings, secrets: string[] = []) {
  return createModuleContext({
    host: 'h1',
    conn,
    vars: {},
    checkMode: false,
    baseDir: '/',
    become,
    secrets,
    connectionTo: async () => conn,
    log: () => undefined,
  });
}

describe('become', () => {
  it('the password travels only on stdin, as its first line, never in the command', () => {
    const w = wrapBecome('cat /etc/shadow', { user: 'root', password: PASSWORD });
    expect(w.command).not.to.include(PASSWORD);
    expect(w.command).not.to.include('pa ss');
    expect(w.stdinPrefix).to.equal(`${PASSWORD}\n`);
    expect(w.command).to.include("sudo -H -k -S -p '' -u root");
  });

  it('a become shell starts by the same choice, its password on stdin only, and says when it is ready', () => {
    const w = becomeShellCommand({ user: 'root', password: PASSWORD });
    expect(w.command).not.to.include('pa ss');
    expect(w.stdinPrefix).to.equal(`${PASSWORD}\n`);
    expect(w.command).to.include("exec sudo -H -k -S -p '' -u root -- /bin/sh -c").and.include(`echo ${BECOME_READY}; exec /bin/sh`);
    expect(becomeShellCommand({ user: 'postgres' })).to.deep.include({ stdinPrefix: '' });
    expect(becomeShellCommand({ user: 'postgres' }).command).to.include('exec sudo -H -n -u postgres');
  });

  it('become keys tell users and passwords apart without holding the password', () => {
    const k = becomeKey({ user: 'root', password: PASSWORD });
    expect(k).to.equal(becomeKey({ user: 'root', password: PASSWORD }));
    expect(k).not.to.include('pa ss');
    expect(new Set([k, becomeKey({ user: 'root', password: 'other' }), becomeKey({ user: 'root' }), becomeKey({ user: 'postgres', password: PASSWORD })]).size).to.equal(4);
  });

  it('without a password, sudo must not prompt (-n) and stdin is untouched', () => {
    const w = wrapBecome('id -un', { user: 'postgres' });
    expect(w.stdinPrefix).to.equal('');
    expect(w.command).to.include('sudo -H -n -u postgres');
    expect(w.command).not.to.include(' -S ');
  });

  it('the context sends the wrapped command and the password line before the caller\'s stdin', async () => {
    const conn = new FakeConnection('h1', [{ match: /.*/, stdout: 'ok' }]);
    const ctx = context(conn, { user: 'postgres', password: PASSWORD });
    await ctx.exec('cat > /tmp/x', { stdin: 'content\n' });
    await ctx.exec('psql', { becomeUser: 'other' });
    await ctx.exec('whoami', { become: false });
    const [first, second, third] = conn.commands;
    expect(first!.command).to.include(`/bin/sh -c 'cat > /tmp/x'`).and.include('-u postgres');
    expect(first!.stdin).to.equal(`${PASSWORD}\ncontent\n`);
    expect(second!.command).to.include('-u other');
    expect(second!.stdin).to.equal(`${PASSWORD}\n`);
    expect(third).to.deep.equal({ command: 'whoami', stdin: undefined });
    for (const c of conn.commands) expect(c.command).not.to.include(PASSWORD);
  });

  it('a failing command names no secret in its error', async () => {
    const conn = new FakeConnection('h1', [{ match: /.*/, code: 1, stderr: `denied for ${PASSWORD}` }]);
    const ctx = context(conn, { user: 'root', password: PASSWORD }, [PASSWORD]);
    const err = await ctx.run('false').catch((e: unknown) => e);
    expect(err).to.be.instanceOf(CommandError);
    expect((err as Error).message).to.include('denied for ********').and.not.include(PASSWORD);
  });

  describe('for real, through the local connection', function () {
    const me = userInfo().username;
    before(function () {
      if (me !== 'root') this.skip(); // becoming nobody without a password needs root
    });

    it('already the target user: the password line is read away, the command sees only its stdin', async () => {
      const ctx = context(new LocalConnection('local'), { user: me, password: PASSWORD });
      expect(await ctx.run('id -un; cat', { stdin: 'data\n' })).to.equal(`${me}\ndata\n`);
    });

    it('sudo that needs no password: the line is read away too', async () => {
      const ctx = context(new LocalConnection('local'), { user: 'nobody', password: PASSWORD });
      expect(await ctx.run('id -un; cat', { stdin: 'data\n' })).to.equal('nobody\ndata\n');
    });

    it('without a password', async () => {
      const ctx = context(new LocalConnection('local'), { user: 'nobody' });
      expect(await ctx.run('id -un; cat', { stdin: 'data\n' })).to.equal('nobody\ndata\n');
    });
  });
});
