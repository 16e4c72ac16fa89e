// Output of a command is kept within bounds: the first and last part, the middle counted and cut.
import { expect } from 'chai';
import { LocalConnection } from '../../../engine/connection/local.js';
import { BoundedOutput } from '../../../engine/connection/bounded-output.js';
import { createModuleContext } from '../../../engine/runner/module-context.js';

describe('bounded command output', () => {
  it('keeps head and tail and says how much was cut', () => {
    const o = new BoundedOutput(10);
    for (const piece of ['01234', '56789', 'abcde', 'fghij', 'KLMNO']) o.push(Buffer.from(piece));
    expect(o.total).to.equal(25);
    expect(o.cut).to.equal(15);
    expect(o.text()).to.equal('01234\n[tsplay: 15 bytes of output cut here; the first 5 and the last 5 bytes are kept]\nKLMNO');
    const small = new BoundedOutput(10);
    small.push(Buffer.from('0123456789'));
    expect([small.cut, small.text()]).to.deep.equal([0, '0123456789']);
  });

  it('a local command printing 600 MB neither crashes nor keeps it: head, tail and the count', async function () {
    this.timeout(60_000);
    const conn = new LocalConnection('local');
    // 600 MB is more than a JavaScript string can hold: buffering all of it failed with ERR_STRING_TOO_LONG.
    const r = await conn.exec("yes 'a line of output' | head -c 629145600; echo the end");
    expect(r.code).to.equal(0);
    expect(r.stdout.length).to.be.below(3 * 1024 * 1024);
    expect(r.stdout).to.match(/^a line of output\n/);
    expect(r.stdout).to.match(/\n\[tsplay: \d+ bytes of output cut here; the first \d+ and the last \d+ bytes are kept\]\n/);
    expect(r.stdout).to.match(/the end\n$/);
    expect(r.cut).to.deep.equal({ stdout: 629145600 + 8 - 2 * 1024 * 1024, stderr: 0 });
  });

  it('ctx.run, whose output a module parses, fails rather than parse a cut output', async () => {
    const conn = new LocalConnection('local');
    const ctx = createModuleContext({
      host: 'local',
      conn,
      vars: {},
      checkMode: false,
      baseDir: '.',
      secrets: [],
      connectionTo: async () => conn,
      log: () => undefined,
    });
    expect(await ctx.run('head -c 3000 /dev/zero', { maxOutput: 4096 })).to.have.length(3000);
    const err = await ctx.run('head -c 5000 /dev/zero', { maxOutput: 4096 }).catch((e: unknown) => e);
    expect((err as Error).message).to.match(/^local: the output of a probe was larger than 4096 bytes \(5000\)/);
  });
});
