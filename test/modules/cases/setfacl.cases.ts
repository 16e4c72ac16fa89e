// Fixture cases for setfacl: the manual's six commands, each one task, with getfacl -p output
// as acl 2.3 prints it.
import setfacl from '../../../modules/setfacl.js';
import type { Reply } from '../../support/fake-connection.js';
import type { CaseFile, ModuleCase } from '../harness.js';

/** getfacl -p output for one file. */
function facl(file: string, entries: string[]): string {
  return `# file: ${file}\n# owner: root\n# group: root\n${entries.join('\n')}\n\n`;
}

const BASE = ['user::rwx', 'group::r-x', 'other::r-x'];
const setOk: Reply = { match: /^setfacl /, stdout: '' };

function manualCases(dir: string): ModuleCase[] {
  const getDir = /^LC_ALL=C getfacl -p -- /;
  const getTree = /^LC_ALL=C getfacl -p -R -- /;
  const tree = (entriesDir: string[], entriesFile: string[]) =>
    facl(dir, entriesDir) + facl(`${dir}/0`, entriesFile) + facl(`${dir}/1000`, entriesFile);
  const fileBase = ['user::rw-', 'group::r--', 'other::r--'];
  return [
    {
      name: `manual: setfacl -d -m u:postgres:r ${dir}`,
      args: { path: dir, entity: 'postgres', etype: 'user', permissions: 'r', default: true, state: 'present' },
      before: [{ match: getDir, stdout: facl(dir, BASE) }, setOk],
      after: [
        {
          match: getDir,
          stdout: facl(dir, [...BASE, 'default:user::rwx', 'default:user:postgres:r--', 'default:group::r-x', 'default:mask::r-x', 'default:other::r-x']),
        },
      ],
      expect: {
        changed: true,
        message: new RegExp(`^set default:user:postgres:r-- on ${dir}$`),
        applies: [new RegExp(`^setfacl -d -m u:postgres:r-- -- ${dir}$`)],
      },
    },
    {
      name: `manual: setfacl -R -m u:postgres:r ${dir} — every file below must match`,
      args: { path: dir, entity: 'postgres', etype: 'user', permissions: 'r', recursive: true, state: 'present' },
      before: [
        // The directory already has the entry; one file below does not.
        {
          match: getTree,
          stdout:
            facl(dir, ['user::rwx', 'user:postgres:r--', 'group::r-x', 'mask::r-x', 'other::r-x']) +
            facl(`${dir}/0`, ['user::rw-', 'user:postgres:r--', 'group::r--', 'mask::r--', 'other::r--']) +
            facl(`${dir}/1000`, fileBase),
        },
        setOk,
      ],
      after: [
        {
          match: getTree,
          stdout: tree(['user::rwx', 'user:postgres:r--', 'group::r-x', 'mask::r-x', 'other::r-x'], ['user::rw-', 'user:postgres:r--', 'group::r--', 'mask::r--', 'other::r--']),
        },
      ],
      expect: {
        changed: true,
        message: new RegExp(`^set user:postgres:r-- on ${dir}/1000$`),
        applies: [new RegExp(`^setfacl -R -m u:postgres:r-- -- ${dir}$`)],
      },
    },
    {
      name: `manual: setfacl -m u:postgres:rx ${dir}`,
      args: { path: dir, entity: 'postgres', etype: 'user', permissions: 'rx', state: 'present' },
      before: [{ match: getDir, stdout: facl(dir, ['user::rwx', 'user:postgres:r--', 'group::r-x', 'mask::r-x', 'other::r-x']) }, setOk],
      after: [{ match: getDir, stdout: facl(dir, ['user::rwx', 'user:postgres:r-x', 'group::r-x', 'mask::r-x', 'other::r-x']) }],
      expect: {
        changed: true,
        message: new RegExp(`^set user:postgres:r-x on ${dir} \\(was r--\\)$`),
        applies: [new RegExp(`^setfacl -m u:postgres:r-x -- ${dir}$`)],
      },
    },
  ];
}

export default {
  module: setfacl,
  cases: [
    ...manualCases('/etc/parsec/macdb'),
    ...manualCases('/etc/parsec/capdb'),
    {
      name: 'recursive: every file already carries the entry → no change',
      args: { path: '/srv/data', entity: 'postgres', etype: 'user', permissions: 'r', recursive: true },
      before: [
        {
          match: /getfacl -p -R -- \/srv\/data$/,
          stdout:
            facl('/srv/data', ['user::rwx', 'user:postgres:r--', 'group::r-x', 'mask::r-x', 'other::r-x']) +
            facl('/srv/data/a\\040b', ['user::rw-', 'user:postgres:r--\t#effective:r--', 'group::r--', 'mask::r--', 'other::r--']),
        },
      ],
      expect: { changed: false, message: /^user:postgres:r-- already set on \/srv\/data and 1 file below$/ },
    },
    {
      name: 'recursive default entry is compared on directories only (find -type d)',
      args: { path: '/srv/data', entity: 'postgres', etype: 'user', permissions: 'r', recursive: true, default: true, state: 'present' },
      before: [
        {
          match: /^LC_ALL=C find -H \/srv\/data -type d -exec getfacl -p -- \{\} \+$/,
          stdout: facl('/srv/data', [...BASE, 'default:user::rwx', 'default:user:postgres:r--', 'default:group::r-x', 'default:mask::r-x', 'default:other::r-x']) + facl('/srv/data/sub', BASE),
        },
        setOk,
      ],
      after: [
        {
          match: /find -H \/srv\/data -type d/,
          stdout:
            facl('/srv/data', [...BASE, 'default:user::rwx', 'default:user:postgres:r--', 'default:group::r-x', 'default:mask::r-x', 'default:other::r-x']) +
            facl('/srv/data/sub', [...BASE, 'default:user::rwx', 'default:user:postgres:r--', 'default:group::r-x', 'default:mask::r-x', 'default:other::r-x']),
        },
      ],
      expect: { changed: true, message: /^set default:user:postgres:r-- on \/srv\/data\/sub$/, applies: [/^setfacl -R -d -m u:postgres:r-- -- \/srv\/data$/] },
    },
    {
      name: 'absent removes the named entry; follow: false walks physically',
      args: { path: '/srv/link', entity: 'backup', etype: 'group', state: 'absent', follow: false },
      before: [{ match: /^LC_ALL=C getfacl -p -P -- \/srv\/link$/, stdout: facl('/srv/link', ['user::rwx', 'group::r-x', 'group:backup:rwx', 'mask::rwx', 'other::---']) }, setOk],
      after: [{ match: /getfacl -p -P/, stdout: facl('/srv/link', ['user::rwx', 'group::r-x', 'mask::r-x', 'other::---']) }],
      expect: { changed: true, message: /^remove group:backup from \/srv\/link$/, applies: [/^setfacl -P -x g:backup -- \/srv\/link$/] },
    },
    {
      name: 'numeric entity: getfacl -n compares ids',
      args: { path: '/srv/data', entity: '1001', etype: 'user', permissions: '5' },
      before: [{ match: /^LC_ALL=C getfacl -p -n -- \/srv\/data$/, stdout: facl('/srv/data', ['user::rwx', 'user:1001:r-x', 'group::r-x', 'mask::r-x', 'other::r-x']) }],
      expect: { changed: false, message: /^user:1001:r-x already set on \/srv\/data$/ },
    },
    {
      name: 'query (no permissions, no state) reads the ACL',
      args: { path: '/etc/parsec/macdb' },
      before: [{ match: /getfacl -p -- \/etc\/parsec\/macdb$/, stdout: facl('/etc/parsec/macdb', ['user::rwx', 'user:postgres:r-x', 'group::r-x', 'mask::r-x', 'other::r-x']) }],
      expect: { changed: false, message: /^current ACL of \/etc\/parsec\/macdb: user::rwx, user:postgres:r-x, group::r-x, mask::r-x, other::r-x$/ },
    },
  ],
} satisfies CaseFile;
