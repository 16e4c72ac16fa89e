// wait_for_connection against Ansible's on the local connection: the same result (elapsed,
// delay included) for a host that is up.
import { expect } from 'chai';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import waitForConnection from '../../../modules/wait_for_connection.js';
import { requireAnsible } from '../../support/ansible.js';
import { type TsplayOutcome, ansibleResults, tsplayResult } from './side-by-side.js';

const CASES = [{ timeout: 10 }, { delay: 1, timeout: 10, sleep: 1, connect_timeout: 5 }];

describe('wait_for_connection vs ansible wait_for_connection', function () {
  this.timeout(300_000);
  let dir = '';
  let ansible: Record<string, unknown>[] = [];
  const tsplay: TsplayOutcome[] = [];

  before(async function () {
    requireAnsible(this, 'the wait_for_connection comparison');
    dir = mkdtempSync(join(tmpdir(), 'tsplay-wfc-'));
    ansible = await ansibleResults(dir, CASES.map((args) => ({ module: 'wait_for_connection', args })));
    for (const args of CASES) tsplay.push(await tsplayResult(waitForConnection, args));
  });

  after(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  for (const [i, args] of CASES.entries()) {
    it(`#${i} ${JSON.stringify(args)}`, () => {
      const a = ansible[i]!;
      const t = tsplay[i]!;
      expect(t.failed, t.msg).to.equal(!!a.failed);
      expect(t.changed).to.equal(!!a.changed);
      expect(t.result.elapsed).to.equal(a.elapsed);
    });
  }
});
