// file_line fixtures: each case is the file as the host has it before and after.
import fileLine from '../../../modules/file_line.js';
import type { CaseFile } from '../harness.js';
import { anyOk, fileReply, writeOk } from './file-replies.js';

const conf = "#listen_addresses = 'localhost'\nport = 5432\n";

const cases: CaseFile = {
  module: fileLine,
  cases: [
    {
      name: 'replaces the line matching regexp',
      args: { path: '/etc/postgresql/15/main/postgresql.conf', regexp: '^#?listen_addresses', line: "listen_addresses = '*'" },
      before: [fileReply({ content: conf }), writeOk],
      after: [fileReply({ content: "listen_addresses = '*'\nport = 5432\n" })],
      expect: { changed: true, message: /^line replaced$/, applies: [/mktemp/, /postgresql\.conf/] },
    },
    {
      name: 'a line already present is no change',
      args: { dest: '/etc/x.conf', line: 'port = 5432' },
      before: [fileReply({ content: conf })],
      expect: { changed: false, message: /line already present/ },
    },
    {
      name: 'appends at EOF (alias value, regex)',
      args: { name: '/etc/x.conf', regex: '^max_connections', value: 'max_connections = 200' },
      before: [fileReply({ content: conf }), writeOk],
      after: [fileReply({ content: `${conf}max_connections = 200\n` })],
      expect: { changed: true, message: /^line added$/ },
    },
    {
      name: 'a mode difference alone is a change, fixed with chmod',
      args: { path: '/etc/pgpool2/pool_passwd', line: 'port = 5432', mode: 0o600, owner: 'postgres' },
      before: [fileReply({ content: conf, perm: 0o644, owner: 'postgres', uid: 108 }), anyOk],
      after: [fileReply({ content: conf, perm: 0o600, owner: 'postgres', uid: 108 })],
      expect: { changed: true, message: /^ownership, perms or SE linux context changed \(mode 0644 → 0600\)$/, applies: [/chmod -- 0600 \/etc\/pgpool2\/pool_passwd/] },
    },
    {
      name: 'creates a missing file with create: true',
      args: { path: '/etc/new/x.conf', line: 'a = 1', create: true },
      before: [fileReply({ kind: 'absent' }), writeOk, anyOk],
      after: [fileReply({ content: 'a = 1\n' })],
      expect: { changed: true, message: /line added/, applies: [/mkdir -p -- .*\/etc\/new\/x\.conf/, /mktemp/] },
    },
    {
      name: 'state absent removes every matching line',
      args: { path: '/etc/x.conf', state: 'absent', regexp: '^#' },
      before: [fileReply({ content: '#a\nb\n#c\n' }), writeOk],
      after: [fileReply({ content: 'b\n' })],
      expect: { changed: true, message: /^2 line\(s\) removed$/ },
    },
    {
      name: 'state absent on a missing file is no change',
      args: { path: '/etc/x.conf', state: 'absent', line: 'x' },
      before: [fileReply({ kind: 'absent' })],
      expect: { changed: false, message: /file not present/ },
    },
    {
      name: 'backrefs without a match is no change',
      args: { path: '/etc/ssh/sshd_config', regexp: '^#?(PermitRootLogin)\\s', line: '\\1 no', backrefs: true },
      before: [fileReply({ content: 'Port 22\n' })],
      expect: { changed: false, message: /regexp did not match/ },
    },
    {
      name: 'backrefs fill the line from the match',
      args: { path: '/etc/ssh/sshd_config', regexp: '^#?(?P<key>PermitRootLogin)\\s', line: '\\g<key> no', backrefs: true },
      before: [fileReply({ content: '#PermitRootLogin yes\n' }), writeOk],
      after: [fileReply({ content: 'PermitRootLogin no\n' })],
      expect: { changed: true, message: /line replaced/ },
    },
    {
      name: 'validate and backup go with the atomic write',
      args: { path: '/etc/sudoers', line: 'postgres ALL=(ALL) NOPASSWD: ALL', validate: 'visudo -cf %s', backup: true },
      before: [fileReply({ content: 'root ALL=(ALL) ALL\n', perm: 0o440 }), writeOk],
      after: [fileReply({ content: 'root ALL=(ALL) ALL\npostgres ALL=(ALL) NOPASSWD: ALL\n', perm: 0o440 })],
      expect: { changed: true, applies: [/visudo -cf "\$t"/, /backup=/] },
    },
  ],
};

export default cases;
