// Fixture cases for apt, with dpkg-query / apt-cache / apt-get -s output as Debian 12 prints it.
import apt from '../../../modules/apt.js';
import type { Reply } from '../../support/fake-connection.js';
import { probeReply } from '../../support/section-replies.js';
import type { CaseFile } from '../harness.js';

const PROBE = '@@tsplay@@ ';

/** The probes' output: dpkg-query lines, providers of virtual names, apt-get -s output, cache age. */
function host(p: { status: string; provided?: string; sim?: string; cache?: string }): Reply {
  // printf '%s\n' "$(…)": command substitution drops trailing newlines, printf adds one
  const line = (t = '') => `${t.replace(/\n+$/, '')}\n`;
  const pkgs = { status: line(p.status), provided: line(p.provided), sim: p.sim ?? '' };
  return probeReply(PROBE, p.cache === undefined ? pkgs : { ...pkgs, cache: p.cache });
}

const installedPg =
  'postgresql\tinstall ok installed\t15+248+deb12u2\n' +
  'postgresql-contrib\tinstall ok installed\t15+248+deb12u2\n' +
  'postgresql-client\tinstall ok installed\t15+248+deb12u2\n';

const simPostgresql = `Reading package lists...
Building dependency tree...
Reading state information...
The following additional packages will be installed:
  libpq5 postgresql-15 postgresql-client-15 postgresql-client-common postgresql-common
The following NEW packages will be installed:
  libpq5 postgresql postgresql-15 postgresql-client postgresql-client-15 postgresql-client-common postgresql-common postgresql-contrib
0 upgraded, 8 newly installed, 0 to remove and 0 not upgraded.
Inst libpq5 (15.8-0+deb12u1 Debian:12.7/stable [amd64])
Inst postgresql-client-common (248 Debian:12.7/stable [all])
Inst postgresql-client-15 (15.8-0+deb12u1 Debian:12.7/stable [amd64])
Inst postgresql-common (248 Debian:12.7/stable [all])
Inst postgresql-15 (15.8-0+deb12u1 Debian:12.7/stable [amd64])
Inst postgresql (15+248 Debian:12.7/stable [all])
Inst postgresql-client (15+248 Debian:12.7/stable [all])
Inst postgresql-contrib (15+248 Debian:12.7/stable [all])
Conf libpq5 (15.8-0+deb12u1 Debian:12.7/stable [amd64])
Conf postgresql-client-common (248 Debian:12.7/stable [all])
Conf postgresql-client-15 (15.8-0+deb12u1 Debian:12.7/stable [amd64])
Conf postgresql-common (248 Debian:12.7/stable [all])
Conf postgresql-15 (15.8-0+deb12u1 Debian:12.7/stable [amd64])
Conf postgresql (15+248 Debian:12.7/stable [all])
Conf postgresql-client (15+248 Debian:12.7/stable [all])
Conf postgresql-contrib (15+248 Debian:12.7/stable [all])
`;

const applied = { match: /apt-get -y -q .*(install|remove)/, stdout: 'Setting up postgresql (15+248) ...\n' };

export default {
  module: apt,
  cases: [
    {
      name: 'manual: apt install ssh rsync — both installed → no change, no simulation',
      args: { name: ['openssh-server', 'rsync'] },
      before: [
        host({
          status: 'openssh-server\tinstall ok installed\t1:9.2p1-2+deb12u3\nrsync\tinstall ok installed\t3.2.7-1\n',
          
          sim: '',
        }),
      ],
      expect: { changed: false, message: /openssh-server 1:9\.2p1-2\+deb12u3, rsync 3\.2\.7-1 installed/ },
    },
    {
      name: 'manual: install postgresql packages — check lists every package apt would install',
      args: { name: 'postgresql,postgresql-contrib,postgresql-client' },
      before: [
        host({ status: '', sim: simPostgresql }),
        applied,
      ],
      after: [host({ status: installedPg, sim: '' })],
      expect: {
        changed: true,
        message: /^install libpq5 15\.8-0\+deb12u1, .*postgresql-15 15\.8-0\+deb12u1, .*postgresql-contrib 15\+248$/,
        applies: [
          /^DEBIAN_FRONTEND=noninteractive LC_ALL=C apt-get -y -q -o DPkg::Lock::Timeout=120 -o Dpkg::Options::=--force-confdef -o Dpkg::Options::=--force-confold install postgresql postgresql-contrib postgresql-client$/,
        ],
      },
    },
    {
      name: 'a package left in rc state (removed, config files kept) is installed again',
      args: { name: 'sl' },
      before: [
        host({
          status: 'sl\tdeinstall ok config-files\t5.02-1+b1\n',
          
          sim: 'Inst sl (5.02-1+b1 Debian:12.15/oldstable [amd64])\nConf sl (5.02-1+b1 Debian:12.15/oldstable [amd64])\n',
        }),
        applied,
      ],
      after: [host({ status: 'sl\tinstall ok installed\t5.02-1+b1\n', sim: '' })],
      expect: { changed: true, message: /^install sl 5\.02-1\+b1$/, applies: [/apt-get -y .* install sl$/] },
    },
    {
      name: 'a virtual name provided by an installed package counts as installed',
      args: { name: 'awk' },
      before: [host({ status: '', provided: 'awk\tmawk', sim: '' })],
      expect: { changed: false, message: /awk \(provided by mawk\) installed/ },
    },
    {
      name: 'an interrupted dpkg run (half-configured) is finished first',
      args: { name: 'ufw' },
      before: [
        host({
          status: 'ufw\tinstall ok half-configured\t0.36.2-1\n',
          
          sim: "E: dpkg was interrupted, you must manually run 'dpkg --configure -a' to correct the problem. \n",
        }),
        { match: /^DEBIAN_FRONTEND=noninteractive dpkg --configure -a/, stdout: 'Setting up ufw (0.36.2-1) ...\n' },
        applied,
      ],
      after: [host({ status: 'ufw\tinstall ok installed\t0.36.2-1\n', sim: '' })],
      expect: { changed: true, message: /interrupted dpkg run/, applies: [/dpkg --configure -a/, /apt-get -y .* install ufw$/] },
    },
    {
      name: 'latest: apt-cache policy shows a newer candidate → upgrade listed',
      args: { name: 'apt', state: 'latest' },
      before: [
        host({
          status: 'apt\tinstall ok installed\t2.6.1\n',
          
          sim:
            'Inst libapt-pkg6.0 [2.6.1] (2.6.2 Debian-Security:12/oldstable-security [amd64])\n' +
            'Inst apt [2.6.1] (2.6.2 Debian-Security:12/oldstable-security [amd64])\n' +
            'Conf libapt-pkg6.0 (2.6.2 Debian-Security:12/oldstable-security [amd64])\nConf apt (2.6.2 Debian-Security:12/oldstable-security [amd64])\n',
        }),
        applied,
      ],
      after: [host({ status: 'apt\tinstall ok installed\t2.6.2\n', sim: '' })],
      expect: { changed: true, message: /^upgrade libapt-pkg6\.0 2\.6\.1 → 2\.6\.2, apt 2\.6\.1 → 2\.6\.2$/, applies: [/apt-get -y .* install apt$/] },
    },
    {
      name: 'latest with a stale cache (cache_valid_time) refreshes the lists first',
      args: { name: 'apt', state: 'latest', update_cache: true, cache_valid_time: 3600 },
      before: [
        host({ status: 'apt\tinstall ok installed\t2.6.2\n', sim: '', cache: '1732600000\n1732500000\n' }),
        { match: /apt-get -q -o DPkg::Lock::Timeout=120 update/, stdout: 'Hit:1 http://deb.debian.org/debian bookworm InRelease\n' },
        { match: 'touch /var/lib/apt/periodic/update-success-stamp', stdout: '' },
        applied,
      ],
      after: [host({ status: 'apt\tinstall ok installed\t2.6.2\n', sim: '', cache: '1732600100\n1732600050\n' })],
      expect: { changed: true, message: /update the package cache \(100000 s old\)/, applies: [/apt-get -q .* update/, /update-success-stamp/] },
    },
    {
      name: 'update_cache alone with a fresh cache → no change',
      args: { update_cache: true, cache_valid_time: 3600 },
      before: [probeReply('@@tsplay@@ cache', { cache: '1732600000\n1732599000\n' })],
      expect: { changed: false, message: /1000 s old \(valid for 3600 s\)/ },
    },
    {
      name: 'absent: removal lists what apt would remove',
      args: { name: ['ufw', 'sl'], state: 'absent' },
      before: [
        host({
          status: 'sl\tdeinstall ok config-files\t5.02-1+b1\nufw\tinstall ok installed\t0.36.2-1\n',
          
          sim: 'The following packages will be REMOVED:\n  ufw\nRemv ufw [0.36.2-1]\n',
        }),
        applied,
      ],
      after: [
        host({ status: 'sl\tdeinstall ok config-files\t5.02-1+b1\nufw\tdeinstall ok config-files\t0.36.2-1\n', sim: '' }),
      ],
      expect: { changed: true, message: /^remove ufw 0\.36\.2-1$/, applies: [/apt-get -y .* remove ufw$/] },
    },
  ],
} satisfies CaseFile;
