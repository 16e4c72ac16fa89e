// Fixture cases for service: systemctl show / is-enabled output under systemd, and the LSB
// status + /etc/rcN.d links of a host without systemd as PID 1.
import service from '../../../modules/service.js';
import type { Reply } from '../../support/fake-connection.js';
import { probeReply } from '../../support/section-replies.js';
import type { CaseFile } from '../harness.js';

const PROBE = '@@tsplay@@ active';

function systemd(active: string, enabled: string, load = 'loaded'): Reply {
  return probeReply(PROBE, { init: 'systemd\n', active: `LoadState=${load}\nActiveState=${active}\n`, enabled: `${enabled}\n` });
}

function sysv(status: number, links: string[]): Reply {
  return probeReply(PROBE, { init: 'other\n', active: `script=yes\nstatus=${status}\n`, enabled: links.map((l) => `${l}\n`).join('') });
}

const ok: Reply = { match: /^(systemctl|if command -v service|update-rc\.d)/, stdout: '' };

export default {
  module: service,
  cases: [
    {
      name: 'systemd: start and enable pgpool2',
      args: { name: 'pgpool2', state: 'started', enabled: true },
      before: [systemd('inactive', 'disabled'), ok],
      after: [systemd('active', 'enabled')],
      expect: {
        changed: true,
        message: /^start pgpool2; enable pgpool2 at boot$/,
        applies: [/^systemctl start -- pgpool2$/, /^systemctl enable -- pgpool2$/],
      },
    },
    {
      name: 'systemd: running and enabled → no change',
      args: { name: 'ssh', state: 'started', enabled: true },
      before: [systemd('active', 'enabled')],
      expect: { changed: false, message: /^ssh is running; ssh enabled at boot \(enabled\)$/ },
    },
    {
      name: 'systemd: a failed unit counts as stopped',
      args: { name: 'postgresql@15-main', state: 'stopped' },
      before: [systemd('failed', 'enabled-runtime')],
      expect: { changed: false, message: /is stopped/ },
    },
    {
      name: 'systemd: stop and disable',
      args: { name: 'pgpool2', state: 'stopped', enabled: false },
      before: [systemd('active', 'enabled'), ok],
      after: [systemd('inactive', 'disabled')],
      expect: { changed: true, applies: [/^systemctl stop -- pgpool2$/, /^systemctl disable -- pgpool2$/] },
    },
    {
      name: 'no systemd: start through service(8), enable through update-rc.d',
      args: { name: 'pgpool2', state: 'started', enabled: true },
      before: [sysv(3, []), ok],
      after: [sysv(0, ['/etc/rc2.d/S01pgpool2', '/etc/rc3.d/S01pgpool2', '/etc/rc4.d/S01pgpool2', '/etc/rc5.d/S01pgpool2'])],
      expect: {
        changed: true,
        applies: [/^if command -v service >\/dev\/null 2>&1; then service pgpool2 start; else \/etc\/init\.d\/pgpool2 start; fi$/, /^update-rc\.d pgpool2 defaults && update-rc\.d pgpool2 enable$/],
      },
    },
    {
      name: 'no systemd: running with rc links → no change',
      args: { name: 'ssh', state: 'started', enabled: true },
      before: [sysv(0, ['/etc/rc2.d/S01ssh', '/etc/rc3.d/S01ssh'])],
      expect: { changed: false, message: /^ssh is running; ssh enabled at boot/ },
    },
  ],
} satisfies CaseFile;
