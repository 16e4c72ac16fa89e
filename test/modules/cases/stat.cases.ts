// stat fixtures: the host's answers to the one probe script, and the `stat` dictionary made of them.
import stat from '../../../modules/stat.js';
import type { CaseFile } from '../harness.js';
import { sectionsOutput } from './file-replies.js';

const fileLine = '81a4 108 114 12 4242 65024 1 1700000000.5 1700000001.25 1700000002 8 4096 0 0 postgres postgres';
const reply = (parts: Record<string, string | { out: string; rc: number }>) => [{ match: '@@tsplay@@ st', stdout: sectionsOutput(parts) }];

const cases: CaseFile = {
  module: stat,
  cases: [
    {
      name: 'a regular file: type, owner, mode, checksum, mime, attributes',
      args: { path: '/var/lib/postgresql/15/main/PG_VERSION' },
      before: reply({
        st: fileLine,
        access: 'r\nw\n',
        'sum.sha1': 'da39a3ee5e6b4b0d3255bfef95601890afd80709  -\n',
        mime: '/var/lib/postgresql/15/main/PG_VERSION: text/plain; charset=us-ascii\n',
        attr: '123 --------------e------- /var/lib/postgresql/15/main/PG_VERSION\n',
      }),
      expect: { changed: false, message: /PG_VERSION is a file$/ },
    },
    {
      name: 'a missing path is exists: false, no change',
      args: { path: '/nowhere', get_mime: false },
      before: reply({ st: 'absent\n', access: '', 'sum.sha1': '' }),
      expect: { changed: false, message: /does not exist/ },
    },
    {
      name: 'a link without follow (aliases name, checksum)',
      args: { name: '/etc/alternatives/psql', checksum: 'sha256', get_attributes: false },
      before: reply({
        st: 'a1ff 0 0 29 77 65024 1 1 1 1 0 4096 0 0 root root',
        access: 'r\nx\n',
        target: '/usr/share/postgresql-common/pg_wrapper\n',
        source: '/usr/share/postgresql-common/pg_wrapper\n',
        'sum.sha256': '',
        mime: { out: '', rc: 127 },
      }),
      expect: { changed: false, message: /is a link$/ },
    },
    {
      name: "a leading ~ is the host's $HOME, expanded there",
      args: { path: '~/.pgpass', get_mime: false, get_attributes: false, get_checksum: false },
      before: [{ match: /stat -c .* -- "\$HOME"'?\/\.pgpass/, stdout: sectionsOutput({ st: fileLine, access: 'r\n', target: '', source: '', home: '/var/lib/postgresql' }) }],
      expect: { changed: false, message: /^~\/\.pgpass is a file$/ },
    },
    {
      name: 'stat failing on the host is an error',
      args: { path: '/root/secret', get_mime: false, get_attributes: false },
      before: reply({ st: { out: "stat: cannot statx '/root/secret': Permission denied\n", rc: 1 }, access: '', target: '', source: '', 'sum.sha1': '' }),
      expect: { changed: false, error: /Permission denied/ },
    },
  ],
};

export default cases;
