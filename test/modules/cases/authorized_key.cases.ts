// Fixture cases for authorized_key: getent passwd, stat lines and file content as read in one probe.
import authorizedKey from '../../../modules/authorized_key.js';
import type { Reply } from '../../support/fake-connection.js';
import { probeReply } from '../../support/section-replies.js';
import type { CaseFile } from '../harness.js';
import { type FakePath, statOutput } from './file-replies.js';

const MASTER = 'ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAABgQDUyDA0fjMJ+7EfAW64u7ijyVsKIrsgNkutSnuZbGLcct04c6w3 postgres@master';
const SLAVE = 'ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAABgQC7m0gT6VZ5cZ9lQ8p1Cq2W3Yb4Hn5Jk6Lm7Np8Qr9St0Uv1Wx2 postgres@slave';
const BALANCER = 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIDyo2FYuyjvIGGzrSP1/Sgdg3e6zc4J3bFu8pFvjPRBU root@balancer';
const pg = { owner: 'postgres', group: 'postgres', uid: 108, gid: 114 };

function host(dir: FakePath, file: FakePath, content = ''): Reply {
  return probeReply('getent passwd postgres', {
    passwd: 'postgres:x:108:114:PostgreSQL administrator,,,:/var/lib/postgresql:/bin/bash\n',
    group: 'postgres\n',
    dir: statOutput(dir),
    file: statOutput(file),
    content,
  });
}

const write: Reply = { match: /^set -e\np=\/var\/lib\/postgresql\/\.ssh\/authorized_keys\n/, stdout: '' };
const dirFix: Reply = { match: /^mkdir -p -- \/var\/lib\/postgresql\/\.ssh && chown/, stdout: '' };

export default {
  module: authorizedKey,
  cases: [
    {
      name: 'manual: ssh-copy-id to a host without ~/.ssh — folder 0700 and file 0600, owned by postgres',
      args: { user: 'postgres', key: MASTER },
      before: [host({ kind: 'absent' }, { kind: 'absent' }), dirFix, write],
      after: [host({ ...pg, kind: 'directory', perm: 0o700 }, { ...pg, perm: 0o600 }, `${MASTER}\n`)],
      expect: {
        changed: true,
        message: /^create \/var\/lib\/postgresql\/\.ssh \(0700\); \/var\/lib\/postgresql\/\.ssh\/authorized_keys: add 1 key$/,
        applies: [
          /^mkdir -p -- \/var\/lib\/postgresql\/\.ssh && chown -- postgres \/var\/lib\/postgresql\/\.ssh && chgrp -- postgres \/var\/lib\/postgresql\/\.ssh && chmod -- 0700/,
          /chown -- postgres "\$f"\nchgrp -- postgres "\$f"\nchmod -- 0600 "\$f"/,
        ],
      },
    },
    {
      name: 'key already there (another comment is fine when the task line has the same one) → no change',
      args: { user: 'postgres', key: [MASTER, SLAVE] },
      before: [host({ ...pg, kind: 'directory', perm: 0o700 }, { ...pg, perm: 0o600 }, `${BALANCER}\n${SLAVE}\n${MASTER}\n`)],
      expect: { changed: false, message: /^2 keys already in \/var\/lib\/postgresql\/\.ssh\/authorized_keys$/ },
    },
    {
      name: 'a key line with options is replaced, others kept',
      args: { user: 'postgres', key: MASTER },
      before: [host({ ...pg, kind: 'directory', perm: 0o700 }, { ...pg, perm: 0o600 }, `${BALANCER}\nfrom="10.0.0.1" ${MASTER}\n`), write],
      after: [host({ ...pg, kind: 'directory', perm: 0o700 }, { ...pg, perm: 0o600 }, `${BALANCER}\n${MASTER}\n`)],
      expect: { changed: true, message: /: replace 1 key$/ },
    },
    {
      name: 'exclusive keeps only the given keys',
      args: { user: 'postgres', key: `${MASTER}\n${SLAVE}`, exclusive: true },
      before: [host({ ...pg, kind: 'directory', perm: 0o700 }, { ...pg, perm: 0o600 }, `${BALANCER}\n${MASTER}\n`), write],
      after: [host({ ...pg, kind: 'directory', perm: 0o700 }, { ...pg, perm: 0o600 }, `${MASTER}\n${SLAVE}\n`)],
      expect: { changed: true, message: /: add 1 key, remove 1 key$/ },
    },
    {
      name: 'absent removes the key',
      args: { user: 'postgres', key: BALANCER, state: 'absent' },
      before: [host({ ...pg, kind: 'directory', perm: 0o700 }, { ...pg, perm: 0o600 }, `${BALANCER}\n${MASTER}\n`), write],
      after: [host({ ...pg, kind: 'directory', perm: 0o700 }, { ...pg, perm: 0o600 }, `${MASTER}\n`)],
      expect: { changed: true, message: /: remove 1 key$/ },
    },
    {
      name: 'a group-writable file gets mode 0600 without rewriting it',
      args: { user: 'postgres', key: MASTER },
      before: [host({ ...pg, kind: 'directory', perm: 0o700 }, { ...pg, perm: 0o664 }, `${MASTER}\n`), { match: /^chown -- postgres \/var\/lib\/postgresql\/\.ssh\/authorized_keys/, stdout: '' }],
      after: [host({ ...pg, kind: 'directory', perm: 0o700 }, { ...pg, perm: 0o600 }, `${MASTER}\n`)],
      expect: { changed: true, message: /^\/var\/lib\/postgresql\/\.ssh\/authorized_keys: mode 0664 → 0600$/, applies: [/chmod -- 0600 \/var\/lib\/postgresql\/\.ssh\/authorized_keys$/] },
    },
  ],
} satisfies CaseFile;
