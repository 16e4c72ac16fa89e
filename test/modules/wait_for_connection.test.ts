// wait_for_connection: the fixture harness has no connection pool, so the tries are driven here
// through a context whose reconnect fails as an unreachable host does, then succeeds.
import { expect } from 'chai';
import { ConnectionError } from '../../engine/errors.js';
import { validateArgs } from '../../engine/module-args.js';
import { createModuleContext } from '../../engine/runner/module-context.js';
import waitForConnection from '../../modules/wait_for_connection.js';
import { checkOnly } from '../../engine/module/step.js';
import { FakeConnection } from '../support/fake-connection.js';

async function run(failures: number, args: Record<string, unknown>) {
  const { args: a, problems } = await validateArgs(waitForConnection, args);
  if (problems.length) throw new Error(problems.map((p) => p.message).join('; '));
  let tries = 0;
  const host = new FakeConnection('h1', [{ match: /^true$/, stdout: '' }]);
  const ctx = createModuleContext({
    host: 'h1',
    conn: host,
    vars: {},
    checkMode: false,
    baseDir: process.cwd(),
    secrets: [],
    connectionTo: async () => host,
    reconnect: async () => {
      tries++;
      if (tries <= failures) throw new ConnectionError('h1', 'connect ECONNREFUSED 10.213.0.11:22');
      return host;
    },
    log: () => undefined,
  });
  try {
    return { result: (await checkOnly(waitForConnection, ctx, a as never)) as { changed: boolean; reason?: string; result?: Record<string, unknown> }, tries };
  } catch (e) {
    return { error: e as Error, tries };
  }
}

describe('module wait_for_connection', function () {
  this.timeout(20_000);

  it('answers at once when the host is up (a new connection, `true` run)', async () => {
    const r = await run(0, {});
    expect(r.tries).to.equal(1);
    expect(r.result).to.include({ changed: false });
    expect(r.result?.result?.elapsed).to.equal(0);
  });

  it('tries again every sleep seconds until the host answers', async () => {
    const r = await run(2, { sleep: 1, timeout: 10 });
    expect(r.tries).to.equal(3);
    expect(r.result?.reason).to.match(/answered after 3 attempt/);
  });

  it('gives up after timeout with the last reason', async () => {
    const r = await run(100, { sleep: 1, timeout: 2 });
    expect(r.error?.message).to.match(/^timed out waiting for connection: connect ECONNREFUSED/);
    expect(r.tries).to.be.within(2, 3);
  });
});
