// group against Ansible's group, on this machine's own group database (the suite needs root):
// one sequence of changes run by Ansible, then the same by tsplay on the same group names,
// which each sequence removes at its end. changed, failed and the results must agree.
import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import group from '../../../modules/group.js';
import { requireAnsible } from '../../support/ansible.js';
import { type TsplayOutcome, ansibleResults, tsplayResult } from './side-by-side.js';

const A = `tsplaycmp${process.pid}`;
const B = `${A}s`;
const GID = 47000 + (process.pid % 1000);

const STEPS: { name: string; args: Record<string, unknown> }[] = [
  { name: 'add with a gid', args: { name: A, gid: GID } },
  { name: 'again: no change', args: { name: A, gid: GID } },
  { name: 'present without gid: no change', args: { name: A } },
  { name: 'change the gid', args: { name: A, gid: GID + 1 } },
  { name: 'a gid in use without non_unique fails', args: { name: B, gid: GID + 1 } },
  { name: 'add a system group', args: { name: B, system: true } },
  { name: 'non_unique without gid fails', args: { name: B, non_unique: true } },
  { name: 'remove', args: { name: A, state: 'absent' } },
  { name: 'remove again: no change', args: { name: A, state: 'absent' } },
  { name: 'remove the system group', args: { name: B, state: 'absent' } },
];

describe('group vs ansible group', function () {
  this.timeout(300_000);
  let dir = '';
  let ansible: Record<string, unknown>[] = [];
  const tsplay: TsplayOutcome[] = [];
  const cleanup = () => {
    for (const g of [A, B]) spawnSync('groupdel', [g], { stdio: 'ignore' });
  };

  before(async function () {
    requireAnsible(this, 'the group comparison');
    if (process.getuid?.() !== 0) {
      console.warn('\n!!!!! not root: the group comparison is SKIPPED !!!!!\n');
      this.skip();
    }
    dir = mkdtempSync(join(tmpdir(), 'tsplay-group-'));
    cleanup();
    ansible = await ansibleResults(dir, STEPS.map((s) => ({ module: 'group', args: s.args })));
    cleanup();
    for (const s of STEPS) tsplay.push(await tsplayResult(group, s.args));
  });

  after(() => {
    cleanup();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  for (const [i, s] of STEPS.entries()) {
    it(`#${i} ${s.name}`, () => {
      const a = ansible[i]! as Record<string, unknown>;
      const t = tsplay[i]!;
      expect(t.failed, `${t.msg} / ansible: ${a.msg}`).to.equal(!!a.failed);
      expect(t.changed, t.msg).to.equal(!!a.changed);
      if (a.failed) return;
      const keys = ['name', 'state', ...(s.args.gid !== undefined || s.args.state === 'absent' ? ['gid'] : []), 'system'];
      for (const k of keys) expect(t.result[k], k).to.equal(a[k]);
    });
  }
});
