// What identifies a kept SSH connection: a run gets a kept connection only when everything that
// made it is the same — the inventory host, address, port and login user, the credentials (the
// private key's content, the password, or the agent socket when there is neither), how the
// host key is checked (the known_hosts file and the policy), and whether it runs persistent
// shells (TSPLAY_PERSISTENT_SHELL). Timeouts are not part of it. Become
// is not either: become shells are told apart inside the connection (becomeKey), by user and
// password. Secrets enter only through an HMAC under the keeper's own random key, so a key
// tells nothing about them.
import { createHash, createHmac } from 'node:crypto';
import type { SshSettings } from './ssh.js';

const sha = (s: string): string => createHash('sha256').update(s).digest('hex');

export function connectionKey(s: SshSettings, secret: Buffer): string {
  // As SshConnection authenticates: the key and the password if given, else the agent.
  const credentials = [
    s.privateKey === undefined ? null : sha(s.privateKey),
    s.password === undefined ? null : sha(s.password),
    s.privateKey === undefined && s.password === undefined ? (s.agent ?? null) : null,
  ];
  const parts = [s.name, s.address, s.port, s.user, credentials, s.knownHostsFile ?? null, s.hostKeyPolicy, s.shells ?? true];
  return createHmac('sha256', secret).update(JSON.stringify(parts)).digest('hex');
}
