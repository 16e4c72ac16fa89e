// Fixture cases for hostname: uname -n, /etc/hostname and whether hostnamectl can be used.
import hostname from '../../../modules/hostname.js';
import type { Reply } from '../../support/fake-connection.js';
import { probeReply } from '../../support/section-replies.js';
import type { CaseFile } from '../harness.js';

function host(running: string, file: string, init: 'systemd' | 'other', hostnamectl = '/usr/bin/hostnamectl\n'): Reply {
  return probeReply('uname -n', { init: `${init}\n`, running: `${running}\n`, file, hostnamectl });
}

export default {
  module: hostname,
  cases: [
    {
      name: 'manual: hostnamectl set-hostname master (systemd host)',
      args: { name: 'master' },
      before: [host('localhost', 'localhost\n', 'systemd'), { match: /^hostnamectl set-hostname master$/, stdout: '' }],
      after: [host('master', 'master\n', 'systemd')],
      expect: {
        changed: true,
        message: /^running name localhost → master; \/etc\/hostname localhost → master$/,
        applies: [/^hostnamectl set-hostname master$/],
      },
    },
    {
      name: 'without systemd: /etc/hostname written atomically, then hostname(1)',
      args: { name: 'slave' },
      before: [host('debian', '# set by the installer\ndebian\n', 'other', ''), { match: /mktemp/, stdout: '' }, { match: /^hostname slave$/, stdout: '' }],
      after: [host('slave', 'slave\n', 'other', '')],
      expect: { changed: true, applies: [/^set -e\np=\/etc\/hostname\n/, /^hostname slave$/] },
    },
    {
      name: 'only the running name differs (file already right)',
      args: { name: 'balancer' },
      before: [host('debian', 'balancer\n', 'other', ''), { match: /^hostname balancer$/, stdout: '' }],
      after: [host('balancer', 'balancer\n', 'other', '')],
      expect: { changed: true, message: /^running name debian → balancer$/ },
    },
    {
      name: 'both names right → no change',
      args: { name: 'master' },
      before: [host('master', 'master\n', 'systemd')],
      expect: { changed: false, message: /^host name is master$/ },
    },
  ],
} satisfies CaseFile;
