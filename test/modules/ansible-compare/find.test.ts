// find against Ansible's find on one tree: names, globs, regexes, types, ages, sizes, hidden
// entries, depth, contents and checksums. files (every field but atime, in the same order),
// matched, examined and msg must be equal.
import { expect } from 'chai';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import find from '../../../modules/find.js';
import { requireAnsible } from '../../support/ansible.js';
import { type TsplayOutcome, ansibleResults, tsplayResult } from './side-by-side.js';

/** paths are relative to the test's tree. */
const CASES: { name: string; args: Record<string, unknown> }[] = [
  { name: 'defaults: files at the top', args: { paths: '.' } },
  { name: 'a glob', args: { paths: '.', patterns: '*.conf' } },
  { name: 'several globs as a comma list', args: { paths: '.', patterns: '*.conf,*.log' } },
  { name: 'glob with a class', args: { paths: '.', patterns: ['[ab]*', 'wal?'] } },
  { name: 'excludes', args: { paths: '.', patterns: '*', excludes: '*.log' } },
  { name: 'regex matched at the start', args: { paths: '.', patterns: 'a', use_regex: true } },
  { name: 'regex with excludes', args: { paths: '.', patterns: '.*\\.(conf|log)$', excludes: '^b', use_regex: true } },
  { name: 'recurse', args: { paths: '.', recurse: true } },
  { name: 'recurse with depth 1', args: { paths: '.', recurse: true, depth: 1 } },
  { name: 'recurse with depth 2', args: { paths: '.', recurse: true, depth: 2 } },
  { name: 'hidden', args: { paths: '.', hidden: true, recurse: true } },
  { name: 'directories', args: { paths: '.', file_type: 'directory', recurse: true } },
  { name: 'links', args: { paths: '.', file_type: 'link' } },
  { name: 'any', args: { paths: '.', file_type: 'any', recurse: true, hidden: true } },
  { name: 'older than 2 days', args: { paths: '.', age: '2d', recurse: true } },
  { name: 'newer than 1 hour', args: { paths: '.', age: '-1h', recurse: true } },
  { name: 'by ctime', args: { paths: '.', age: '1w', age_stamp: 'ctime' } },
  { name: 'at least 1k', args: { paths: '.', size: '1k', recurse: true } },
  { name: 'at most 10 bytes', args: { paths: '.', size: '-10', recurse: true } },
  { name: 'contains (a line starting with a match)', args: { paths: '.', contains: 'listen', recurse: true } },
  { name: 'contains, whole file', args: { paths: '.', contains: 'addresses', read_whole_file: true, recurse: true } },
  { name: 'contains not at the line start', args: { paths: '.', contains: 'addresses', recurse: true } },
  { name: 'get_checksum', args: { paths: '.', patterns: '*.conf', get_checksum: true } },
  { name: 'a missing path is skipped', args: { paths: ['.', 'missing'] } },
  { name: 'a file as a path is skipped', args: { paths: 'a.conf' } },
];

describe('find vs ansible find', function () {
  this.timeout(300_000);
  let dir = '';
  let ansible: Record<string, unknown>[] = [];
  const tsplay: TsplayOutcome[] = [];

  before(async function () {
    requireAnsible(this, 'the find comparison');
    dir = mkdtempSync(join(tmpdir(), 'tsplay-find-'));
    const t = join(dir, 'tree');
    const w = (p: string, content: string | Buffer, daysOld = 0) => {
      writeFileSync(join(t, p), content);
      if (daysOld) {
        const when = Date.now() / 1000 - daysOld * 86400;
        utimesSync(join(t, p), when, when);
      }
    };
    mkdirSync(join(t, 'sub', 'deeper'), { recursive: true });
    mkdirSync(join(t, '.hiddendir'));
    w('a.conf', "listen_addresses = '*'\nport = 5432\n");
    w('b.conf', '# nothing\n', 3);
    w('app.log', 'x'.repeat(2048), 10);
    w('wal1', 'w');
    w('.hidden.conf', 'listen = 1\n');
    w('latin1', Buffer.from([0x6c, 0x69, 0x73, 0x74, 0x65, 0x6e, 0xe9, 0x0a]));
    w('sub/c.conf', 'listen_addresses = x\n', 5);
    w('sub/deeper/d.log', 'deep\n');
    w('.hiddendir/e.conf', 'e\n');
    symlinkSync('a.conf', join(t, 'link.conf'));
    symlinkSync('sub', join(t, 'sublink'));
    const args = (c: (typeof CASES)[number]) => {
      const p = c.args.paths;
      const abs = (x: string) => join(t, x);
      return { ...c.args, paths: Array.isArray(p) ? p.map((x) => abs(String(x))) : abs(String(p)) };
    };
    ansible = await ansibleResults(dir, CASES.map((c) => ({ module: 'find', args: args(c) })));
    for (const c of CASES) tsplay.push(await tsplayResult(find, args(c)));
  });

  after(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  const noAtime = (files: unknown) => (files as Record<string, unknown>[]).map(({ atime: _, ...rest }) => rest);

  for (const [i, c] of CASES.entries()) {
    it(`#${i} ${c.name}`, () => {
      const a = ansible[i]! as Record<string, unknown>;
      const t = tsplay[i]!;
      expect(t.failed, t.msg).to.equal(!!a.failed);
      if (a.failed) return;
      expect(noAtime(t.result.files)).to.deep.equal(noAtime(a.files));
      expect({ matched: t.result.matched, examined: t.result.examined, msg: t.result.msg }).to.deep.equal({ matched: a.matched, examined: a.examined, msg: a.msg });
      expect(Object.keys(t.result.skipped_paths as object)).to.deep.equal(Object.keys(a.skipped_paths as object));
    });
  }
});
