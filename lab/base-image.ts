// The base root file system of one Debian release: debootstrapped once, with systemd, sshd and
// a filled apt cache so that hosts install PostgreSQL, pgpool2 and ufw for real, offline.
// Built under a lock into a temp dir that is renamed into place when complete.
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { UsageError } from '../engine/errors.js';
import { withLock } from './lock.js';
import { removeTree } from './mounts.js';
import { BASE_ROOT, baseDir } from './paths.js';
import { addAstraLike, addAstraPgHba } from './astra-like.js';
import { addPostgres10, createHostCluster } from './postgres10.js';
import { run, runLogged } from './run.js';

/**
 * What each release ships of what the playbooks manage. bookworm-pg10 is a flavour: the
 * bookworm base with PostgreSQL 10 instead of 15 (lab/postgres10.ts) and Astra-like details
 * (lab/astra-like.ts).
 */
export const RELEASES = {
  bullseye: { postgres: '13' },
  bookworm: { postgres: '15' },
  trixie: { postgres: '17' },
  'bookworm-pg10': { postgres: '10' },
} as const;
export type Release = keyof typeof RELEASES;
export const DEFAULT_RELEASE: Release = 'bookworm';

export function parseRelease(name: string | undefined): Release {
  const r = name ?? DEFAULT_RELEASE;
  if (!(r in RELEASES)) throw new UsageError(`lab: unknown release '${r}' (one of ${Object.keys(RELEASES).join(', ')})`);
  return r as Release;
}

const MIRROR = 'http://deb.debian.org/debian';
/** Bumped when the recipe below changes: an older base is rebuilt. */
const RECIPE = 3;
const STAMP = 'etc/tsplay-lab-base';

/** Installed in the base. python3 is not: the hosts are agentless targets, like the manual's. */
const BASE_PACKAGES = [
  'systemd', 'systemd-sysv', 'dbus', 'libnss-myhostname', 'openssh-server', 'sudo', 'acl', 'rsync',
  'iproute2', 'iputils-ping', 'procps',
];

/** Downloaded into the base's apt cache (not installed): what the playbooks install. */
function cachedPackages(release: Release): string[] {
  const pg = RELEASES[release].postgres;
  return [
    'ssh', 'rsync', 'sudo', 'acl', 'postgresql', 'postgresql-contrib', 'postgresql-client',
    `postgresql-${pg}-pgpool2`, 'pgpool2', 'ufw', 'iptables',
    // for running Ansible against the lab (the benchmark): `apt-get install python3` works offline
    'python3',
  ];
}

/** Timers and gettys that only cost boot time or would try to reach the outside. */
const MASKED_UNITS = [
  'apt-daily.timer', 'apt-daily-upgrade.timer', 'e2scrub_all.timer', 'e2scrub_reap.service',
  'fstrim.timer', 'console-getty.service', 'systemd-timesyncd.service',
];

function stampOf(release: Release): string {
  return `tsplay lab base recipe ${RECIPE} ${release}\n`;
}

function isComplete(release: Release): boolean {
  try {
    return readFileSync(join(baseDir(release), STAMP), 'utf8') === stampOf(release);
  } catch {
    return false;
  }
}

/** Returns the base root of a release, building it first if needed. */
export async function ensureBase(release: Release, log: (s: string) => void): Promise<string> {
  if (isComplete(release)) return baseDir(release);
  return withLock(`base-${release}`, log, async () => {
    // another process may have built it while we waited for the lock
    if (!isComplete(release)) await buildBase(release, log);
    return baseDir(release);
  });
}

async function buildBase(release: Release, log: (s: string) => void): Promise<void> {
  mkdirSync(BASE_ROOT, { recursive: true });
  const tmp = join(BASE_ROOT, `.${release}.tmp`);
  const logFile = join(BASE_ROOT, `${release}.build.log`);
  await removeTree(tmp); // an interrupted earlier build
  rmSync(logFile, { force: true });
  const started = Date.now();
  if (release === 'bookworm-pg10') await copyWithPostgres10(tmp, logFile, log);
  else await debootstrapBase(release, tmp, logFile, log);
  writeFileSync(join(tmp, STAMP), stampOf(release));
  const dir = baseDir(release);
  if (existsSync(dir)) {
    const old = join(BASE_ROOT, `.${release}.old`);
    await removeTree(old);
    renameSync(dir, old);
    await removeTree(old);
  }
  renameSync(tmp, dir);
  log(`${release} base built in ${((Date.now() - started) / 1000).toFixed(0)} s`);
}

/** The bookworm base (built first if needed), copied, with PostgreSQL 10 and Astra's look. */
async function copyWithPostgres10(tmp: string, logFile: string, log: (s: string) => void): Promise<void> {
  const bookworm = await ensureBase('bookworm', log);
  log('copying the bookworm base and adding PostgreSQL 10 and the Astra-like details');
  await run('cp', ['-a', '--reflink=auto', bookworm, tmp]);
  await addPostgres10(tmp, log, logFile);
  addAstraLike(tmp);
}

/**
 * What a host of the release gets in its own root before it boots, beyond what every host gets
 * (lab/hosts.ts prepareHost): bookworm-pg10's hosts create their cluster, as a package install would.
 */
export async function prepareReleaseHost(release: Release, host: string, root: string): Promise<void> {
  if (release !== 'bookworm-pg10') return;
  await createHostCluster(host, root);
  addAstraPgHba(root);
}

async function debootstrapBase(release: Release, tmp: string, logFile: string, log: (s: string) => void): Promise<void> {
  const started = Date.now();
  log(`building the ${release} base (debootstrap; log: ${logFile})`);
  await runLogged('debootstrap', [
    '--variant=minbase', `--include=${BASE_PACKAGES.join(',')}`, '--components=main',
    release, tmp, MIRROR,
  ], logFile);
  log(`debootstrap done in ${((Date.now() - started) / 1000).toFixed(0)} s; filling the apt cache`);
  await runLogged('systemd-nspawn', [
    '--quiet', '--register=no', '--keep-unit', `--directory=${tmp}`, '--resolv-conf=copy-host',
    '--timezone=off', '--link-journal=no', '--setenv=DEBIAN_FRONTEND=noninteractive', '--pipe', '--',
    '/bin/sh', '-c',
    `apt-get update -q && apt-get install -y -q --download-only ${cachedPackages(release).join(' ')}`,
  ], logFile);
  configureBase(tmp);
}

/** What every host shares; per-host files (hostname, machine-id, keys) are written at start. */
function configureBase(root: string): void {
  const at = (p: string) => join(root, p);
  // host keys are per host, generated by the lab
  for (const f of ['rsa', 'ecdsa', 'ed25519']) {
    rmSync(at(`etc/ssh/ssh_host_${f}_key`), { force: true });
    rmSync(at(`etc/ssh/ssh_host_${f}_key.pub`), { force: true });
  }
  writeFileSync(at('etc/machine-id'), '');
  // no DNS: the lab network reaches nothing outside; names come from /etc/hosts (the playbooks')
  rmSync(at('etc/resolv.conf'), { force: true });
  writeFileSync(at('etc/resolv.conf'), '# tsplay lab: isolated test network, no DNS server\n');
  writeFileSync(at('etc/hosts'), [
    '127.0.0.1\tlocalhost', '', '# The following lines are desirable for IPv6 capable hosts',
    '::1     localhost ip6-localhost ip6-loopback', 'ff02::1 ip6-allnodes', 'ff02::2 ip6-allrouters', '',
  ].join('\n'));
  // a UTF-8 locale for ssh sessions (pam_env) and services, so clusters are created in UTF8
  writeFileSync(at('etc/default/locale'), 'LANG=C.UTF-8\n');
  writeFileSync(at('etc/locale.conf'), 'LANG=C.UTF-8\n');
  for (const unit of MASKED_UNITS) {
    rmSync(at(`etc/systemd/system/${unit}`), { force: true });
    symlinkSync('/dev/null', at(`etc/systemd/system/${unit}`));
  }
  createParsecDbs(root);
}

/**
 * Astra Linux SE's mandatory-access databases, which the manual grants postgres read access to
 * with setfacl. Only root can read them here, so the ACLs are what grants postgres access.
 */
function createParsecDbs(root: string): void {
  const users = [['0', 'root'], ['1', 'daemon'], ['100', 'systemd-network']];
  mkdirSync(join(root, 'etc/parsec'), { mode: 0o755 });
  for (const db of ['macdb', 'capdb']) {
    const dir = join(root, 'etc/parsec', db);
    mkdirSync(dir, { mode: 0o700 });
    for (const [uid, name] of users) {
      const line = db === 'macdb' ? `${name}:0:0x0:0:0x0\n` : `${name}:0x0:0x0\n`;
      writeFileSync(join(dir, uid!), line, { mode: 0o600 });
    }
  }
}
