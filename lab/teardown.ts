// Removing a lab, including what an earlier (killed) run left: processes by recorded pid, the
// lab's cgroups, mounts under the hosts dir, namespaces, veths, the bridge and the hosts' files.
// The base cache, the client key and the hosts' SSH host keys stay.
import { existsSync, readdirSync, rmSync } from 'node:fs';
import { removeCgroups } from './cgroups.js';
import { stopContainer } from './hosts.js';
import { removeTree } from './mounts.js';
import { removeNetwork } from './network.js';
import { HOSTS_DIR, KNOWN_HOSTS_FILE, LAB_FILE } from './paths.js';

export async function teardownLab(): Promise<void> {
  rmSync(LAB_FILE, { force: true }); // first: from here on the lab no longer counts as up
  const hosts = existsSync(HOSTS_DIR) ? readdirSync(HOSTS_DIR) : [];
  await Promise.all(hosts.map((h) => stopContainer(h)));
  await removeCgroups();
  await removeNetwork();
  await removeTree(HOSTS_DIR); // unmounts the overlays first
  rmSync(KNOWN_HOSTS_FILE, { force: true });
}
