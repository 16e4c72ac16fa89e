// wait_for for real on this machine: ports through bash's /dev/tcp and through the
// /proc/net/tcp fallback (a PATH without bash or nc), files and patterns, timeouts.
import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ModuleError } from '../../../engine/errors.js';
import waitFor, { type WaitForArgs, waitScript } from '../../../modules/wait_for.js';
import { runRecorded } from './recording.js';

function listen(): Promise<Server> {
  return new Promise((resolve) => {
    const srv = createServer((s) => s.destroy());
    srv.listen(0, '127.0.0.1', () => resolve(srv));
  });
}
const portOf = (s: Server): number => (s.address() as { port: number }).port;

describe('wait_for (local)', function () {
  this.timeout(20_000);
  let srv: Server;
  let dir: string;
  before(async () => {
    srv = await listen();
    dir = mkdtempSync(join(tmpdir(), 'tsplay-wait-'));
  });
  after(() => {
    srv.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('an open port: no change, with the elapsed time, in one round trip', async () => {
    const run = await runRecorded(waitFor, { port: portOf(srv), timeout: 5 });
    expect(run.first.changed).to.equal(false);
    expect(run.first.changed ? '' : run.first.reason).to.match(new RegExp(`^port ${portOf(srv)} on 127\\.0\\.0\\.1 is open after \\d+\\.\\d s$`));
    expect(run.checkRoundTrips).to.equal(1);
  });

  it('a port that opens later is waited for', async () => {
    const later = await listen();
    const port = portOf(later);
    later.close();
    const opened = new Promise<Server>((resolve) => setTimeout(() => {
      const s = createServer((c) => c.destroy());
      s.listen(port, '127.0.0.1', () => resolve(s));
    }, 1200));
    const run = await runRecorded(waitFor, { port, timeout: 10, sleep: 0.2 });
    (await opened).close();
    expect(run.result!.elapsed as number).to.be.greaterThan(1);
  });

  it('a closed port times out with a failure naming it', async () => {
    const s = await listen();
    const port = portOf(s);
    s.close();
    try {
      await runRecorded(waitFor, { port, timeout: 1, sleep: 0.3 });
      expect.fail('should time out');
    } catch (e) {
      expect(e).to.be.instanceOf(ModuleError);
      expect((e as Error).message).to.match(new RegExp(`timeout after 1\\.\\d s: port ${port} on 127\\.0\\.0\\.1 is not open`));
    }
    const stopped = await runRecorded(waitFor, { port, state: 'stopped', timeout: 2 });
    expect(stopped.first.changed ? '' : stopped.first.reason).to.match(/is closed after/);
  });

  it('files: present, absent and matching a pattern', async () => {
    const log = join(dir, 'pg.log');
    writeFileSync(log, 'LOG:  database system is ready\nLOG:  started streaming WAL from primary at 0/3000000 on timeline 1\n');
    const match = await runRecorded(waitFor, { path: log, search_regex: 'started streaming WAL', timeout: 2 });
    expect(match.first.changed ? '' : match.first.reason).to.match(/matches \/started streaming WAL\/ after/);
    const absent = await runRecorded(waitFor, { path: join(dir, 'none'), state: 'absent', timeout: 2 });
    expect(absent.first.changed).to.equal(false);
    const never = runRecorded(waitFor, { path: log, search_regex: 'FATAL', timeout: 1, sleep: 0.5, msg: 'no FATAL yet' });
    await never.then(
      () => expect.fail('should time out'),
      (e: Error) => expect(e.message).to.match(/no FATAL yet$/),
    );
  });

  it('without bash and nc, a local port is found in /proc/net/tcp', () => {
    const bin = join(dir, 'bin');
    spawnSync('mkdir', [bin]);
    for (const tool of ['date', 'sleep', 'grep', 'timeout', 'cat']) symlinkSync(spawnSync('sh', ['-c', `command -v ${tool}`], { encoding: 'utf8' }).stdout.trim(), join(bin, tool));
    const args: WaitForArgs = { host: '127.0.0.1', port: portOf(srv), state: 'started', timeout: 2, delay: 0, sleep: 0.2, connect_timeout: 1 };
    const r = spawnSync('/bin/sh', ['-c', waitScript(args).script], { encoding: 'utf8', env: { PATH: bin } });
    expect(r.stdout).to.match(/^ok \d+$/m);
    const closed = spawnSync('/bin/sh', ['-c', waitScript({ ...args, port: 1 }).script], { encoding: 'utf8', env: { PATH: bin } });
    expect(closed.stdout).to.match(/^timeout \d+$/m);
  });
});
