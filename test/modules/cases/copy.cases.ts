// copy fixtures: content compared with the host's file in one probe.
import copy from '../../../modules/copy.js';
import type { CaseFile } from '../harness.js';
import { type FakePath, anyOk, readFileParts, sectionsOutput, writeOk } from './file-replies.js';
import type { Reply } from '../../support/fake-connection.js';

function copyReply(f: FakePath, parent = true): Reply {
  return { match: '@@tsplay@@ parent', stdout: sectionsOutput({ parent: parent ? 'yes' : 'no', ...readFileParts(f) }) };
}

const cases: CaseFile = {
  module: copy,
  cases: [
    {
      name: 'writes content to a missing file',
      args: { dest: '/etc/pgpool2/pcp.conf', content: 'pgpool:5f4dcc3b5aa765d61d8327deb882cf99\n', mode: 0o600 },
      before: [copyReply({ kind: 'absent' }), writeOk],
      after: [copyReply({ content: 'pgpool:5f4dcc3b5aa765d61d8327deb882cf99\n', perm: 0o600 })],
      expect: { changed: true, message: /^create /, applies: [/chmod -- 0600 "\$f"/] },
    },
    {
      name: 'same bytes → no change',
      args: { dest: '/etc/motd', content: 'hello\n' },
      before: [copyReply({ content: 'hello\n' })],
      expect: { changed: false, message: /up to date/ },
    },
    {
      name: 'a missing trailing newline is a difference',
      args: { dest: '/etc/motd', content: 'hello\n' },
      before: [copyReply({ content: 'hello' }), writeOk],
      after: [copyReply({ content: 'hello\n' })],
      expect: { changed: true, message: /^update \/etc\/motd$/ },
    },
    {
      name: 'force: false keeps a different existing file',
      args: { dest: '/etc/motd', content: 'hello\n', force: false },
      before: [copyReply({ content: 'other\n' })],
      expect: { changed: false, message: /force: false/ },
    },
    {
      name: 'group and mode only',
      args: { dest: '/etc/motd', content: 'hello\n', group: 'postgres', mode: '0640' },
      before: [copyReply({ content: 'hello\n' }), anyOk],
      after: [copyReply({ content: 'hello\n', group: 'postgres', gid: 108, perm: 0o640 })],
      expect: { changed: true, message: /group root → postgres; mode 0644 → 0640/, applies: [/chgrp -- postgres \/etc\/motd && chmod -- 0640 \/etc\/motd/] },
    },
  ],
};

export default cases;
