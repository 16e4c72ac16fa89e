// find fixtures: GNU find's -printf records as the host prints them.
import find from '../../../modules/find.js';
import type { CaseFile } from '../harness.js';
import { sectionsOutput } from './file-replies.js';

const NOW = 1_700_000_000;
/** One -printf record: type, followed type, mode, ids, size, times, names, relative path. */
const rec = (rel: string, type = 'f', o: { size?: number; mtime?: number } = {}) =>
  `${type} ${type} 644 108 114 ${o.size ?? 10} 1 2049 1 ${NOW} ${o.mtime ?? NOW} ${NOW} postgres postgres ${rel}\0`;
const listing = (...recs: string[]) => [{ match: '@@tsplay@@ now', stdout: sectionsOutput({ now: `${NOW}.5`, p0: recs.join('') }) }];

const wal = [rec('000000010000000000000001', 'f', { mtime: NOW - 3 * 86400 }), rec('000000010000000000000002'), rec('archive_status', 'd'), rec('.hidden'), rec('archive_status/x.done')];

const cases: CaseFile = {
  module: find,
  cases: [
    { name: 'a glob, files only, top level', args: { paths: '/var/lib/postgresql/15/main/pg_wal', patterns: '0000*' }, before: listing(...wal), expect: { changed: false, message: /^2 of 5 entries matched$/ } },
    { name: 'age 2d keeps the old one', args: { paths: ['/w'], patterns: ['0000*'], age: '2d' }, before: listing(...wal), expect: { changed: false, message: /^1 of 5 entries matched$/ } },
    { name: 'directories only', args: { path: '/w', file_type: 'directory' }, before: listing(...wal), expect: { changed: false, message: /^1 of 5/ } },
    { name: 'hidden and recurse', args: { name: '/w', hidden: true, recurse: true }, before: listing(...wal), expect: { changed: false, message: /^4 of 5/ } },
    { name: 'regex patterns with excludes', args: { paths: '/w', patterns: '^0+1', use_regex: true, excludes: '.*2$' }, before: listing(...wal), expect: { changed: false, message: /^1 of 5/ } },
    { name: 'size at least 1k', args: { paths: '/w', size: '1k' }, before: listing(rec('big', 'f', { size: 4096 }), rec('small')), expect: { changed: false, message: /^1 of 2/ } },
    {
      name: 'a path that is not a folder is skipped',
      args: { paths: '/nope' },
      before: [{ match: '@@tsplay@@ now', stdout: sectionsOutput({ now: `${NOW}`, p0: { out: "'/nope' is not a directory\n", rc: 3 } }) }],
      expect: { changed: false, message: /skipped: \/nope/ },
    },
    {
      name: 'contains reads the candidates in a second round trip',
      args: { paths: '/etc/postgresql/15/main', patterns: '*.conf', contains: 'listen_addresses' },
      before: [
        { match: '@@tsplay@@ now', stdout: sectionsOutput({ now: `${NOW}`, p0: rec('postgresql.conf') + rec('pg_hba.conf') }) },
        { match: '@@tsplay@@ c0', stdout: sectionsOutput({ c0: Buffer.from("#x\nlisten_addresses = '*'\n").toString('base64'), c1: Buffer.from('local all all peer\n').toString('base64') }) },
      ],
      expect: { changed: false, message: /^1 of 2 entries matched$/, checkRoundTrips: 2 },
    },
  ],
};

export default cases;
