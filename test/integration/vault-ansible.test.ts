// tsplay vault and Debian's ansible-vault open each other's files and strings, byte for byte,
// with plain password files, vault ids (format 1.2) and password scripts.
import { expect } from 'chai';
import { chmodSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ansible, requireAnsibleTool } from '../support/ansible-tools.js';
import { playbookDir, removePlaybookDirs, runCli } from '../support/cli.js';

const PLAIN = Buffer.from('# vault\ndb_password: "s3cr3t ü"\nno_newline_at_end', 'utf8');

describe('integration: vault interoperability with ansible-vault', function () {
  this.timeout(60_000);
  before(function () {
    requireAnsibleTool(this, 'ansible-vault');
  });
  after(removePlaybookDirs);

  const setup = () => {
    const dir = playbookDir({ pw: 'hunter2\n', 'pw2': 'other one\n', 'pw.sh': '#!/bin/sh\necho hunter2\n' });
    chmodSync(join(dir, 'pw.sh'), 0o755);
    return dir;
  };

  for (const [label, idArgs] of [
    ['a password file (1.1)', (d: string) => ['--vault-password-file', join(d, 'pw')]],
    ['a vault id (1.2)', (d: string) => ['--vault-id', `prod@${join(d, 'pw')}`]],
    ['a password script', (d: string) => ['--vault-id', `prod@${join(d, 'pw.sh')}`]],
  ] as const) {
    it(`ansible-vault encrypts, tsplay decrypts and views: ${label}`, async () => {
      const d = setup();
      writeFileSync(join(d, 'f'), PLAIN);
      const enc = ansible('ansible-vault', ['encrypt', ...idArgs(d), join(d, 'f')]);
      expect(enc.code, enc.stderr).to.equal(0);
      const view = await runCli(['vault', 'view', ...idArgs(d), join(d, 'f')]);
      expect(view.code, view.stderr).to.equal(0);
      expect(Buffer.from(view.stdout, 'utf8').equals(PLAIN)).to.equal(true);
      const dec = await runCli(['vault', 'decrypt', ...idArgs(d), join(d, 'f')]);
      expect(dec.code, dec.stderr).to.equal(0);
      expect(dec.stderr).to.equal('Decryption successful\n');
      expect(readFileSync(join(d, 'f')).equals(PLAIN)).to.equal(true);
    });

    it(`tsplay encrypts, ansible-vault decrypts: ${label}`, async () => {
      const d = setup();
      writeFileSync(join(d, 'f'), PLAIN);
      const enc = await runCli(['vault', 'encrypt', ...idArgs(d), join(d, 'f')]);
      expect(enc.code, enc.stderr).to.equal(0);
      const text = readFileSync(join(d, 'f'), 'utf8');
      expect(text.split('\n')[0]).to.equal(label.includes('1.1') ? '$ANSIBLE_VAULT;1.1;AES256' : '$ANSIBLE_VAULT;1.2;AES256;prod');
      const dec = ansible('ansible-vault', ['decrypt', ...idArgs(d), '--output', '-', join(d, 'f')]);
      expect(dec.code, dec.stderr).to.equal(0);
      expect(dec.stdout.equals(PLAIN)).to.equal(true);
    });
  }

  it('encrypt_string both ways: the !vault value of one tool is a variable for the other', async () => {
    const d = setup();
    const ours = await runCli(['vault', 'encrypt_string', '--vault-password-file', join(d, 'pw'), '--name', 'db_password', 'p@ss word: ü']);
    expect(ours.code, ours.stderr).to.equal(0);
    writeFileSync(join(d, 'ours.yml'), ours.stdout);
    writeFileSync(join(d, 'pb.yml'), '- hosts: localhost\n  gather_facts: false\n  vars_files: [ours.yml]\n  tasks:\n    - copy: {content: "{{ db_password }}", dest: "{{ playbook_dir }}/out"}\n');
    const play = ansible('ansible-playbook', ['-i', 'localhost,', '-c', 'local', '--vault-password-file', join(d, 'pw'), join(d, 'pb.yml')]);
    expect(play.code, play.stdout.toString() + play.stderr).to.equal(0);
    expect(readFileSync(join(d, 'out'), 'utf8')).to.equal('p@ss word: ü');

    const theirs = ansible('ansible-vault', ['encrypt_string', '--vault-id', `lab@${join(d, 'pw')}`, '--name', 'pcp_password', 'their secret']);
    expect(theirs.code, theirs.stderr).to.equal(0);
    writeFileSync(join(d, 'theirs.yml'), theirs.stdout);
    writeFileSync(join(d, 'inventory.yml'), 'all:\n  hosts:\n    h1: {ansible_connection: local}\n');
    writeFileSync(join(d, 'pb2.yml'), '- hosts: all\n  gather_facts: false\n  vars_files: [theirs.yml]\n  tasks:\n    - assert: {that: ["pcp_password == \'their secret\'"]}\n');
    const run = await runCli(['run', join(d, 'pb2.yml'), '-i', join(d, 'inventory.yml'), '--vault-id', `lab@${join(d, 'pw')}`]);
    expect(run.code, run.stdout + run.stderr).to.equal(0);
  });

  it('rekey by tsplay is opened by ansible-vault with the new password, and the other way', async () => {
    const d = setup();
    writeFileSync(join(d, 'f'), PLAIN);
    expect(ansible('ansible-vault', ['encrypt', '--vault-password-file', join(d, 'pw'), join(d, 'f')]).code).to.equal(0);
    const rekey = await runCli(['vault', 'rekey', '--vault-password-file', join(d, 'pw'), '--new-vault-password-file', join(d, 'pw2'), join(d, 'f')]);
    expect(rekey.code, rekey.stderr).to.equal(0);
    expect(ansible('ansible-vault', ['view', '--vault-password-file', join(d, 'pw'), join(d, 'f')]).code).to.not.equal(0);
    // (view goes through a pager, which may add a newline: decrypt to stdout gives the bytes)
    expect(ansible('ansible-vault', ['decrypt', '--vault-password-file', join(d, 'pw2'), '--output', '-', join(d, 'f')]).stdout.equals(PLAIN)).to.equal(true);
    expect(ansible('ansible-vault', ['rekey', '--vault-password-file', join(d, 'pw2'), '--new-vault-password-file', join(d, 'pw'), join(d, 'f')]).code).to.equal(0);
    expect(Buffer.from((await runCli(['vault', 'view', '--vault-password-file', join(d, 'pw'), join(d, 'f')])).stdout).equals(PLAIN)).to.equal(true);
  });

  it('a wrong password fails in both tools with "Decryption failed"; tsplay exits 3', async () => {
    const d = setup();
    writeFileSync(join(d, 'f'), PLAIN);
    expect(ansible('ansible-vault', ['encrypt', '--vault-password-file', join(d, 'pw'), join(d, 'f')]).code).to.equal(0);
    const theirs = ansible('ansible-vault', ['view', '--vault-password-file', join(d, 'pw2'), join(d, 'f')]);
    const ours = await runCli(['vault', 'view', '--vault-password-file', join(d, 'pw2'), join(d, 'f')]);
    expect(theirs.stderr).to.include('Decryption failed');
    expect(ours.stderr).to.include('Decryption failed');
    expect(ours.code).to.equal(3);
  });
});
