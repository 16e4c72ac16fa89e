// One lab host: an overlay of the base, booted with systemd by a detached systemd-nspawn in the
// host's network namespace.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import {
  chmodSync, closeSync, copyFileSync, existsSync, mkdirSync, openSync, readdirSync, readFileSync, rmSync,
  statSync, writeFileSync,
} from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import { type LabHost, netnsName } from './addresses.js';
import { createHostCgroups, removeCgroups } from './cgroups.js';
import { mountOverlay, removeTree } from './mounts.js';
import { hostPaths } from './paths.js';
import { containerInit, isHostNspawn, kill, processAlive, waitForExit } from './processes.js';
import { exec, LabError, run } from './run.js';

/** Creates the host's overlay over the base and writes what makes the host itself. */
export async function prepareHost(h: LabHost, base: string, authorizedKey: string): Promise<void> {
  const p = hostPaths(h.name);
  for (const d of [p.upper, p.work, p.root]) mkdirSync(d, { recursive: true });
  if (!existsSync(join(p.hostKeys, 'etc/ssh/ssh_host_ed25519_key'))) {
    mkdirSync(join(p.hostKeys, 'etc/ssh'), { recursive: true });
    await run('ssh-keygen', ['-A', '-f', p.hostKeys]);
  }
  await mountOverlay(base, p.upper, p.work, p.root);
  const at = (f: string) => join(p.root, f);
  writeFileSync(at('etc/hostname'), `${h.name}\n`);
  writeFileSync(at('etc/machine-id'), `${randomBytes(16).toString('hex')}\n`);
  const keyDir = join(p.hostKeys, 'etc/ssh');
  for (const f of readdirSync(keyDir)) {
    copyFileSync(join(keyDir, f), at(`etc/ssh/${f}`));
    chmodSync(at(`etc/ssh/${f}`), statSync(join(keyDir, f)).mode & 0o777);
  }
  mkdirSync(at('root/.ssh'), { recursive: true, mode: 0o700 });
  writeFileSync(at('root/.ssh/authorized_keys'), authorizedKey, { mode: 0o600 });
}

/** Starts the container detached (own session, console to a log file) and records its pid. */
export function startContainer(h: LabHost): number {
  const p = hostPaths(h.name);
  const out = openSync(p.logFile, 'w');
  const cgroupProcs = createHostCgroups(h.name);
  // sh moves itself into the host's cgroups and then becomes the nspawn: the pid stays the same
  const enterCgroups = 'while [ "$1" != -- ]; do echo $$ > "$1"; shift; done; shift; exec "$@"';
  const child = spawn('sh', ['-c', enterCgroups, 'sh', ...cgroupProcs, '--', 'systemd-nspawn',
    '--quiet', '--keep-unit', '--register=no', '--boot', `--machine=${h.name}`, `--directory=${p.root}`,
    `--network-namespace-path=/run/netns/${netnsName(h.name)}`,
    // ufw (iptables) inside the host
    '--capability=CAP_NET_ADMIN,CAP_NET_RAW',
    '--resolv-conf=off', '--timezone=off', '--link-journal=no', '--console=read-only',
  ], { detached: true, stdio: ['ignore', out, out] });
  closeSync(out);
  child.unref();
  if (child.pid === undefined) throw new LabError(`${h.name}: cannot start systemd-nspawn`);
  writeFileSync(p.pidFile, `${child.pid}\n`);
  return child.pid;
}

/** The recorded nspawn pid, if it still is this host's nspawn. */
export function runningPid(host: string): number | undefined {
  try {
    const pid = Number(readFileSync(hostPaths(host).pidFile, 'utf8').trim());
    return pid > 0 && processAlive(pid) && isHostNspawn(pid, host) ? pid : undefined;
  } catch {
    return undefined;
  }
}

/** The host's init (pid 1 inside), the way into its namespaces even while it is cut off. */
export function hostInitPid(host: string): number | undefined {
  const pid = runningPid(host);
  return pid === undefined ? undefined : containerInit(pid);
}

/**
 * What nspawn leaves in /run/systemd/nspawn after it exits when /run is not a tmpfs (as here):
 * it refuses to delete there. Its image lock is named after the root's device and inode.
 */
export function nspawnLeftovers(host: string): string[] {
  const files = [`/run/systemd/nspawn/propagate/${host}`];
  try {
    const st = statSync(hostPaths(host).root);
    files.push(`/run/systemd/nspawn/locks/inode-${st.dev}:${st.ino}`);
  } catch {
    // no root, so no lock either
  }
  return files;
}

/** Ends the host's container: SIGKILL to its init ends every process in it, then nspawn exits. */
export async function stopContainer(host: string): Promise<void> {
  const p = hostPaths(host);
  const leftovers = nspawnLeftovers(host);
  const pid = runningPid(host);
  if (pid !== undefined) {
    const init = containerInit(pid);
    if (init !== undefined) kill(init, 'SIGKILL');
    else kill(pid, 'SIGTERM');
    if (!(await waitForExit(pid, 5000))) {
      kill(pid, 'SIGKILL');
      if (!(await waitForExit(pid, 2000))) throw new LabError(`${host}: systemd-nspawn (pid ${pid}) does not exit`);
    }
  }
  rmSync(p.pidFile, { force: true });
  for (const f of leftovers) rmSync(f, { recursive: true, force: true });
  await removeCgroups(host);
}

/** Removes the host's overlay (its changes) and console log. */
export async function removeHostFiles(host: string): Promise<void> {
  await removeTree(hostPaths(host).dir);
}

function tail(file: string): string {
  try {
    return readFileSync(file, 'utf8').split('\n').slice(-20).join('\n');
  } catch {
    return '(no console log)';
  }
}

function portOpen(address: string, port: number, timeoutMs: number): Promise<boolean> {
  return new Promise((resolve) => {
    const sock = connect({ host: address, port, timeout: timeoutMs });
    const done = (ok: boolean) => {
      sock.destroy();
      resolve(ok);
    };
    sock.once('connect', () => done(true));
    sock.once('timeout', () => done(false));
    sock.once('error', () => done(false));
  });
}

export function sshAnswers(h: LabHost): Promise<boolean> {
  return portOpen(h.address, 22, 500);
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Waits (bounded) for the host's sshd to accept connections; fails early if nspawn died. */
export async function waitForSsh(h: LabHost, pid: number, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (!processAlive(pid)) {
      throw new LabError(`${h.name}: systemd-nspawn exited while booting; console:\n${tail(hostPaths(h.name).logFile)}`);
    }
    if (await portOpen(h.address, 22, 300)) return;
    if (Date.now() > deadline) {
      throw new LabError(`${h.name}: sshd on ${h.address}:22 did not answer within ${timeoutMs / 1000} s; console:\n${tail(hostPaths(h.name).logFile)}`);
    }
    await sleep(100);
  }
}

/** The host's keys as known_hosts lines, scanned from its lab address and checked against ours. */
export async function scanHostKeys(h: LabHost): Promise<string[]> {
  const r = await exec('ssh-keyscan', ['-T', '5', '-t', 'ed25519,ecdsa,rsa', h.address]);
  const lines = r.stdout.split('\n').filter((l) => l.startsWith(`${h.address} `));
  const ours = readFileSync(join(hostPaths(h.name).hostKeys, 'etc/ssh/ssh_host_ed25519_key.pub'), 'utf8').split(' ')[1];
  if (!lines.some((l) => l.split(' ')[2] === ours)) {
    throw new LabError(`${h.name}: ssh-keyscan ${h.address} did not return the host's ed25519 key: ${r.stderr.trim() || r.stdout.trim() || 'no answer'}`);
  }
  return lines;
}
