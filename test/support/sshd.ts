// A private OpenSSH server on 127.0.0.1 for integration tests: its own host key, config,
// authorized keys and pid file in a temp dir, started in the foreground (-D -e) so its log is
// ours to read and its pid ours to stop. Plus a login user whose sudo needs a password.
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { homedir, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

const SSHD = '/usr/sbin/sshd';
/** The one address these tests may contact. */
export const LOOPBACK = '127.0.0.1';

export interface TestSshd {
  port: number;
  /** The listening sshd (its sessions are its children). */
  pid: number;
  dir: string;
  /** The server's public host key: `ssh-ed25519 AAAA…`. */
  hostKey: string;
  /** Every host key of the server by type ('ed25519' and those asked for): `type AAAA…`. */
  hostKeys: Record<string, string>;
  /** A known_hosts file that holds the server's key. */
  knownHostsFile: string;
  /** A key sshd accepts (for every user), and one it does not. */
  clientKeyFile: string;
  wrongKeyFile: string;
  /** sshd's log so far (it logs to stderr with -e). */
  log(): string;
  stop(): Promise<void>;
}

function keygen(file: string, comment: string, type = 'ed25519'): void {
  execFileSync('ssh-keygen', ['-q', '-t', type, '-N', '', '-C', comment, '-f', file], { stdio: 'ignore' });
}

/** Public key text of a key file: `type base64`. */
const publicKey = (file: string): string => readFileSync(`${file}.pub`, 'utf8').trim().split(/\s+/).slice(0, 2).join(' ');

export interface SshdOptions {
  /** Host key types beside ed25519 (which is always first): 'ecdsa', 'rsa'. */
  moreHostKeys?: ('ecdsa' | 'rsa')[];
}

function portIsFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const srv = createServer();
    srv.once('error', () => resolve(false));
    srv.listen(port, LOOPBACK, () => srv.close(() => resolve(true)));
  });
}

/** A port on 127.0.0.1 that nothing listens on (for "connection refused"). */
export async function closedPort(): Promise<number> {
  const srv = createServer();
  await new Promise<void>((resolve) => srv.listen(0, LOOPBACK, resolve));
  const port = (srv.address() as { port: number }).port;
  await new Promise<void>((resolve) => srv.close(() => resolve()));
  return port;
}

/** Starts sshd on the first free port of 2200-2299 and waits until it listens. */
export async function startSshd(o: SshdOptions = {}): Promise<TestSshd> {
  const dir = mkdtempSync(join(tmpdir(), 'tsplay-sshd-'));
  // sshd reads authorized keys as the logging-in user, so the unprivileged one must reach them.
  chmodSync(dir, 0o755);
  keygen(join(dir, 'host_ed25519'), 'tsplay-test-host');
  keygen(join(dir, 'client'), 'tsplay-test-client');
  keygen(join(dir, 'wrong'), 'tsplay-test-wrong');
  const authorized = join(dir, 'authorized_keys');
  writeFileSync(authorized, readFileSync(join(dir, 'client.pub')), { mode: 0o644 });
  chmodSync(authorized, 0o644);
  const hostKey = publicKey(join(dir, 'host_ed25519'));
  const hostKeys: Record<string, string> = { ed25519: hostKey };
  for (const t of o.moreHostKeys ?? []) {
    keygen(join(dir, `host_${t}`), 'tsplay-test-host', t);
    hostKeys[t] = publicKey(join(dir, `host_${t}`));
  }
  // The privilege separation directory; Debian creates it only when its service starts.
  mkdirSync('/run/sshd', { recursive: true, mode: 0o755 });

  for (let port = 2200; port < 2300; port++) {
    if (!(await portIsFree(port))) continue;
    const config = join(dir, 'sshd_config');
    writeFileSync(
      config,
      [
        `ListenAddress ${LOOPBACK}`,
        `Port ${port}`,
        ...Object.keys(hostKeys).map((t) => `HostKey ${join(dir, `host_${t}`)}`),
        `AuthorizedKeysFile ${authorized}`,
        `PidFile ${join(dir, 'sshd.pid')}`,
        'UsePAM no',
        'StrictModes no',
        'MaxSessions 10',
        'PasswordAuthentication no',
        'KbdInteractiveAuthentication no',
        'PermitRootLogin prohibit-password',
        'LogLevel INFO',
        '',
      ].join('\n'),
    );
    const child = spawn(SSHD, ['-D', '-e', '-f', config], { stdio: ['ignore', 'ignore', 'pipe'] });
    let log = '';
    child.stderr!.on('data', (b: Buffer) => (log += b.toString('utf8')));
    if (await listening(child, () => log, port)) {
      const knownHostsFile = join(dir, 'known_hosts');
      writeFileSync(knownHostsFile, `[${LOOPBACK}]:${port} ${hostKey}\n`);
      return {
        port,
        pid: child.pid!,
        dir,
        hostKey,
        hostKeys,
        knownHostsFile,
        clientKeyFile: join(dir, 'client'),
        wrongKeyFile: join(dir, 'wrong'),
        log: () => log,
        stop: () => stopChild(child, dir),
      };
    }
    if (!/Address already in use/.test(log)) {
      await stopChild(child, dir);
      throw new Error(`sshd did not start:\n${log}`);
    }
  }
  rmSync(dir, { recursive: true, force: true });
  throw new Error('no free port for sshd in 2200-2299');
}

function listening(child: ChildProcess, log: () => string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const deadline = Date.now() + 10_000;
    const poll = (): void => {
      if (log().includes(`Server listening on ${LOOPBACK} port ${port}`)) resolve(true);
      else if (child.exitCode !== null || Date.now() > deadline) resolve(false);
      else setTimeout(poll, 20);
    };
    poll();
  });
}

async function stopChild(child: ChildProcess, dir: string): Promise<void> {
  // A test may have killed it already: then there is no exit to wait for.
  if (child.exitCode === null && child.signalCode === null && child.pid) {
    const exited = new Promise((resolve) => child.once('exit', resolve));
    process.kill(child.pid, 'SIGTERM');
    await exited;
  }
  rmSync(dir, { recursive: true, force: true });
}

export interface BecomeUser {
  user: string;
  password: string;
  /** Removes this run's sudoers rule (the user itself stays, as a harmless system account). */
  cleanup(): void;
}

const USER = 'tsplaytest';
/** The user's password, kept root-only so that test runs going on at once agree on it. */
const PASSWORD_FILE = join(homedir(), '.cache', 'tsplay', `${USER}-password`);

/**
 * The user `tsplaytest`, allowed to sudo to root only with its password and to `nobody`
 * without one (so both kinds of rule are exercised). Each run adds its own sudoers file, so
 * one run's cleanup cannot pull the rule from under another.
 */
export function ensureBecomeUser(): BecomeUser {
  if (!existsSync('/usr/bin/sudo')) execFileSync('apt-get', ['install', '-y', 'sudo'], { stdio: 'ignore' });
  let created = false;
  try {
    execFileSync('id', [USER], { stdio: 'ignore' });
  } catch {
    execFileSync('useradd', ['-m', '-s', '/bin/sh', USER], { stdio: 'ignore' });
    created = true;
  }
  let password = existsSync(PASSWORD_FILE) ? readFileSync(PASSWORD_FILE, 'utf8').trim() : '';
  if (created || !password) {
    password = `tsplay-${randomBytes(12).toString('base64url')}`;
    mkdirSync(dirname(PASSWORD_FILE), { recursive: true, mode: 0o700 });
    writeFileSync(`${PASSWORD_FILE}.${process.pid}`, `${password}\n`, { mode: 0o600 });
    execFileSync('chpasswd', { input: `${USER}:${password}\n` });
    renameSync(`${PASSWORD_FILE}.${process.pid}`, PASSWORD_FILE);
  }

  const rule = `${USER} ALL=(root) ALL\n${USER} ALL=(nobody) NOPASSWD: ALL\n`;
  // Checked by visudo before it goes live: a broken file in sudoers.d breaks all of sudo.
  const staging = mkdtempSync(join(tmpdir(), 'tsplay-sudoers-'));
  try {
    writeFileSync(join(staging, 'rule'), rule, { mode: 0o440 });
    execFileSync('visudo', ['-c', '-q', '-f', join(staging, 'rule')]);
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
  // sudo skips files in sudoers.d whose names hold a dot, so the pid joins with a dash.
  const sudoers = `/etc/sudoers.d/${USER}-${process.pid}`;
  writeFileSync(sudoers, rule, { mode: 0o440 });
  return { user: USER, password, cleanup: () => rmSync(sudoers, { force: true }) };
}
