// systemd_service fixtures: systemctl show / is-enabled before and after.
import systemdService from '../../../modules/systemd_service.js';
import type { CaseFile } from '../harness.js';
import { sectionsOutput } from './file-replies.js';

const unit = (active: string, enabled: string, load = 'loaded') => ({
  match: '@@tsplay@@ init',
  stdout: sectionsOutput({ init: 'systemd', show: `Id=pgpool2.service\nLoadState=${load}\nActiveState=${active}\nExecMainPID=42\n`, enabled: `${enabled}\n` }),
});
const ok = { match: /^systemctl /, stdout: '' };

const cases: CaseFile = {
  module: systemdService,
  cases: [
    { name: 'starts a stopped unit', args: { name: 'pgpool2', state: 'started' }, before: [unit('inactive', 'enabled'), ok], after: [unit('active', 'enabled')], expect: { changed: true, message: /^start pgpool2$/, applies: [/^systemctl start -- pgpool2$/] } },
    { name: 'running and enabled is no change', args: { unit: 'pgpool2', state: 'started', enabled: true }, before: [unit('active', 'enabled')], expect: { changed: false, message: /is running/ } },
    {
      name: 'daemon_reload before a restart, one command line',
      args: { name: 'pgpool2', state: 'restarted', 'daemon-reload': true },
      before: [unit('active', 'enabled'), ok],
      expect: { changed: true, message: /^daemon-reload; restart pgpool2$/, applies: [/^systemctl daemon-reload && systemctl restart -- pgpool2$/] },
    },
    { name: 'daemon_reload alone', args: { daemon_reload: true }, before: [{ match: '@@tsplay@@ init', stdout: sectionsOutput({ init: 'systemd' }) }, ok], expect: { changed: true, message: /^daemon-reload$/ } },
    { name: 'masks a unit', args: { name: 'unattended-upgrades', masked: true, enabled: false }, before: [unit('inactive', 'disabled'), ok], after: [unit('inactive', 'masked')], expect: { changed: true, message: /^mask unattended-upgrades$/, applies: [/systemctl mask -- unattended-upgrades/] } },
    { name: 'unmask and enable', args: { name: 'ssh', masked: false, enabled: true }, before: [unit('inactive', 'masked'), ok], after: [unit('inactive', 'enabled')], expect: { changed: true, message: /^unmask ssh; enable ssh at boot$/ } },
    { name: 'starting a masked unit is refused', args: { name: 'ssh', state: 'started' }, before: [unit('inactive', 'masked')], expect: { changed: false, error: /is masked: it cannot be started/ } },
    { name: 'an unknown unit fails', args: { name: 'nope', state: 'started' }, before: [unit('inactive', 'not-found', 'not-found')], expect: { changed: false, error: /Could not find the requested service nope/ } },
    { name: 'without systemd it fails', args: { name: 'ssh', state: 'started' }, before: [{ match: '@@tsplay@@ init', stdout: sectionsOutput({ init: 'other', show: '', enabled: '' }) }], expect: { changed: false, error: /systemd is not running/ } },
  ],
};

export default cases;
