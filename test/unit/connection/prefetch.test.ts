// PrefetchingConnection: prefetched reads are served once, without a round trip, and only while
// nothing else has run on the host since they were read.
import { expect } from 'chai';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LocalConnection } from '../../../engine/connection/local.js';
import { PrefetchingConnection } from '../../../engine/connection/prefetch.js';

describe('connection/prefetch', () => {
  let dir = '';
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'tsplay-prefetch-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('serves prefetched commands without a round trip, each once', async () => {
    const c = new PrefetchingConnection(new LocalConnection('h'));
    const read = `cat ${dir}/f 2>/dev/null || echo absent`;
    expect(await c.prefetch([{ command: read }, { command: 'echo two; exit 2' }, { command: 'cat', stdin: 'in' }])).to.equal(3);
    expect(c.roundTrips).to.equal(1);
    expect(await c.exec('echo two; exit 2')).to.deep.equal({ stdout: 'two\n', stderr: '', code: 2 });
    expect(await c.exec('cat', { stdin: 'in' })).to.deep.equal({ stdout: 'in', stderr: '', code: 0 });
    expect(await c.exec(read)).to.deep.equal({ stdout: 'absent\n', stderr: '', code: 0 });
    expect(c.roundTrips, 'three commands served from one round trip').to.equal(1);
    expect(c.served).to.equal(3);
    // served once: the same command again goes to the host
    await c.exec(read);
    expect(c.roundTrips).to.equal(2);
  });

  it('runs a command asked for several times once, and serves each copy once', async () => {
    const c = new PrefetchingConnection(new LocalConnection('h'));
    // Counts its own runs on the host (a real read has no such effect: the count proves one run).
    const read = `echo run >> ${dir}/runs; wc -l < ${dir}/runs`;
    expect(await c.prefetch([{ command: read }, { command: 'echo other' }, { command: read }, { command: read }])).to.equal(4);
    expect(readFileSync(join(dir, 'runs'), 'utf8'), 'one run on the host for three copies').to.equal('run\n');
    for (let k = 0; k < 3; k++) expect((await c.exec(read)).stdout.trim()).to.equal('1');
    expect((await c.exec('echo other')).stdout).to.equal('other\n');
    expect(c.served).to.equal(4);
    expect(c.roundTrips).to.equal(1);
    await c.exec(read);
    expect(c.roundTrips, 'a fourth copy was not read ahead: it goes to the host').to.equal(2);
  });

  it('drops every waiting result when any other command runs (an apply, a delegated task)', async () => {
    const c = new PrefetchingConnection(new LocalConnection('h'));
    const read = `cat ${dir}/f 2>/dev/null || echo absent`;
    await c.prefetch([{ command: read }, { command: read }]);
    expect((await c.exec(read)).stdout).to.equal('absent\n');
    await c.exec(`echo written > ${dir}/f`);
    expect(c.pending).to.equal(0);
    expect((await c.exec(read)).stdout, 'read after the write sees the write').to.equal('written\n');
  });

  it('keeps nothing from a prefetch that overlapped another command', async () => {
    const c = new PrefetchingConnection(new LocalConnection('h'));
    const read = `sleep 0.2; cat ${dir}/f 2>/dev/null || echo absent`;
    const pre = c.prefetch([{ command: read }]);
    await c.exec(`echo written > ${dir}/f`);
    expect(await pre).to.equal(0);
    expect((await c.exec(read)).stdout).to.equal('written\n');
  });

  it('does not serve a result for the same command with other stdin', async () => {
    const c = new PrefetchingConnection(new LocalConnection('h'));
    await c.prefetch([{ command: 'cat', stdin: 'a' }]);
    expect((await c.exec('cat', { stdin: 'b' })).stdout).to.equal('b');
    expect(c.served).to.equal(0);
  });

  it('runs the reads of a become user as one script through execAs, served only to that user and password', async () => {
    const local = new LocalConnection('h');
    const asUser: { user: string; password?: string }[] = [];
    const inner = Object.assign(local, {
      execAs: (as: { user: string; password?: string }, command: string) => (asUser.push(as), local.exec(command)),
    });
    const c = new PrefetchingConnection(inner);
    const root = { user: 'root', password: 'pw' };
    expect(await c.prefetch([{ command: 'echo a', as: root }, { command: 'echo b', as: root }, { command: 'echo plain' }])).to.equal(3);
    expect(asUser, 'one script as root').to.deep.equal([root]);
    expect(c.roundTrips, 'one script per identity').to.equal(2);
    expect(await c.execAs!({ user: 'root', password: 'pw' }, 'echo a')).to.deep.equal({ stdout: 'a\n', stderr: '', code: 0 });
    expect(await c.exec('echo plain')).to.deep.equal({ stdout: 'plain\n', stderr: '', code: 0 });
    expect(c.served).to.equal(2);
    // The same command as root with another password is not served what root's shell read.
    await c.execAs!({ user: 'root', password: 'other' }, 'echo b');
    expect(c.served).to.equal(2);
  });
});
