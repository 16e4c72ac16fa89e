// Fixture cases for pg_ctlcluster, with pg_lsclusters --no-header lines as postgresql-common prints them.
import pgCtlcluster from '../../../modules/pg_ctlcluster.js';
import type { Reply } from '../../support/fake-connection.js';
import { probeReply } from '../../support/section-replies.js';
import type { CaseFile } from '../harness.js';

const line = (v: string, status: string) =>
  `${v} main    5432 ${status} postgres /var/lib/postgresql/${v}/main /var/log/postgresql/postgresql-${v}-main.log\n`;

function host(v: string, status: string, init: 'systemd' | 'other', unit = 'inactive'): Reply {
  return probeReply('pg_lsclusters --no-header', { ls: line(v, status), init: `${init}\n`, unit: init === 'systemd' ? `${unit}\n` : '' });
}

const ok: Reply = { match: /^(systemctl|pg_ctlcluster|i=0)/, stdout: '' };

export default {
  module: pgCtlcluster,
  cases: [
    {
      name: 'manual: pg_ctlcluster 9.6 main stop on a standby (no systemd)',
      args: { version: 9.6, cluster: 'main', state: 'stopped' },
      before: [host('9.6', 'online,recovery', 'other'), ok],
      after: [host('9.6', 'down,recovery', 'other')],
      expect: { changed: true, message: /^stop cluster 9\.6\/main$/, applies: [/^pg_ctlcluster 9\.6 main stop \|\| pg_lsclusters --no-header \| awk /] },
    },
    {
      name: 'stop when the cluster went down between check and apply (a fence stopped it): converged, not failed',
      args: { version: 15, cluster: 'main', state: 'stopped' },
      before: [host('15', 'online', 'systemd', 'active'), { match: /^pg_ctlcluster 15 main stop \|\| /, stdout: '', stderr: 'Cluster is not running.\n' }],
      after: [host('15', 'down', 'systemd')],
      expect: { changed: true, message: /^stop cluster 15\/main$/ },
    },
    {
      name: 'manual: pg_ctlcluster 9.6 main start without systemd uses pg_ctlcluster',
      args: { version: '9.6', state: 'started' },
      before: [host('9.6', 'down,recovery', 'other'), ok],
      after: [host('9.6', 'online,recovery', 'other')],
      expect: { changed: true, applies: [/^pg_ctlcluster 9\.6 main start$/] },
    },
    {
      name: 'start under systemd goes through the postgresql@15-main unit',
      args: { version: 15 },
      before: [host('15', 'down', 'systemd'), ok],
      after: [host('15', 'online', 'systemd', 'active')],
      expect: { changed: true, message: /^start cluster 15\/main$/, applies: [/^systemctl start postgresql@15-main$/] },
    },
    {
      name: 'online → started is no change',
      args: { version: 15, state: 'started' },
      before: [host('15', 'online', 'systemd', 'active')],
      expect: { changed: false, message: /^cluster 15\/main is online$/ },
    },
    {
      name: 'promote a running standby and wait until it leaves recovery',
      args: { version: 15, state: 'promoted' },
      before: [host('15', 'online,recovery', 'systemd', 'active'), ok],
      after: [host('15', 'online', 'systemd', 'active')],
      expect: { changed: true, message: /^promote standby 15\/main to primary$/, applies: [/^pg_ctlcluster 15 main promote$/, /^i=0; while .*pg_lsclusters --no-header/] },
    },
    {
      name: 'promoted on a primary is no change',
      args: { version: 15, state: 'promoted' },
      before: [host('15', 'online', 'other')],
      expect: { changed: false, message: /not a standby/ },
    },
  ],
} satisfies CaseFile;
