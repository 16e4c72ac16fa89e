// pause against Ansible's pause (seconds: 1): the same result keys and stdout.
import { expect } from 'chai';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pause from '../../../modules/pause.js';
import { requireAnsible } from '../../support/ansible.js';
import { type TsplayOutcome, ansibleResults, tsplayResult } from './side-by-side.js';

describe('pause vs ansible pause', function () {
  this.timeout(300_000);
  let dir = '';
  let ansible: Record<string, unknown>[] = [];
  const tsplay: TsplayOutcome[] = [];
  const CASES = [{ seconds: 1 }, { seconds: 1, echo: false, prompt: 'waiting' }];

  before(async function () {
    requireAnsible(this, 'the pause comparison');
    dir = mkdtempSync(join(tmpdir(), 'tsplay-pause-'));
    ansible = await ansibleResults(dir, CASES.map((args) => ({ module: 'pause', args })));
    for (const args of CASES) tsplay.push(await tsplayResult(pause, args));
  });

  after(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  for (const [i, args] of CASES.entries()) {
    it(`#${i} ${JSON.stringify(args)}`, () => {
      const a = ansible[i]! as Record<string, unknown>;
      const t = tsplay[i]!.result;
      const keys = ['delta', 'echo', 'rc', 'start', 'stderr', 'stdout', 'stop', 'user_input'];
      expect(Object.keys(t).sort()).to.deep.equal(keys);
      for (const k of keys) expect(a, `ansible has ${k}`).to.have.property(k);
      expect({ delta: t.delta, echo: t.echo, rc: t.rc, user_input: t.user_input, stderr: t.stderr }).to.deep.equal({
        delta: a.delta,
        echo: a.echo,
        rc: a.rc,
        user_input: a.user_input,
        stderr: a.stderr,
      });
      // The wait itself may take a few hundredths of a second more on a loaded machine.
      const pausedFor = /^Paused for (\d+\.\d{1,2}) seconds$/;
      expect(String(t.stdout)).to.match(pausedFor);
      expect(String(a.stdout)).to.match(pausedFor);
      expect(Number(pausedFor.exec(String(t.stdout))![1])).to.be.closeTo(Number(pausedFor.exec(String(a.stdout))![1]), 0.5);
      expect(String(t.start)).to.match(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{6}$/);
      expect(String(a.start)).to.match(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{6}$/);
    });
  }
});
