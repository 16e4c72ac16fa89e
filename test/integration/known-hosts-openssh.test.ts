// Host key checking as OpenSSH does it: for each known_hosts file and policy below, the real
// `ssh` client and tsplay's SSH connection, against the same throw-away sshd on 127.0.0.1
// (host keys ed25519, ECDSA and RSA), must give the same verdict: connected, unknown host,
// changed key ("REMOTE HOST IDENTIFICATION HAS CHANGED") or revoked key, and under accept-new
// both record the key or both leave the file alone.
import { expect } from 'chai';
import { execFile, execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { SshConnection } from '../../engine/connection/ssh.js';
import type { HostKeyPolicy } from '../../engine/connection/known-hosts.js';
import { requireRootOrSkip } from '../support/root.js';
import { type BecomeUser, ensureBecomeUser, LOOPBACK, startSshd, type TestSshd } from '../support/sshd.js';

type Verdict = 'ok' | 'unknown' | 'changed' | 'revoked';

interface Keys {
  /** The server's own keys, by type. */
  ed25519: string;
  ecdsa: string;
  rsa: string;
  /** Keys of another machine. */
  otherEd25519: string;
  otherRsa: string;
  /** `[127.0.0.1]:PORT` */
  name: string;
  port: number;
}

interface Case {
  what: string;
  file: (k: Keys) => string;
  policy: Exclude<HostKeyPolicy, 'off'>;
  expect: Verdict;
  /** Under accept-new: whether the key gets recorded. */
  recorded?: boolean;
  /** The host to connect to (default 127.0.0.1). */
  host?: string;
}

/** ssh-keygen -H of one known_hosts line. */
function hashed(line: string, dir: string): string {
  const f = join(dir, 'to-hash');
  writeFileSync(f, `${line}\n`);
  execFileSync('ssh-keygen', ['-q', '-H', '-f', f], { stdio: 'ignore' });
  return readFileSync(f, 'utf8').trim();
}

describe('host keys: tsplay and OpenSSH give the same verdict (real ssh, sshd on 127.0.0.1)', function () {
  this.timeout(120_000);
  let sshd: TestSshd;
  let user: BecomeUser;
  let keys: Keys;
  let n = 0;

  before(async function () {
    requireRootOrSkip(this, 'host key tests against a real sshd');
    user = ensureBecomeUser();
    sshd = await startSshd({ moreHostKeys: ['ecdsa', 'rsa'] });
    const other = (t: string) => {
      const f = join(sshd.dir, `other_${t}`);
      execFileSync('ssh-keygen', ['-q', '-t', t, '-N', '', '-f', f], { stdio: 'ignore' });
      return readFileSync(`${f}.pub`, 'utf8').trim().split(/\s+/).slice(0, 2).join(' ');
    };
    keys = {
      ed25519: sshd.hostKeys.ed25519!,
      ecdsa: sshd.hostKeys.ecdsa!,
      rsa: sshd.hostKeys.rsa!,
      otherEd25519: other('ed25519'),
      otherRsa: other('rsa'),
      name: `[${LOOPBACK}]:${sshd.port}`,
      port: sshd.port,
    };
  });
  after(async () => {
    await sshd?.stop();
    user?.cleanup();
  });

  /** The real client's verdict, from its exit code and messages. */
  function sshVerdict(file: string, policy: Case['policy'], host: string): Promise<{ verdict: Verdict; stderr: string }> {
    const strict = policy === 'strict' ? 'yes' : 'accept-new';
    const args = [
      '-F', 'none', '-o', 'BatchMode=yes', '-o', `UserKnownHostsFile=${file}`, '-o', 'GlobalKnownHostsFile=/dev/null',
      '-o', `StrictHostKeyChecking=${strict}`, '-o', 'HashKnownHosts=no', '-o', 'UpdateHostKeys=no', '-o', 'CheckHostIP=no',
      '-o', 'IdentitiesOnly=yes', '-i', sshd.clientKeyFile, '-o', 'ConnectTimeout=10', '-p', String(sshd.port), `${user.user}@${host}`, 'true',
    ];
    return new Promise((resolve) => {
      execFile('ssh', args, { timeout: 30_000 }, (err, _out, stderr) => {
        const verdict: Verdict = !err
          ? 'ok'
          : /REMOTE HOST IDENTIFICATION HAS CHANGED/.test(stderr)
            ? 'changed'
            : /REVOKED HOST KEY/.test(stderr)
              ? 'revoked'
              : /No \S+ host key is known/.test(stderr)
                ? 'unknown'
                : (`ssh failed otherwise: ${stderr}` as Verdict);
        resolve({ verdict, stderr });
      });
    });
  }

  async function tsplayVerdict(file: string, policy: Case['policy'], host: string): Promise<{ verdict: Verdict; message: string }> {
    const c = new SshConnection({
      name: 'testbox', address: host, port: sshd.port, user: user.user, privateKeyFile: sshd.clientKeyFile,
      knownHostsFile: file, hostKeyPolicy: policy, connectTimeoutMs: 10_000,
    });
    try {
      await c.exec('true');
      return { verdict: 'ok', message: '' };
    } catch (e) {
      const message = (e as Error).message;
      const verdict: Verdict = /REMOTE HOST IDENTIFICATION HAS CHANGED/.test(message)
        ? 'changed'
        : /marked as revoked/.test(message)
          ? 'revoked'
          : /is not known/.test(message)
            ? 'unknown'
            : (`tsplay failed otherwise: ${message}` as Verdict);
      return { verdict, message };
    } finally {
      await c.close();
    }
  }

  const cases: Case[] = [
    { what: 'the exact key', file: (k) => `${k.name} ${k.ed25519}`, policy: 'strict', expect: 'ok' },
    { what: 'no entry (strict)', file: () => '', policy: 'strict', expect: 'unknown' },
    { what: 'no entry (accept-new records it)', file: () => '', policy: 'accept-new', expect: 'ok', recorded: true },
    { what: 'another key of the same type', file: (k) => `${k.name} ${k.otherEd25519}`, policy: 'accept-new', expect: 'changed', recorded: false },
    { what: 'only a key of another type, not the host\'s (the man in the middle)', file: (k) => `${k.name} ${k.otherRsa}`, policy: 'accept-new', expect: 'changed', recorded: false },
    { what: 'only a key of another type, not the host\'s (strict)', file: (k) => `${k.name} ${k.otherRsa}`, policy: 'strict', expect: 'changed' },
    { what: 'known only by its ECDSA key', file: (k) => `${k.name} ${k.ecdsa}`, policy: 'strict', expect: 'ok' },
    { what: 'known only by its RSA key', file: (k) => `${k.name} ${k.rsa}`, policy: 'strict', expect: 'ok' },
    { what: 'its ECDSA key and a foreign RSA key', file: (k) => `${k.name} ${k.otherRsa}\n${k.name} ${k.ecdsa}`, policy: 'strict', expect: 'ok' },
    { what: 'a revoked key beside the plain entry', file: (k) => `${k.name} ${k.ed25519}\n@revoked ${k.name} ${k.ed25519}`, policy: 'strict', expect: 'revoked' },
    { what: 'a revoked key, accept-new', file: (k) => `@revoked ${k.name} ${k.ed25519}`, policy: 'accept-new', expect: 'revoked', recorded: false },
    { what: 'a key revoked for every host (*)', file: (k) => `${k.name} ${k.ed25519}\n@revoked * ${k.ed25519}`, policy: 'strict', expect: 'revoked' },
    { what: 'another key revoked', file: (k) => `${k.name} ${k.ed25519}\n@revoked ${k.name} ${k.otherEd25519}`, policy: 'strict', expect: 'ok' },
    { what: 'the key as a @cert-authority only (strict)', file: (k) => `@cert-authority ${k.name} ${k.ed25519}`, policy: 'strict', expect: 'unknown' },
    { what: 'the key as a @cert-authority only (accept-new)', file: (k) => `@cert-authority ${k.name} ${k.ed25519}`, policy: 'accept-new', expect: 'ok', recorded: true },
    { what: 'an unknown @marker', file: (k) => `@trusted ${k.name} ${k.ed25519}`, policy: 'strict', expect: 'unknown' },
    { what: 'wildcard *', file: (k) => `* ${k.ed25519}`, policy: 'strict', expect: 'ok' },
    { what: 'wildcard [127.0.0.*]:port', file: (k) => `[127.0.0.*]:${k.port} ${k.ed25519}`, policy: 'strict', expect: 'ok' },
    { what: 'wildcard [127.0.0.?]:port', file: (k) => `[127.0.0.?]:${k.port} ${k.ed25519}`, policy: 'strict', expect: 'ok' },
    { what: 'wildcard that needs one more character', file: (k) => `[127.0.0.1?]:${k.port} ${k.ed25519}`, policy: 'strict', expect: 'unknown' },
    { what: 'a list holding the name', file: (k) => `db1,${k.name},db2 ${k.ed25519}`, policy: 'strict', expect: 'ok' },
    { what: 'negated names exclude the line', file: (k) => `*,!${k.name},!${LOOPBACK} ${k.ed25519}`, policy: 'strict', expect: 'unknown' },
    { what: 'a negated [host]:port, then the bare name matches *', file: (k) => `*,!${k.name} ${k.ed25519}`, policy: 'strict', expect: 'ok' },
    { what: 'a negated name: another key there is not a change', file: (k) => `*,!${k.name} ${k.otherEd25519}`, policy: 'accept-new', expect: 'ok', recorded: true },
    { what: 'only negated patterns never match', file: (k) => `![127.0.0.2]:${k.port} ${k.ed25519}`, policy: 'strict', expect: 'unknown' },
    { what: 'a hashed name', file: (k) => hashed(`${k.name} ${k.ed25519}`, sshd.dir), policy: 'strict', expect: 'ok' },
    { what: 'a hashed name with another key', file: (k) => hashed(`${k.name} ${k.otherEd25519}`, sshd.dir), policy: 'accept-new', expect: 'changed', recorded: false },
    { what: 'a hashed other name', file: (k) => hashed(`[127.0.0.2]:${k.port} ${k.ed25519}`, sshd.dir), policy: 'strict', expect: 'unknown' },
    { what: 'a broken hash', file: (k) => `|1|AAAA|BBBB ${k.ed25519}`, policy: 'strict', expect: 'unknown' },
    { what: 'the bare name (no port) with the key', file: (k) => `${LOOPBACK} ${k.ed25519}`, policy: 'strict', expect: 'ok' },
    { what: 'the bare name with another key (strict)', file: (k) => `${LOOPBACK} ${k.otherEd25519}`, policy: 'strict', expect: 'unknown' },
    { what: 'the bare name with another key (accept-new)', file: (k) => `${LOOPBACK} ${k.otherEd25519}`, policy: 'accept-new', expect: 'ok', recorded: true },
    { what: 'names compare without case', host: 'localhost', file: (k) => `[LocalHost]:${k.port} ${k.ed25519}`, policy: 'strict', expect: 'ok' },
    { what: 'a line whose key is not base64', file: (k) => `${k.name} ssh-ed25519 not!base64`, policy: 'accept-new', expect: 'ok', recorded: true },
    { what: 'a line whose type does not match its key', file: (k) => `${k.name} ssh-rsa ${k.otherEd25519.split(' ')[1]}`, policy: 'accept-new', expect: 'ok', recorded: true },
    { what: 'a commented-out line', file: (k) => `# ${k.name} ${k.otherEd25519}`, policy: 'accept-new', expect: 'ok', recorded: true },
  ];

  for (const c of cases) {
    it(`${c.what}: ${c.policy} → ${c.expect}${c.recorded === undefined ? '' : c.recorded ? ', recorded' : ', file untouched'}`, async () => {
      const text = c.file(keys);
      const content = text ? `${text}\n` : '';
      const host = c.host ?? LOOPBACK;
      const sshFile = join(sshd.dir, `kh-ssh-${++n}`);
      const ourFile = join(sshd.dir, `kh-tsplay-${n}`);
      writeFileSync(sshFile, content);
      writeFileSync(ourFile, content);
      const theirs = await sshVerdict(sshFile, c.policy, host);
      expect(theirs.verdict, `OpenSSH's verdict (the case's expectation is wrong?)\n${theirs.stderr}`).to.equal(c.expect);
      const ours = await tsplayVerdict(ourFile, c.policy, host);
      expect(ours.verdict, ours.message).to.equal(theirs.verdict);
      if (c.recorded !== undefined) {
        expect(readFileSync(sshFile, 'utf8') !== content, 'ssh recorded the key').to.equal(c.recorded);
        expect(readFileSync(ourFile, 'utf8') !== content, 'tsplay recorded the key').to.equal(c.recorded);
      }
    });
  }
});
