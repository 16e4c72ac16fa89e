// Fixture cases for ssh_keypair: stat lines, `cat KEY.pub` and `ssh-keygen -l` as OpenSSH 9 prints them.
import sshKeypair from '../../../modules/ssh_keypair.js';
import type { Reply } from '../../support/fake-connection.js';
import { probeReply } from '../../support/section-replies.js';
import type { CaseFile } from '../harness.js';
import { type FakePath, statOutput } from './file-replies.js';

const PATH = '/var/lib/postgresql/.ssh/id_rsa';
const PUB = 'ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAABgQDUyDA0fjMJ+7EfAW64u7ijyVsKIrsgNkutSnuZbGLcct04c6w3UBx5L8LLoyfWhFr7xdq6e0xO';
const FP = 'SHA256:wExgsl0BgZOVcsK/Xf/ybf8GVjegOEHfCqv039GahGk';
const pg = { owner: 'postgres', group: 'postgres', uid: 108, gid: 114 };

function host(key: FakePath, pub: FakePath, comment = 'postgres@master'): Reply {
  const info = pub.kind === 'absent' ? '' : `${PUB} ${comment}\n@@fp\n3072 ${FP} ${comment} (RSA)\n`;
  return probeReply('ssh-keygen -l -f', { key: statOutput(key), pubstat: statOutput(pub), info, keygen: '/usr/bin/ssh-keygen\n' });
}

const after = `${PUB} postgres@master\n@@fp\n3072 ${FP} postgres@master (RSA)\n`;
const ok: Reply[] = [
  // commands run as the owner, through the become wrapper
  { match: /^if \[ "\$\(id -un\)" = postgres \]/, stdout: '' },
  { match: /^chown|^chmod|^k=\$\(ssh-keygen -y/, stdout: after },
];

export default {
  module: sshKeypair,
  cases: [
    {
      name: "manual: su postgres; ssh-keygen -P '' -f ~/.ssh/id_rsa — generated as postgres",
      args: { path: PATH, owner: 'postgres', group: 'postgres' },
      before: [host({ kind: 'absent' }, { kind: 'absent' }), ...ok],
      after: [host({ ...pg, perm: 0o600 }, { ...pg, perm: 0o644 })],
      expect: {
        changed: true,
        message: /^generate a new 3072-bit rsa key pair \/var\/lib\/postgresql\/\.ssh\/id_rsa$/,
        applies: [
          // become postgres (sudo), so the key and a new ~/.ssh are theirs
          /sudo -H -n -u postgres -- \/bin\/sh -c .*ssh-keygen -q -N \S+ -t rsa -b 3072 -f \/var\/lib\/postgresql\/\.ssh\/id_rsa/,
          /^chown -- postgres \/var\/lib\/postgresql\/\.ssh\/id_rsa && chgrp -- postgres .* && chmod -- 0600 /,
        ],
      },
    },
    {
      name: 'existing key is kept and reported with its fingerprint',
      args: { path: PATH, owner: 'postgres', group: 'postgres', type: 'ed25519' },
      before: [host({ ...pg, perm: 0o600 }, { ...pg, perm: 0o644 })],
      expect: { changed: false, message: /^rsa key .* exists, SHA256:wExgsl0B.*\(ed25519 was asked; the existing key is kept\)$/ },
    },
    {
      name: 'a readable private key gets mode 0600, a missing .pub is rebuilt',
      args: { path: PATH, owner: 'postgres', group: 'postgres' },
      before: [host({ ...pg, perm: 0o644 }, { kind: 'absent' }), ...ok],
      after: [host({ ...pg, perm: 0o600 }, { ...pg, perm: 0o644 })],
      expect: {
        changed: true,
        message: /mode 0644 → 0600; rebuild .*id_rsa\.pub from the private key$/,
        applies: [/^chmod -- 0600|chmod -- 0600 \/var/, /k=\$\(ssh-keygen -y -f \/var\/lib\/postgresql\/\.ssh\/id_rsa\) && set -- \$k && printf .* > \/var\/lib\/postgresql\/\.ssh\/id_rsa\.pub/],
      },
    },
    {
      name: 'comment changed in the .pub, without ssh-keygen -c (OpenSSH 7.4 refuses it on PEM RSA keys)',
      args: { path: '/root/.ssh/id_rsa', comment: 'root@balancer' },
      before: [host({ perm: 0o600 }, { perm: 0o644 }, 'root@debian'), ...ok],
      after: [host({ perm: 0o600 }, { perm: 0o644 }, 'root@balancer')],
      expect: { changed: true, message: /^comment 'root@debian' → 'root@balancer'$/, applies: [/^k=\$\(ssh-keygen -y -f \/root\/\.ssh\/id_rsa\) && set -- \$k && printf '%s %s %s\\n' "\$1" "\$2" root@balancer > \/root\/\.ssh\/id_rsa\.pub$/] },
    },
  ],
} satisfies CaseFile;
