// The lab needs Linux, root and a few Debian tools; missing tools are installed with apt-get.
import { accessSync, constants } from 'node:fs';
import { join } from 'node:path';
import { LabError, run } from './run.js';

/** The tools the lab runs on the machine, and the Debian package of each. */
const TOOLS: Record<string, string> = {
  debootstrap: 'debootstrap',
  'systemd-nspawn': 'systemd-container',
  ip: 'iproute2',
  ssh: 'openssh-client',
  'ssh-keygen': 'openssh-client',
  'ssh-keyscan': 'openssh-client',
  flock: 'util-linux',
  nsenter: 'util-linux',
  mount: 'mount',
  sysctl: 'procps',
};

export function assertRootOnLinux(): void {
  if (process.platform !== 'linux') {
    throw new LabError(`tsplay lab needs Linux (systemd-nspawn, network namespaces, overlayfs); this is ${process.platform}`);
  }
  if (process.getuid?.() !== 0) {
    throw new LabError('tsplay lab needs root (it mounts overlays, creates network namespaces and a bridge, runs systemd-nspawn): run it as root, e.g. sudo tsplay lab up');
  }
}

function onPath(tool: string): boolean {
  const dirs = (process.env.PATH ?? '').split(':').concat(['/usr/sbin', '/sbin', '/usr/bin', '/bin']);
  return dirs.some((d) => {
    try {
      accessSync(join(d, tool), constants.X_OK);
      return true;
    } catch {
      return false;
    }
  });
}

export async function ensureTools(log: (s: string) => void): Promise<void> {
  const missing = [...new Set(Object.keys(TOOLS).filter((t) => !onPath(t)).map((t) => TOOLS[t]!))];
  if (missing.length === 0) return;
  log(`installing ${missing.join(', ')} with apt-get`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  await run('apt-get', ['update', '-q'], { env });
  await run('apt-get', ['install', '-y', '-q', '--no-install-recommends', ...missing], { env });
}
