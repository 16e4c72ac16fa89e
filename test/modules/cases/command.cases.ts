// command: the words sent (quoted, never interpreted by a shell), creates/removes, a failing rc.
import command from '../../../modules/command.js';
import { probeReply } from '../../support/section-replies.js';
import type { CaseFile } from '../harness.js';

const LSCLUSTERS = 'Ver Cluster Port Status Owner    Data directory              Log file\n15  main    5432 online postgres /var/lib/postgresql/15/main /var/log/postgresql/postgresql-15-main.log\n';

const cases: CaseFile = {
  module: command,
  cases: [
    {
      name: 'free form: an action, run as the quoted words',
      args: { cmd: 'pg_lsclusters' },
      before: [{ match: /^pg_lsclusters$/, stdout: LSCLUSTERS }],
      expect: { changed: true, message: /^run: pg_lsclusters$/, applies: [/^pg_lsclusters$/], checkRoundTrips: 0 },
    },
    {
      name: 'quotes are honoured, $ * | ; are passed literally',
      args: { cmd: `psql -c 'SELECT 1' $HOME * | wc ; "a b"` },
      before: [{ match: 'psql', stdout: '' }],
      expect: { changed: true, applies: [/^psql -c 'SELECT 1' '\$HOME' '\*' '\|' wc ';' 'a b'$/] },
    },
    {
      name: 'argv and chdir',
      args: { argv: ['pg_ctlcluster', '15', 'main', 'start'], chdir: '/var/lib/postgresql' },
      before: [{ match: 'pg_ctlcluster', stdout: '' }],
      expect: { changed: true, message: /run: pg_ctlcluster 15 main start/, applies: [/^cd -- \/var\/lib\/postgresql && pg_ctlcluster 15 main start$/] },
    },
    {
      name: "creates: the manual's ssh-keygen is skipped when the key exists",
      args: { cmd: "ssh-keygen -P '' -f /var/lib/postgresql/.ssh/id_rsa", creates: '/var/lib/postgresql/.ssh/id_rsa' },
      before: [probeReply('@@tsplay@@ creates', { creates: { out: '', rc: 0 } })],
      expect: { changed: false, message: /^\/var\/lib\/postgresql\/\.ssh\/id_rsa exists$/ },
    },
    {
      name: 'creates missing: the command runs',
      args: { cmd: "ssh-keygen -P '' -f /var/lib/postgresql/.ssh/id_rsa", creates: '/var/lib/postgresql/.ssh/id_rsa' },
      before: [probeReply('@@tsplay@@ creates', { creates: { out: '', rc: 1 } }), { match: 'ssh-keygen', stdout: 'Generating public/private rsa key pair.\n' }],
      expect: { changed: true, applies: [/^ssh-keygen -P '' -f \/var\/lib\/postgresql\/\.ssh\/id_rsa$/] },
    },
    {
      name: 'removes missing: nothing to do (glob probe)',
      args: { cmd: 'rm /tmp/trigger_main.5432', removes: '/tmp/trigger_*' },
      before: [probeReply(/for f in \/tmp\/trigger_\*; do/, { removes: { out: '', rc: 1 } })],
      expect: { changed: false, message: /^\/tmp\/trigger_\* does not exist$/ },
    },
    {
      name: 'a non-zero rc fails the task with rc and stderr',
      args: { cmd: 'pg_ctlcluster 15 main start' },
      before: [{ match: 'pg_ctlcluster', code: 1, stderr: 'Error: Cluster is already running.\n' }],
      expect: { changed: true, error: /^h1: non-zero return code 1: pg_ctlcluster 15 main start\nError: Cluster is already running\.$/ },
    },
    {
      name: 'cmd and argv together are refused',
      args: { cmd: 'ls', argv: ['ls'] },
      before: [],
      expect: { changed: false, error: /either cmd \(free form\) or argv, not both/ },
    },
    {
      name: 'an unterminated quote is refused',
      args: { cmd: "echo 'oops" },
      before: [],
      expect: { changed: false, error: /unterminated single quote/ },
    },
  ],
};

export default cases;
