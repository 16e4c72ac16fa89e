// The lab's SSH client side: one generated key for root on every host, and the known_hosts
// file that inventory/lab.yml names.
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import type { LabHost } from './addresses.js';
import { KEY_FILE, KNOWN_HOSTS_FILE, STATE_DIR } from './paths.js';
import { run } from './run.js';

/** Creates the key on first use; returns the public key (an authorized_keys line). */
export async function ensureKey(): Promise<string> {
  if (!existsSync(KEY_FILE)) {
    mkdirSync(STATE_DIR, { recursive: true });
    await run('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', 'tsplay-lab', '-f', KEY_FILE]);
  }
  return readFileSync(`${KEY_FILE}.pub`, 'utf8');
}

/** Arguments for the system ssh client to log into a lab host as root, verifying its host key. */
export function sshArgs(h: LabHost): string[] {
  return [
    '-i', KEY_FILE, '-o', 'IdentitiesOnly=yes', '-o', `UserKnownHostsFile=${KNOWN_HOSTS_FILE}`,
    '-o', 'GlobalKnownHostsFile=/dev/null', '-o', 'StrictHostKeyChecking=yes', '-o', 'ConnectTimeout=5',
    '-o', 'LogLevel=ERROR', `root@${h.address}`,
  ];
}
