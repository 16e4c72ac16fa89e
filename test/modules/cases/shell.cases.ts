// shell: the line goes to `executable -c` as one quoted argument.
import shell from '../../../modules/shell.js';
import { probeReply } from '../../support/section-replies.js';
import type { CaseFile } from '../harness.js';

const cases: CaseFile = {
  module: shell,
  cases: [
    {
      name: "the manual's process check through a pipe",
      args: { cmd: "ps -ef | grep '[w]al sender'" },
      before: [{ match: 'ps -ef', stdout: 'postgres   812   770  0 04:41 ?        00:00:00 postgres: 15/main: walsender postgres 10.213.0.11(40112) streaming 0/3000148\n' }],
      expect: { changed: true, message: /^run: ps -ef \| grep '\[w\]al sender'$/, applies: [/^\/bin\/sh -c 'ps -ef \| grep '\\''\[w\]al sender'\\'''$/], checkRoundTrips: 0 },
    },
    {
      name: 'executable and chdir',
      args: { cmd: 'set -o pipefail; ls | wc -l', executable: '/bin/bash', chdir: '/etc/pgpool2' },
      before: [{ match: 'pipefail', stdout: '5\n' }],
      expect: { changed: true, applies: [/^cd -- \/etc\/pgpool2 && \/bin\/bash -c 'set -o pipefail; ls \| wc -l'$/] },
    },
    {
      name: 'creates relative to chdir',
      args: { cmd: 'touch done', chdir: '/tmp/work', creates: 'done' },
      before: [probeReply(/cd -- \/tmp\/work 2>\/dev\/null; \( for f in done;/, { creates: { out: '', rc: 0 } })],
      expect: { changed: false, message: /^done exists$/ },
    },
    {
      name: 'a failing line fails the task',
      args: { cmd: 'exit 3' },
      before: [{ match: 'exit 3', code: 3 }],
      expect: { changed: true, error: /non-zero return code 3: exit 3$/ },
    },
  ],
};

export default cases;
