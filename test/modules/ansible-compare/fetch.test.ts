// fetch against Ansible's fetch: the same remote files fetched by both into their own playbook
// folders (relative dest), twice; the trees written, changed/failed and checksums must agree.
import { expect } from 'chai';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import fetch from '../../../modules/fetch.js';
import { requireAnsible } from '../../support/ansible.js';
import { type TsplayOutcome, ansibleResults, tsplayResult } from './side-by-side.js';

/** src is relative to the shared source folder. */
const CASES: { name: string; args: Record<string, unknown> }[] = [
  { name: 'to DEST/HOST/PATH', args: { src: 'a.conf', dest: 'fetched' } },
  { name: 'again: no change', args: { src: 'a.conf', dest: 'fetched' } },
  { name: 'flat to a file', args: { src: 'a.conf', dest: 'flat/a.copy', flat: true } },
  { name: 'flat into a folder (trailing slash)', args: { src: 'sub/b.txt', dest: 'flat/', flat: true } },
  { name: 'binary file', args: { src: 'bin', dest: 'fetched' } },
  { name: 'empty file', args: { src: 'empty', dest: 'fetched' } },
  { name: 'missing file fails', args: { src: 'missing', dest: 'fetched' } },
  { name: 'missing file, fail_on_missing false', args: { src: 'missing', dest: 'fetched', fail_on_missing: false } },
  { name: 'a folder fails', args: { src: 'sub', dest: 'fetched' } },
  { name: 'flat onto an existing folder without a slash fails', args: { src: 'a.conf', dest: 'flat', flat: true } },
];

function tree(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (d: string) => {
    for (const n of readdirSync(d)) {
      const p = join(d, n);
      if (statSync(p).isDirectory()) walk(p);
      else out[relative(dir, p)] = readFileSync(p).toString('base64');
    }
  };
  walk(dir);
  return out;
}

describe('fetch vs ansible fetch', function () {
  this.timeout(300_000);
  let dir = '';
  let ansible: Record<string, unknown>[] = [];
  const tsplay: TsplayOutcome[] = [];

  before(async function () {
    requireAnsible(this, 'the fetch comparison');
    dir = mkdtempSync(join(tmpdir(), 'tsplay-fetch-'));
    const src = join(dir, 'src');
    mkdirSync(join(src, 'sub'), { recursive: true });
    writeFileSync(join(src, 'a.conf'), "listen_addresses = '*'\n");
    writeFileSync(join(src, 'sub', 'b.txt'), 'b\n');
    writeFileSync(join(src, 'bin'), Buffer.from([0, 255, 1, 254]));
    writeFileSync(join(src, 'empty'), '');
    for (const side of ['ansible', 'tsplay']) mkdirSync(join(dir, side));
    const args = (c: (typeof CASES)[number]) => ({ ...c.args, src: join(src, String(c.args.src)) });
    ansible = await ansibleResults(join(dir, 'ansible'), CASES.map((c) => ({ module: 'fetch', args: args(c) })), { cwd: join(dir, 'ansible') });
    rmSync(join(dir, 'ansible', 'playbook.yml'));
    rmSync(join(dir, 'ansible', 'ansible-tmp'), { recursive: true, force: true });
    rmSync(join(dir, 'ansible', 'ansible-remote-tmp'), { recursive: true, force: true });
    const base = join(dir, 'tsplay');
    for (const c of CASES) tsplay.push(await tsplayResult(fetch, args(c), false, { baseDir: base, vars: { inventory_hostname: 'localhost', playbook_dir: base } }));
  });

  after(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  for (const [i, c] of CASES.entries()) {
    it(`#${i} ${c.name}`, () => {
      const a = ansible[i]! as Record<string, unknown>;
      const t = tsplay[i]!;
      expect(t.failed, `${t.msg} / ansible: ${a.msg}`).to.equal(!!a.failed);
      expect(t.changed, t.msg).to.equal(!!a.changed);
      if (a.failed) return;
      for (const k of ['checksum', 'md5sum', 'remote_checksum']) if (k in a) expect(t.result[k], k).to.equal(a[k]);
      if (typeof a.dest === 'string') expect(relative(join(dir, 'tsplay'), String(t.result.dest))).to.equal(relative(join(dir, 'ansible'), a.dest));
    });
  }

  it('the same files, the same bytes', () => {
    expect(tree(join(dir, 'tsplay'))).to.deep.equal(tree(join(dir, 'ansible')));
  });
});
