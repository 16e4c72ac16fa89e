// replace fixtures: the file as the host has it before and after.
import replace from '../../../modules/replace.js';
import type { CaseFile } from '../harness.js';
import { anyOk, fileReply, writeOk } from './file-replies.js';

const hba = 'local all postgres peer\nhost all all 127.0.0.1/32 md5\nhost all all ::1/128 md5\n';

const cases: CaseFile = {
  module: replace,
  cases: [
    {
      name: 'replaces every match, groups in the replacement',
      args: { path: '/etc/postgresql/15/main/pg_hba.conf', regexp: '^(host\\s.*\\s)md5$', replace: '\\1scram-sha-256' },
      before: [fileReply({ content: hba }), writeOk],
      after: [fileReply({ content: hba.replace(/md5/g, 'scram-sha-256') })],
      expect: { changed: true, message: /^2 replacements made$/, applies: [/mktemp/, /pg_hba\.conf/] },
    },
    {
      name: 'nothing matching is no change',
      args: { dest: '/etc/x.conf', regexp: '^trust' },
      before: [fileReply({ content: hba })],
      expect: { changed: false, message: /nothing to replace/ },
    },
    {
      name: 'only between after and before',
      args: { name: '/etc/hosts', after: '# BEGIN', before: '# END', regexp: '^10\\.0\\.0\\.5', replace: '10.0.0.6' },
      before: [fileReply({ content: '10.0.0.5 a\n# BEGIN\n10.0.0.5 b\n# END\n10.0.0.5 c\n' }), writeOk],
      after: [fileReply({ content: '10.0.0.5 a\n# BEGIN\n10.0.0.6 b\n# END\n10.0.0.5 c\n' })],
      expect: { changed: true, message: /^1 replacements made$/ },
    },
    {
      name: 'after/before not matching is no change',
      args: { path: '/etc/hosts', after: '# NOPE', regexp: 'a', replace: 'b' },
      before: [fileReply({ content: 'a\n' })],
      expect: { changed: false, message: /^Pattern for before\/after params did not match the given file: # NOPE\(\?P<subsection>\.\*\)$/ },
    },
    {
      name: 'a mode difference alone is a change, fixed with chmod',
      args: { path: '/etc/x.conf', regexp: 'zzz', mode: '0600' },
      before: [fileReply({ content: 'a\n', perm: 0o644 }), anyOk],
      after: [fileReply({ content: 'a\n', perm: 0o600 })],
      expect: { changed: true, message: /^ownership, perms or SE linux context changed/, applies: [/chmod -- 0600 \/etc\/x\.conf/] },
    },
    {
      name: 'a missing file fails as in Ansible',
      args: { path: '/etc/none', regexp: 'a' },
      before: [fileReply({ kind: 'absent' })],
      expect: { changed: false, error: /^Path \/etc\/none does not exist !$/ },
    },
    {
      name: 'a link is refused without follow',
      args: { path: '/etc/l', regexp: 'a' },
      before: [fileReply({ kind: 'link', linkTarget: '/root/.bashrc', target: { content: 'a\n' } })],
      expect: { changed: false, error: /symbolic link .*follow: true/ },
    },
    {
      name: 'a file that is not UTF-8 fails with encoding utf-8',
      args: { path: '/etc/koi8.conf', regexp: 'a' },
      before: [fileReply({ content: Buffer.from([0xf0, 0xc1, 0x0a]) })],
      expect: { changed: false, error: /not valid UTF-8/ },
    },
    {
      name: 'cp1251 file: the pattern is matched in its encoding',
      args: { path: '/etc/cp.conf', regexp: 'имя', replace: 'name', encoding: 'cp1251' },
      before: [fileReply({ content: Buffer.from([0xe8, 0xec, 0xff, 0x0a]) }), writeOk],
      after: [fileReply({ content: 'name\n' })],
      expect: { changed: true, message: /^1 replacements made$/ },
    },
  ],
};

export default cases;
