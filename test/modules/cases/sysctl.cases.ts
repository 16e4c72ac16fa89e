// sysctl fixtures: the sysctl file (and the running value) before and after.
import sysctl from '../../../modules/sysctl.js';
import type { CaseFile } from '../harness.js';
import { readFileParts, sectionsOutput } from './file-replies.js';

const file = (content: string | undefined, proc?: string) => ({
  match: '@@tsplay@@ file.stat',
  stdout: sectionsOutput({ ...readFileParts(content === undefined ? { kind: 'absent' } : { content }), ...(proc !== undefined ? { proc } : {}) }),
});
const ok = { match: /mktemp|sysctl -[pw]/, stdout: '' };

const cases: CaseFile = {
  module: sysctl,
  cases: [
    {
      name: 'adds the setting and reloads the file',
      args: { name: 'vm.swappiness', value: 10 },
      before: [file('# comment\nkernel.pid_max = 65536\n'), ok],
      after: [file('# comment\nkernel.pid_max=65536\nvm.swappiness=10\n')],
      expect: { changed: true, message: /^vm\.swappiness=10 in \/etc\/sysctl\.conf$/, applies: [/mktemp/, /^sysctl -p \/etc\/sysctl\.conf$/] },
    },
    {
      name: 'the same value up to whitespace is no change',
      args: { key: 'net.ipv4.ip_local_port_range', val: '32768 60999', sysctl_file: '/etc/sysctl.d/10-ports.conf' },
      before: [file('net.ipv4.ip_local_port_range = 32768\t60999\n')],
      expect: { changed: false, message: /is 32768 60999/ },
    },
    {
      name: 'a changed value rewrites the line; booleans are 1/0',
      args: { name: 'net.ipv4.ip_forward', value: true, reload: false },
      before: [file('net.ipv4.ip_forward = 0\n'), ok],
      after: [file('net.ipv4.ip_forward=1\n')],
      expect: { changed: true, message: /\(was 0\)$/ },
    },
    {
      name: 'state absent removes it',
      args: { name: 'vm.swappiness', state: 'absent' },
      before: [file('vm.swappiness=10\nvm.swappiness=20\n'), ok],
      after: [file('')],
      expect: { changed: true, message: /^remove vm\.swappiness/ },
    },
    {
      name: 'sysctl_set compares the running value and sets it',
      args: { name: 'vm.overcommit_memory', value: '2', sysctl_set: true, sysctl_file: '/etc/sysctl.d/30-pg.conf' },
      before: [file('vm.overcommit_memory=2\n', '0\n'), ok],
      after: [file('vm.overcommit_memory=2\n', '2\n')],
      expect: { changed: true, message: /^set vm\.overcommit_memory=2 in the running kernel$/, applies: [/^sysctl -w vm\.overcommit_memory=2$/] },
    },
    {
      name: 'a missing file is created',
      args: { name: 'vm.swappiness', value: '1', sysctl_file: '/etc/sysctl.d/99-new.conf' },
      before: [file(undefined), ok],
      after: [file('vm.swappiness=1\n')],
      expect: { changed: true },
    },
    {
      name: 'an unknown key with sysctl_set fails',
      args: { name: 'vm.nope', value: '1', sysctl_set: true },
      before: [file('', { out: 'sysctl: cannot stat /proc/sys/vm/nope: No such file or directory\n', rc: 255 } as never)],
      expect: { changed: false, error: /setting vm\.nope failed/ },
    },
    {
      name: 'state present needs value',
      args: { name: 'vm.swappiness' },
      before: [],
      expect: { changed: false, error: /value is required/, checkRoundTrips: 0 },
    },
  ],
};

export default cases;
