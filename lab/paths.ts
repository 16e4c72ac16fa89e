// Where the lab keeps its state on the machine. Fixed absolute paths: inventory/lab.yml names
// the key and known_hosts files by these paths.
import { join } from 'node:path';

export const STATE_DIR = '/var/lib/tsplay/lab';
/** One debootstrapped root file system per Debian release, shared read-only by the hosts. */
export const BASE_ROOT = join(STATE_DIR, 'base');
export const HOSTS_DIR = join(STATE_DIR, 'hosts');
export const LOCK_DIR = join(STATE_DIR, 'locks');
/** The running lab: release and hosts (written once the lab is up). */
export const LAB_FILE = join(STATE_DIR, 'lab.json');
export const KEY_FILE = join(STATE_DIR, 'id_ed25519');
export const KNOWN_HOSTS_FILE = join(STATE_DIR, 'known_hosts');
/** Each host's SSH host keys, kept like the client key so that known_hosts stays valid. */
const HOST_KEYS_DIR = join(STATE_DIR, 'hostkeys');

export function baseDir(release: string): string {
  return join(BASE_ROOT, release);
}

export interface HostPaths {
  dir: string;
  /** The overlay's upper and work dirs: everything the host changes lands in `upper`. */
  upper: string;
  work: string;
  /** The merged root file system the container boots from. */
  root: string;
  /** The host's own SSH host keys (kept across reset, down and up), as DIR/etc/ssh/ssh_host_*. */
  hostKeys: string;
  /** The pid of the host's systemd-nspawn process. */
  pidFile: string;
  /** systemd-nspawn's output: the container's console. */
  logFile: string;
}

export function hostPaths(name: string): HostPaths {
  const dir = join(HOSTS_DIR, name);
  return {
    dir,
    upper: join(dir, 'upper'),
    work: join(dir, 'work'),
    root: join(dir, 'root'),
    hostKeys: join(HOST_KEYS_DIR, name),
    pidFile: join(dir, 'nspawn.pid'),
    logFile: join(dir, 'console.log'),
  };
}
