// stat against Ansible's: the same paths (file, empty file, folder, links, a FIFO, setuid, a
// missing path) described by both; every field of the `stat` dictionary must be equal except
// atime, which the checksum read itself may move (relatime).
import { expect } from 'chai';
import { execFileSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import stat from '../../../modules/stat.js';
import { requireAnsible } from '../../support/ansible.js';
import { type SideTask, type TsplayOutcome, ansibleResults, tsplayResult } from './side-by-side.js';

/** Paths are relative to the test's data folder. */
const CASES: { name: string; args: Record<string, unknown> }[] = [
  { name: 'regular file', args: { path: 'file' } },
  { name: 'empty file', args: { path: 'empty' } },
  { name: 'binary file', args: { path: 'bin' } },
  { name: 'setuid file', args: { path: 'suid' } },
  { name: 'mode 0600', args: { path: 'private' } },
  { name: 'folder', args: { path: 'dir' } },
  { name: 'link without follow', args: { path: 'link' } },
  { name: 'link with follow', args: { path: 'link', follow: true } },
  { name: 'dangling link', args: { path: 'dangling' } },
  { name: 'dangling link with follow', args: { path: 'dangling', follow: true } },
  { name: 'link to a folder', args: { path: 'dirlink' } },
  { name: 'fifo', args: { path: 'fifo', get_mime: false } },
  { name: 'missing path', args: { path: 'nothing' } },
  { name: 'sha256', args: { path: 'file', checksum_algorithm: 'sha256' } },
  { name: 'md5 by the alias checksum', args: { path: 'file', checksum: 'md5' } },
  { name: 'sha512, get_md5', args: { path: 'file', checksum_algorithm: 'sha512', get_md5: true } },
  { name: 'no checksum, mime or attributes', args: { path: 'file', get_checksum: false, get_mime: false, get_attributes: false } },
  { name: 'folder with a trailing slash', args: { path: 'dir/' } },
];

describe('stat vs ansible stat', function () {
  this.timeout(300_000);
  let dir = '';
  const cases: { name: string; args: Record<string, unknown> }[] = [];
  let ansible: Record<string, unknown>[] = [];
  let tsplay: TsplayOutcome[] = [];

  before(async function () {
    requireAnsible(this, 'the stat comparison');
    dir = mkdtempSync(join(tmpdir(), 'tsplay-stat-'));
    const d = join(dir, 'data');
    mkdirSync(d);
    writeFileSync(join(d, 'file'), 'port = 5432\n');
    writeFileSync(join(d, 'empty'), '');
    writeFileSync(join(d, 'bin'), Buffer.from([0, 1, 2, 255]));
    writeFileSync(join(d, 'suid'), '#!/bin/sh\n');
    chmodSync(join(d, 'suid'), 0o4755);
    writeFileSync(join(d, 'private'), 'x');
    chmodSync(join(d, 'private'), 0o600);
    mkdirSync(join(d, 'dir'));
    symlinkSync('file', join(d, 'link'));
    symlinkSync('missing', join(d, 'dangling'));
    symlinkSync(join(d, 'dir'), join(d, 'dirlink'));
    execFileSync('mkfifo', [join(d, 'fifo')]);
    for (const c of CASES) cases.push({ name: c.name, args: { ...c.args, path: join(d, String(c.args.path)) } });
    const tasks: SideTask[] = cases.map((c) => ({ module: 'stat', args: c.args }));
    ansible = await ansibleResults(dir, tasks);
    tsplay = [];
    for (const c of cases) tsplay.push(await tsplayResult(stat, c.args));
  });

  after(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  for (const [i, c] of CASES.entries()) {
    it(`#${i} ${c.name}`, () => {
      const a = ansible[i]! as { stat: Record<string, unknown>; changed: boolean; failed?: boolean };
      const t = tsplay[i]!;
      expect(t.failed, t.msg).to.equal(!!a.failed);
      expect(t.changed).to.equal(false);
      const ours = { ...(t.result.stat as Record<string, unknown>) };
      const theirs = { ...a.stat };
      delete ours.atime;
      delete theirs.atime;
      expect(ours).to.deep.equal(theirs);
    });
  }
});
