// getent against Ansible's getent on this machine's own databases: the same facts, the same failures.
import { expect } from 'chai';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import getent from '../../../modules/getent.js';
import { requireAnsible } from '../../support/ansible.js';
import { type TsplayOutcome, ansibleResults, tsplayResult } from './side-by-side.js';

const CASES: { name: string; args: Record<string, unknown> }[] = [
  { name: 'passwd, one key', args: { database: 'passwd', key: 'root' } },
  { name: 'the whole group database', args: { database: 'group' } },
  { name: 'hosts, split at whitespace', args: { database: 'hosts', key: 'localhost' } },
  { name: 'services with split', args: { database: 'services', key: 'ssh', split: '/' } },
  { name: 'a uid as the key', args: { database: 'passwd', key: '0' } },
  { name: 'a missing key fails', args: { database: 'passwd', key: 'no-such-user-here' } },
  { name: 'a missing key with fail_key false', args: { database: 'passwd', key: 'no-such-user-here', fail_key: false } },
  { name: 'an unknown database fails', args: { database: 'no-such-db' } },
];

describe('getent vs ansible getent', function () {
  this.timeout(300_000);
  let dir = '';
  let ansible: Record<string, unknown>[] = [];
  const tsplay: TsplayOutcome[] = [];

  before(async function () {
    requireAnsible(this, 'the getent comparison');
    dir = mkdtempSync(join(tmpdir(), 'tsplay-getent-'));
    ansible = await ansibleResults(dir, CASES.map((c) => ({ module: 'getent', args: c.args })));
    for (const c of CASES) tsplay.push(await tsplayResult(getent, c.args));
  });

  after(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  for (const [i, c] of CASES.entries()) {
    it(`#${i} ${c.name}`, () => {
      const a = ansible[i]! as { failed?: boolean; msg?: string; ansible_facts?: unknown };
      const t = tsplay[i]!;
      expect(t.failed, t.msg).to.equal(!!a.failed);
      if (a.failed) return expect(t.msg).to.equal(a.msg);
      expect(t.result.ansible_facts).to.deep.equal(a.ansible_facts);
    });
  }
});
