// What the lab's Astra-like hosts (the bookworm-pg10 base) emulate of Astra Linux SE 1.6, on top
// of PostgreSQL 10 (lab/postgres10.ts) and /etc/parsec/macdb, capdb (every base has those):
// - OpenSSH 7.4's option set, enforced by a wrapper in front of the real client
//   (/usr/local/bin/ssh comes first in PATH; the real client is bookworm's OpenSSH 9.2);
// - Astra's default pg_hba.conf line `host all all 0.0.0.0/0 md5` at the end of 10/main's file
//   (per host, after the host's cluster is created: addAstraPgHba);
// - /etc/parsec/mswitch.conf with `zero_if_notfound: no`. Its other content is NOT Astra's (no
//   public copy was found): there is no PARSEC here to read it.
// docs/astra.md says what is emulated and what is real.
import { appendFileSync, chmodSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { openSsh74Wrapper } from './openssh/wrapper.js';

export const ASTRA_PG_HBA_LINE = 'host    all             all             0.0.0.0/0            md5';

export function addAstraLike(root: string): void {
  const ssh = join(root, 'usr/local/bin/ssh');
  writeFileSync(ssh, openSsh74Wrapper());
  chmodSync(ssh, 0o755);
  writeFileSync(join(root, 'etc/parsec/mswitch.conf'), [
    '# tsplay lab: an emulation of Astra Linux SE\'s /etc/parsec/mswitch.conf (only the line',
    '# below is modelled on Astra; there is no PARSEC on this host to read the file).',
    'zero_if_notfound: no',
    '',
  ].join('\n'), { mode: 0o644 });
}

/** Astra's default pg_hba.conf line, appended to a host's freshly created 10/main. */
export function addAstraPgHba(root: string): void {
  appendFileSync(join(root, 'etc/postgresql/10/main/pg_hba.conf'), `${ASTRA_PG_HBA_LINE}\n`);
}
