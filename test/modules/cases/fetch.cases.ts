// fetch fixtures: the host's answers (home, kind, sha1, then the bytes) and the controller's
// copy, written to a temp folder.
import { createHash } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fetch from '../../../modules/fetch.js';
import type { CaseFile } from '../harness.js';
import { sectionsOutput } from './file-replies.js';

const dest = mkdtempSync(join(tmpdir(), 'tsplay-fetch-cases-'));
const content = "listen_addresses = '*'\n";
const sha1 = createHash('sha1').update(content).digest('hex');
const probe = (kind: string, sum = '') => ({ match: '@@tsplay@@ home', stdout: sectionsOutput({ home: '/var/lib/postgresql', kind, sum: sum ? `${sum}  -\n` : '' }) });
const bytes = { match: /^base64 < /, stdout: `${Buffer.from(content).toString('base64')}\n` };
const vars = { inventory_hostname: 'h1', playbook_dir: dest };

const cases: CaseFile = {
  module: fetch,
  cases: [
    {
      name: 'copies a file to DEST/HOST/PATH',
      args: { src: '/etc/postgresql/15/main/postgresql.conf', dest: 'fetched' },
      vars,
      before: [probe('file', sha1), bytes],
      after: [probe('file', sha1)],
      expect: { changed: true, message: /^create .*\/fetched\/h1\/etc\/postgresql\/15\/main\/postgresql\.conf from \/etc\/postgresql\/15\/main\/postgresql\.conf$/, applies: [/^base64 < \/etc\/postgresql\/15\/main\/postgresql\.conf$/] },
    },
    {
      name: 'flat with a trailing slash: DEST/NAME; ~ is the host\'s home',
      args: { src: '~/.pgpass', dest: `${dest}/flat/`, flat: true },
      vars,
      before: [probe('file', sha1), bytes],
      after: [probe('file', sha1)],
      expect: { changed: true, message: /^create .*\/flat\/\.pgpass from \/var\/lib\/postgresql\/\.pgpass$/ },
    },
    {
      name: 'a missing file fails by default',
      args: { src: '/nope', dest },
      vars,
      before: [probe('absent')],
      expect: { changed: false, error: /^the remote file does not exist, not transferring, ignored$/ },
    },
    {
      name: 'a missing file with fail_on_missing false is no change',
      args: { src: '/nope', dest, fail_on_missing: false },
      vars,
      before: [probe('absent')],
      expect: { changed: false, message: /does not exist/ },
    },
    {
      name: 'a folder fails',
      args: { src: '/etc', dest },
      vars,
      before: [probe('dir')],
      expect: { changed: false, error: /fetch cannot work on directories/ },
    },
    {
      name: 'bytes that do not match the checksum fail',
      args: { src: '/etc/hostname', dest: `${dest}/bad`, flat: true },
      vars,
      before: [probe('file', 'f'.repeat(40)), bytes],
      expect: { changed: true, error: /^checksum mismatch$/ },
    },
    {
      name: 'src with ../ cannot leave DEST/HOST',
      args: { src: '../../etc/passwd', dest },
      vars,
      before: [probe('file', sha1)],
      expect: { changed: false, error: /would be written outside/ },
    },
  ],
};

export default cases;
