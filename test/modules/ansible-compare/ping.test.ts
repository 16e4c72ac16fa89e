// ping against Ansible's ping on the local connection: the same result, the same failure.
import { expect } from 'chai';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ping from '../../../modules/ping.js';
import { requireAnsible } from '../../support/ansible.js';
import { type TsplayOutcome, ansibleResults, tsplayResult } from './side-by-side.js';

const CASES: { name: string; args: Record<string, unknown> }[] = [
  { name: 'no arguments', args: {} },
  { name: 'data', args: { data: 'hello there' } },
  { name: 'data: crash fails', args: { data: 'crash' } },
];

describe('ping vs ansible ping', function () {
  this.timeout(300_000);
  let dir = '';
  let ansible: Record<string, unknown>[] = [];
  const tsplay: TsplayOutcome[] = [];

  before(async function () {
    requireAnsible(this, 'the ping comparison');
    dir = mkdtempSync(join(tmpdir(), 'tsplay-ping-'));
    ansible = await ansibleResults(dir, CASES.map((c) => ({ module: 'ping', args: c.args })));
    for (const c of CASES) tsplay.push(await tsplayResult(ping, c.args));
  });

  after(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  for (const [i, c] of CASES.entries()) {
    it(`#${i} ${c.name}`, () => {
      const a = ansible[i]! as { failed?: boolean; changed?: boolean; ping?: string };
      const t = tsplay[i]!;
      expect(t.failed, t.msg).to.equal(!!a.failed);
      if (a.failed) return;
      expect(t.result.ping).to.equal(a.ping);
      expect(t.changed).to.equal(a.changed);
    });
  }
});
