// playbooks/ssh.yml records in known_hosts the host keys each peer's sshd offers, read by its
// "SSH host keys" task (sshd -T's HostKey lines). Here that task's own shell text runs against
// a stand-in sshd whose configuration offers an RSA key only, as a hardened sshd without an
// ed25519 key would: the RSA key, and only the keys offered, must come out.
import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadYamlFile } from '../../engine/yaml-source.js';
import { REPO } from '../support/cli.js';

type Obj = Record<string, unknown>;

function hostKeysTask(): string {
  const { documents } = loadYamlFile(join(REPO, 'playbooks/ssh.yml'));
  const tasks = documents.flatMap((d) => (Array.isArray(d) ? d : [])).flatMap((p: Obj) => (p.tasks as Obj[] | undefined) ?? []);
  const task = tasks.find((t) => String(t.name).startsWith("This host's SSH host keys"));
  expect(task, 'the host-keys task of playbooks/ssh.yml').to.not.equal(undefined);
  return String(task!.shell);
}

describe("playbooks/ssh.yml: the host keys a peer's sshd offers", () => {
  let dir = '';
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'tsplay-hostkeys-'));
    mkdirSync(join(dir, 'bin'));
    for (const t of ['rsa', 'ed25519', 'ecdsa']) {
      const r = spawnSync('ssh-keygen', ['-q', '-t', t, '-N', '', '-f', join(dir, `ssh_host_${t}_key`)]);
      expect(r.status, String(r.stderr)).to.equal(0);
    }
    rmSync(join(dir, 'ssh_host_ecdsa_key.pub'));
    // sshd -T of a configuration with `HostKey …rsa_key` and `HostKey …ecdsa_key` (no .pub) only
    writeFileSync(join(dir, 'bin/sshd'), `#!/bin/sh\n[ "$1" = -T ] || exit 1\nprintf 'port 22\\nhostkey %s\\nhostkey %s\\n' ${dir}/ssh_host_rsa_key ${dir}/ssh_host_ecdsa_key\n`, { mode: 0o755 });
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('lists the offered RSA key only (not the ed25519 key sshd does not offer, nor a key without .pub)', () => {
    const r = spawnSync('sh', ['-c', hostKeysTask()], { encoding: 'utf8', env: { ...process.env, PATH: `${join(dir, 'bin')}:${process.env.PATH}` } });
    expect(r.status, r.stderr).to.equal(0);
    const rsa = readFileSync(join(dir, 'ssh_host_rsa_key.pub'), 'utf8').split(' ').slice(0, 2).join(' ');
    expect(r.stdout.trim().split('\n')).to.deep.equal([rsa]);
  });
});
