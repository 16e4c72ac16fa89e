// slurp against Ansible's slurp: the same files read by both; content, encoding, source and
// failures must be the same.
import { expect } from 'chai';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import slurp from '../../../modules/slurp.js';
import { requireAnsible } from '../../support/ansible.js';
import { type TsplayOutcome, ansibleResults, tsplayResult } from './side-by-side.js';

const CASES: { name: string; path: string }[] = [
  { name: 'text file', path: 'text' },
  { name: 'binary file with every byte', path: 'binary' },
  { name: 'empty file', path: 'empty' },
  { name: 'missing file', path: 'missing' },
  { name: 'a folder', path: 'dir' },
];

describe('slurp vs ansible slurp', function () {
  this.timeout(300_000);
  let dir = '';
  let ansible: Record<string, unknown>[] = [];
  const tsplay: TsplayOutcome[] = [];

  before(async function () {
    requireAnsible(this, 'the slurp comparison');
    dir = mkdtempSync(join(tmpdir(), 'tsplay-slurp-'));
    writeFileSync(join(dir, 'text'), '15\n');
    writeFileSync(join(dir, 'binary'), Buffer.from(Array.from({ length: 256 }, (_, i) => i)));
    writeFileSync(join(dir, 'empty'), '');
    mkdirSync(join(dir, 'dir'));
    ansible = await ansibleResults(dir, CASES.map((c) => ({ module: 'slurp', args: { src: join(dir, c.path) } })));
    for (const c of CASES) tsplay.push(await tsplayResult(slurp, { src: join(dir, c.path) }));
  });

  after(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  for (const [i, c] of CASES.entries()) {
    it(`#${i} ${c.name}`, () => {
      const a = ansible[i]! as { failed?: boolean; msg?: string; content?: string; encoding?: string; source?: string };
      const t = tsplay[i]!;
      expect(t.failed, t.msg).to.equal(!!a.failed);
      if (a.failed) return expect(t.msg).to.equal(a.msg);
      expect({ content: t.result.content, encoding: t.result.encoding, source: t.result.source }).to.deep.equal({ content: a.content, encoding: a.encoding, source: a.source });
    });
  }
});
