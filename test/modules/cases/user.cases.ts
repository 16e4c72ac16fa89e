// Fixture cases for user: getent passwd / id output, the on-host hash comparison, and
// secrets: the password hash must never appear in a command line or a message.
import user from '../../../modules/user.js';
import type { Reply } from '../../support/fake-connection.js';
import { probeReply } from '../../support/section-replies.js';
import type { CaseFile } from '../harness.js';

const HASH = '$6$Q2vW7xTz$Cw0rWd6xY1n3pFq9Hh2sL8mKj4Tt5Uu6Vv7Ww8Xx9Yy0Zz1Aa2Bb3Cc4Dd5Ee6Ff7Gg8Hh9Ii0Jj1Kk2Ll3Mm4';
const PG = 'postgres:x:108:114:PostgreSQL administrator,,,:/var/lib/postgresql:/bin/bash\n';

function host(parts: { passwd?: string; primary?: string; all?: string; password?: string; missing?: string }): Reply {
  const s: Record<string, string | { out: string; rc: number }> = {};
  if (parts.password !== undefined) s.password = `${parts.password}\n`;
  s.passwd = parts.passwd === undefined ? { out: '', rc: 2 } : parts.passwd;
  s.primary = parts.primary ?? '';
  s.all = parts.all ?? '';
  if (parts.missing !== undefined) s.missing = parts.missing;
  return probeReply('getent passwd', s);
}

const ok: Reply = { match: /^(usermod|useradd|userdel|chpasswd)/, stdout: '' };

export default {
  module: user,
  cases: [
    {
      name: 'manual: usermod -a -G shadow postgres',
      args: { name: 'postgres', groups: ['shadow'], append: true },
      before: [host({ passwd: PG, primary: 'postgres\n', all: 'postgres ssl-cert\n', missing: '' }), ok],
      after: [host({ passwd: PG, primary: 'postgres\n', all: 'postgres ssl-cert shadow\n', missing: '' })],
      expect: { changed: true, message: /^user postgres: add to groups shadow$/, applies: [/^usermod -a -G shadow postgres$/] },
    },
    {
      name: 'append keeps other groups; already in shadow → no change',
      args: { name: 'postgres', groups: 'shadow', append: true },
      before: [host({ passwd: PG, primary: 'postgres\n', all: 'postgres ssl-cert shadow\n', missing: '' })],
      expect: { changed: false, message: /groups ssl-cert,shadow/ },
    },
    {
      name: 'manual: passwd postgres — hash differs → chpasswd -e on stdin, hash never in argv or messages',
      args: { name: 'postgres', password: HASH },
      before: [host({ password: 'differs', passwd: PG, primary: 'postgres\n', all: 'postgres ssl-cert\n' }), ok],
      after: [host({ password: 'same', passwd: PG, primary: 'postgres\n', all: 'postgres ssl-cert\n' })],
      expect: { changed: true, message: /^user postgres: set password$/, applies: [/^chpasswd -e$/], never: [HASH, 'Q2vW7xTz'] },
    },
    {
      name: 'same hash → no change, never printed',
      args: { name: 'postgres', password: HASH },
      before: [host({ password: 'same', passwd: PG, primary: 'postgres\n', all: 'postgres\n' })],
      expect: { changed: false, message: /password set/, never: [HASH] },
    },
    {
      name: 'update_password on_create leaves an existing hash alone',
      args: { name: 'postgres', password: HASH, update_password: 'on_create' },
      before: [host({ password: 'differs', passwd: PG, primary: 'postgres\n', all: 'postgres\n' })],
      expect: { changed: false, message: /password kept/, never: [HASH] },
    },
    {
      name: 'new system user with groups, shell, home and password',
      args: { name: 'pgpool', system: true, groups: 'postgres,shadow', shell: '/usr/sbin/nologin', home: '/var/lib/pgpool', comment: 'pgpool-II', password: HASH },
      before: [host({ password: 'nouser', missing: '' }), ok],
      after: [
        host({
          password: 'same',
          passwd: 'pgpool:x:998:998:pgpool-II:/var/lib/pgpool:/usr/sbin/nologin\n',
          primary: 'pgpool\n',
          all: 'pgpool postgres shadow\n',
          missing: '',
        }),
      ],
      expect: {
        changed: true,
        message: /^create user pgpool in groups postgres, shadow, with password$/,
        applies: [/^useradd -r -s \/usr\/sbin\/nologin -d \/var\/lib\/pgpool -m -c pgpool-II -G postgres,shadow pgpool$/, /^chpasswd -e$/],
        never: [HASH],
      },
    },
    {
      name: 'exact groups without append: extra groups removed',
      args: { name: 'postgres', groups: ['shadow'], shell: '/bin/bash' },
      before: [host({ passwd: PG, primary: 'postgres\n', all: 'postgres ssl-cert shadow\n', missing: '' }), ok],
      after: [host({ passwd: PG, primary: 'postgres\n', all: 'postgres shadow\n', missing: '' })],
      expect: { changed: true, message: /groups ssl-cert,shadow → shadow/, applies: [/^usermod -G shadow postgres$/] },
    },
    {
      name: 'absent removes an existing user',
      args: { name: 'olduser', state: 'absent' },
      before: [host({ passwd: 'olduser:x:1001:1001::/home/olduser:/bin/sh\n' }), ok],
      after: [host({})],
      expect: { changed: true, applies: [/^userdel olduser$/] },
    },
  ],
} satisfies CaseFile;
