// pg_md5: pgpool-II's files as the Debian package ships them, before and after. The hashes are
// the ones pgpool-II 4.3's own pg_md5 printed for these passwords.
import pgMd5 from '../../../modules/pg_md5.js';
import type { CaseFile } from '../harness.js';
import { fileReply, writeOk } from './file-replies.js';

/** pg_md5 --md5auth -u root 's3cr:et' → root:md5a4f3…; pg_md5 's3cr:et' → 2402…; 'other' for root → md548e6…. */
const ROOT_POOL = 'root:md5a4f368e9f830bdeb8ec3a075e5e3c895';
const ROOT_POOL_OTHER = 'root:md548e6efe54850634b497856f5071dba29';
const ROOT_PCP = 'root:2402f270277cfc68629724f0fe35cf45';
const PCP_HEADER = "# PCP Client Authentication Configuration File\n# ============================================\n#\n# Example:\n# postgres:e8a48653851e28c69d0506508fb27fc5\n#\n# Lines beginning with '#' (pound) are comments and will\n# be ignored. Again, no spaces or tabs allowed before '#'.\n\n# USERID:MD5PASSWD\n";
const pool = (content: string) => ({ content, perm: 0o640, owner: 'root', group: 'postgres', gid: 108 });

const cases: CaseFile = {
  module: pgMd5,
  cases: [
    {
      name: "the package's empty pool_passwd: the manual's pg_md5 --md5auth entry is appended",
      args: { user: 'root', password: 's3cr:et' },
      before: [fileReply(pool('')), writeOk],
      after: [fileReply(pool(`${ROOT_POOL}\n`))],
      expect: {
        changed: true,
        message: /^\/etc\/pgpool2\/pool_passwd: would append the entry of root$/,
        applies: [/p=\/etc\/pgpool2\/pool_passwd/],
        never: ['s3cr:et'],
      },
    },
    {
      name: 'the same hash is there: no change',
      args: { user: 'root', password: 's3cr:et' },
      before: [fileReply(pool(`postgres:md5e8a48653851e28c69d0506508fb27fc5\n${ROOT_POOL}\n`))],
      expect: { changed: false, message: /entry of root has the hash of this password/ },
    },
    {
      name: 'another password: the line is replaced in place',
      args: { user: 'root', password: 'other' },
      before: [fileReply(pool(`${ROOT_POOL}\nalice:md54f32cc705887625da0759ed0cc3a2774\n`)), writeOk],
      after: [fileReply(pool(`${ROOT_POOL_OTHER}\nalice:md54f32cc705887625da0759ed0cc3a2774\n`))],
      expect: { changed: true, message: /would replace the entry of root/, never: ['other'] },
    },
    {
      name: "pcp.conf: the manual's USER:MD5PASSWORD line appended after the comments",
      args: { format: 'pcp', user: 'root', password: 's3cr:et' },
      before: [fileReply({ content: PCP_HEADER }), writeOk],
      after: [fileReply({ content: `${PCP_HEADER}${ROOT_PCP}\n` })],
      expect: { changed: true, message: /^\/etc\/pgpool2\/pcp\.conf: would append the entry of root$/, applies: [/p=\/etc\/pgpool2\/pcp\.conf/], never: ['s3cr:et'] },
    },
    {
      name: 'pcp.conf without a final newline, entry already right: no change',
      args: { format: 'pcp', user: 'root', password: 's3cr:et' },
      before: [fileReply({ content: `${PCP_HEADER}${ROOT_PCP}` })],
      expect: { changed: false },
    },
    {
      name: 'right hash, wrong mode: only the mode changes',
      args: { user: 'root', password: 's3cr:et', mode: 0o640, group: 'postgres' },
      before: [fileReply({ content: `${ROOT_POOL}\n`, perm: 0o644 }), writeOk],
      after: [fileReply(pool(`${ROOT_POOL}\n`))],
      expect: { changed: true, message: /would group root → postgres, mode 0644 → 0640/ },
    },
    {
      name: 'a missing file is created, readable by its owner only',
      args: { path: '/etc/pgpool2/pool_passwd', user: 'postgres', password: 'pw' },
      before: [fileReply({ kind: 'absent' }), writeOk],
      after: [fileReply({ content: 'postgres:md5b357da35ac2798f458a3c210f55484a6\n', perm: 0o600 })],
      expect: { changed: true, message: /would create it with the entry of postgres/, applies: [/chmod -- 0600/] },
    },
    {
      name: 'a directory at the path is refused',
      args: { path: '/etc/pgpool2', user: 'root', password: 'pw' },
      before: [fileReply({ kind: 'directory' })],
      expect: { changed: false, error: /pg_md5: \/etc\/pgpool2 is not a regular file/ },
    },
  ],
};

export default cases;
