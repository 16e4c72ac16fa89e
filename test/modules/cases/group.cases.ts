// group fixtures: the group's getent entry before and after.
import group from '../../../modules/group.js';
import type { CaseFile } from '../harness.js';

const entry = (gid: number) => ({ match: /^getent group pgbackup$/, stdout: `pgbackup:x:${gid}:\n` });
const missing = { match: /^getent group pgbackup$/, code: 2 };
const ok = { match: /^group(add|mod|del) /, stdout: 'pgbackup:x:1500:\n' };

const cases: CaseFile = {
  module: group,
  cases: [
    { name: 'adds a missing group with a gid', args: { name: 'pgbackup', gid: 1500 }, before: [missing, ok], after: [entry(1500)], expect: { changed: true, message: /^add group pgbackup with gid 1500$/, applies: [/^groupadd -g 1500 pgbackup && getent group pgbackup$/] } },
    { name: 'adds a system group', args: { name: 'pgbackup', system: true }, before: [missing, ok], after: [entry(999)], expect: { changed: true, applies: [/^groupadd -r pgbackup && getent group pgbackup$/] } },
    { name: 'an existing group is no change', args: { name: 'pgbackup' }, before: [entry(1500)], expect: { changed: false, message: /exists with gid 1500/ } },
    { name: 'changes the gid', args: { name: 'pgbackup', gid: 1600, non_unique: true }, before: [entry(1500), ok], after: [entry(1600)], expect: { changed: true, message: /gid 1500 → 1600/, applies: [/^groupmod -g 1600 -o pgbackup && getent group pgbackup$/] } },
    { name: 'removes a group', args: { name: 'pgbackup', state: 'absent' }, before: [entry(1500), ok], after: [missing], expect: { changed: true, applies: [/^groupdel pgbackup$/] } },
    { name: 'absent and missing is no change', args: { name: 'pgbackup', state: 'absent' }, before: [missing], expect: { changed: false, message: /does not exist/ } },
    { name: 'non_unique needs gid', args: { name: 'pgbackup', non_unique: true }, before: [entry(1)], expect: { changed: false, error: /missing: gid/ } },
  ],
};

export default cases;
