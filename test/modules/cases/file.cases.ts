// file fixtures: the path's stat before and after.
import file from '../../../modules/file.js';
import type { CaseFile } from '../harness.js';
import type { Reply } from '../../support/fake-connection.js';
import { type FakePath, anyOk, sectionsOutput, statOutput } from './file-replies.js';

function pathReply(f: FakePath, extra: Record<string, string> = {}): Reply {
  return { match: '@@tsplay@@ path', stdout: sectionsOutput({ path: statOutput(f), ...extra }) };
}

const pgdir: FakePath = { kind: 'directory', owner: 'postgres', group: 'postgres', uid: 108, gid: 108, perm: 0o700 };

const cases: CaseFile = {
  module: file,
  cases: [
    {
      name: 'creates a directory with owner and mode',
      args: { path: '/var/lib/postgresql/archive', state: 'directory', owner: 'postgres', group: 'postgres', mode: '0700' },
      before: [pathReply({ kind: 'absent' }), anyOk],
      after: [pathReply(pgdir)],
      expect: {
        changed: true,
        message: /^create directory \/var\/lib\/postgresql\/archive$/,
        applies: [/if \[ ! -e \/var\/lib\/postgresql\/archive \]; then mkdir -- \/var\/lib\/postgresql\/archive && chown -- postgres/],
      },
    },
    {
      name: 'an existing directory as wanted → no change',
      args: { path: '/var/lib/postgresql/archive', state: 'directory', owner: 'postgres', mode: 0o700 },
      before: [pathReply(pgdir)],
      expect: { changed: false, message: /is a directory as wanted/ },
    },
    {
      name: 'mode of an existing file (state kept)',
      args: { path: '/etc/pgpool2/pool_passwd', mode: '0600' },
      before: [pathReply({ perm: 0o644 }), anyOk],
      after: [pathReply({ perm: 0o600 })],
      expect: { changed: true, message: /^mode 0644 → 0600$/, applies: [/^set -e\nchmod -- 0600 \/etc\/pgpool2\/pool_passwd$/] },
    },
    {
      name: 'absent removes a file',
      args: { path: '/var/lib/postgresql/15/main/standby.signal', state: 'absent' },
      before: [pathReply({}), anyOk],
      after: [pathReply({ kind: 'absent' })],
      expect: { changed: true, applies: [/rm -f -- \/var\/lib\/postgresql\/15\/main\/standby\.signal/] },
    },
    {
      name: 'absent and missing → no change',
      args: { path: '/tmp/x', state: 'absent' },
      before: [pathReply({ kind: 'absent' })],
      expect: { changed: false, message: /is absent as wanted/ },
    },
    {
      name: 'a symlink to create',
      args: { path: '/usr/local/bin/pg_ctl', src: '/usr/lib/postgresql/15/bin/pg_ctl', state: 'link' },
      before: [pathReply({ kind: 'absent' }, { src: statOutput({ perm: 0o755 }) }), anyOk],
      after: [pathReply({ kind: 'link', linkTarget: '/usr/lib/postgresql/15/bin/pg_ctl', target: { perm: 0o755 } }, { src: statOutput({ perm: 0o755 }) })],
      expect: { changed: true, message: /^link \/usr\/local\/bin\/pg_ctl -> /, applies: [/ln -s -- \/usr\/lib\/postgresql\/15\/bin\/pg_ctl \/usr\/local\/bin\/pg_ctl/] },
    },
    {
      name: 'recurse: entries with another owner are counted and fixed with chown -R',
      args: { path: '/var/lib/postgresql/archive', state: 'directory', owner: 'postgres', recurse: true },
      before: [
        pathReply(pgdir, { tree: 'stat 81a4 0 0 1 5 0 root root /var/lib/postgresql/archive/000001\nstat 81a4 108 108 1 6 0 postgres postgres /var/lib/postgresql/archive/000002\n' }),
        anyOk,
      ],
      after: [pathReply(pgdir, { tree: 'stat 81a4 108 0 1 5 0 postgres root /var/lib/postgresql/archive/000001\nstat 81a4 108 108 1 6 0 postgres postgres /var/lib/postgresql/archive/000002\n' })],
      expect: { changed: true, message: /^1 entry under \/var\/lib\/postgresql\/archive to change owner\/group\/mode$/, applies: [/chown -R -h -- postgres \/var\/lib\/postgresql\/archive/] },
    },
  ],
};

export default cases;
