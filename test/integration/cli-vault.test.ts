// `tsplay vault` and vaulted data in runs, through the real CLI: create/edit with $EDITOR,
// encrypt/decrypt through pipes, vaulted vars files, group_vars, host_vars, inventories and
// inline values in a run, the values masked in the output, and exit 3 when a vault cannot open.
import { expect } from 'chai';
import { execFileSync } from 'node:child_process';
import { chmodSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { encryptVault } from '../../engine/vault/cipher.js';
import { CLI, playbookDir, removePlaybookDirs, runCli } from '../support/cli.js';

const pw = Buffer.from('hunter2');
const inline = (value: string, indent = 2) => `!vault |\n${encryptVault(value, pw).trimEnd().split('\n').map((l) => ' '.repeat(indent) + l).join('\n')}`;

describe('integration: tsplay vault and vaulted runs', function () {
  this.timeout(60_000);
  after(removePlaybookDirs);

  it('create and edit go through $EDITOR; the file is private and only ciphertext on disk', async () => {
    const d = playbookDir({ pw: 'hunter2\n', 'write.sh': '#!/bin/sh\nprintf "db_password: first\\n" > "$1"\n', 'change.sh': '#!/bin/sh\nsed -i s/first/second/ "$1"\n' });
    for (const f of ['write.sh', 'change.sh']) chmodSync(join(d, f), 0o755);
    const file = join(d, 'group_vars/all/vault.yml');
    const env = (editor: string) => ({ ...process.env, EDITOR: join(d, editor) });
    execFileSync(process.execPath, [CLI, 'vault', 'create', '--vault-password-file', join(d, 'pw'), file], { env: env('write.sh'), stdio: 'pipe' });
    expect(statSync(file).mode & 0o777).to.equal(0o600);
    expect(readFileSync(file, 'utf8')).to.match(/^\$ANSIBLE_VAULT;1\.1;AES256\n/).and.not.include('first');
    execFileSync(process.execPath, [CLI, 'vault', 'edit', '--vault-password-file', join(d, 'pw'), file], { env: env('change.sh'), stdio: 'pipe' });
    const view = await runCli(['vault', 'view', '--vault-password-file', join(d, 'pw'), file]);
    expect(view.stdout).to.equal('db_password: second\n');
    const again = await runCli(['vault', 'create', '--vault-password-file', join(d, 'pw'), file]);
    expect(again.code).to.equal(3);
    expect(again.stderr).to.include("exists, please use 'edit' instead");
  });

  it('encrypt and decrypt read stdin and write stdout when given no file; --output writes elsewhere', async () => {
    const d = playbookDir({ pw: 'hunter2\n', 'plain.txt': 'one\ntwo\n' });
    const enc = await runCli(['vault', 'encrypt', '--vault-password-file', join(d, 'pw')], { input: 'from stdin\n' });
    expect(enc.stdout).to.match(/^\$ANSIBLE_VAULT;1\.1;AES256\n[0-9a-f\n]+$/);
    const dec = await runCli(['vault', 'decrypt', '--vault-password-file', join(d, 'pw')], { input: enc.stdout });
    expect(dec.stdout).to.equal('from stdin\n');
    await runCli(['vault', 'encrypt', '--vault-password-file', join(d, 'pw'), '--output', join(d, 'out.vault'), join(d, 'plain.txt')]);
    expect(readFileSync(join(d, 'plain.txt'), 'utf8')).to.equal('one\ntwo\n');
    expect((await runCli(['vault', 'view', '--vault-password-file', join(d, 'pw'), join(d, 'out.vault')])).stdout).to.equal('one\ntwo\n');
    const twice = await runCli(['vault', 'encrypt', '--vault-password-file', join(d, 'pw'), join(d, 'out.vault')]);
    expect(twice.code).to.equal(3);
    expect(twice.stderr).to.include('already encrypted');
  });

  it('--ask-vault-pass and --vault-id LABEL@prompt read the password from the terminal (stdin when piped)', async () => {
    const d = playbookDir({ 'f.yml': encryptVault('x: 1\n', pw, 'ops') });
    const asked = await runCli(['vault', 'view', '--ask-vault-pass', join(d, 'f.yml')], { input: 'hunter2\n' });
    expect(asked.code, asked.stderr).to.equal(0);
    expect(asked.stdout).to.equal('x: 1\n');
    const labelled = await runCli(['vault', 'view', '--vault-id', 'ops@prompt', join(d, 'f.yml')], { input: 'hunter2\n' });
    expect(labelled.stdout).to.equal('x: 1\n');
    const wrong = await runCli(['vault', 'view', '--ask-vault-pass', join(d, 'f.yml')], { input: 'nope\n' });
    expect(wrong.code).to.equal(3);
  });

  it('a run opens vaulted group_vars, host_vars, vars_files, -e @file and inline values, and masks them', async () => {
    const d = playbookDir({
      pw: 'hunter2\n',
      'inventory.yml': `all:\n  hosts:\n    h1:\n      ansible_connection: local\n      host_token: ${inline('host-tok-777', 8)}\n`,
      'group_vars/all/vault.yml': encryptVault('vault_db_password: "db-pass-123"\n', pw),
      'group_vars/all/main.yml': 'db_password: "{{ vault_db_password }}"\n',
      'host_vars/h1.yml': encryptVault('host_secret: hs-456\n', pw),
      'secrets.yml': encryptVault('extra_secret: ex-789\n', pw),
      'files.yml': `file_secret: ${inline('fs-000')}\n`,
      'site.yml': `
- hosts: all
  gather_facts: false
  vars_files: [files.yml]
  vars:
    play_secret: ${inline('play-secret-1', 6)}
  tasks:
    - debug: {msg: "{{ db_password }} {{ host_secret }} {{ extra_secret }} {{ file_secret }} {{ play_secret }} {{ host_token }}"}
    - copy: {content: "{{ db_password }}", dest: "{{ playbook_dir }}/out"}
`,
    });
    const r = await runCli(['run', join(d, 'site.yml'), '-i', join(d, 'inventory.yml'), '--vault-password-file', join(d, 'pw'), '-e', `@${join(d, 'secrets.yml')}`, '--diff', '-v']);
    expect(r.code, r.stdout + r.stderr).to.equal(0);
    expect(readFileSync(join(d, 'out'), 'utf8')).to.equal('db-pass-123');
    for (const s of ['db-pass-123', 'hs-456', 'ex-789', 'fs-000', 'play-secret-1', 'host-tok-777']) expect(r.stdout + r.stderr).not.to.include(s);
    expect(r.stdout).to.include('******** ******** ******** ******** ******** ********');

    // Listings show no opened value either: inline ones as their vault text, the rest masked.
    const list = await runCli(['inventory', '-i', join(d, 'inventory.yml'), '--vault-password-file', join(d, 'pw'), '--list']);
    expect(list.code, list.stderr).to.equal(0);
    const hostvars = JSON.parse(list.stdout)._meta.hostvars.h1;
    expect(hostvars.host_token.__ansible_vault).to.match(/^\$ANSIBLE_VAULT;1\.1;AES256\n/);
    expect(hostvars).to.include({ vault_db_password: '********', host_secret: '********' });
    const host = await runCli(['inventory', '-i', join(d, 'inventory.yml'), '--vault-password-file', join(d, 'pw'), '--host', 'h1']);
    for (const s of ['db-pass-123', 'hs-456', 'host-tok-777']) expect(list.stdout + host.stdout).not.to.include(s);
  });

  it('without the password, or with a wrong one, nothing runs and the exit code is 3', async () => {
    const d = playbookDir({
      pw: 'wrong\n',
      'inventory.yml': 'all:\n  hosts:\n    h1: {ansible_connection: local}\n',
      'group_vars/all.yml': encryptVault('x: 1\n', pw),
      'site.yml': '- hosts: all\n  gather_facts: false\n  tasks:\n    - copy: {content: x, dest: "{{ playbook_dir }}/out"}\n',
    });
    const none = await runCli(['run', join(d, 'site.yml'), '-i', join(d, 'inventory.yml')]);
    expect(none.code).to.equal(3);
    expect(none.stderr).to.include('group_vars/all.yml is encrypted with ansible-vault, but no vault password was given');
    const wrong = await runCli(['run', join(d, 'site.yml'), '-i', join(d, 'inventory.yml'), '--vault-password-file', join(d, 'pw')]);
    expect(wrong.code).to.equal(3);
    expect(wrong.stderr).to.include('Decryption failed');
    writeFileSync(join(d, 'pw'), 'hunter2\n');
    expect((await runCli(['run', join(d, 'site.yml'), '-i', join(d, 'inventory.yml'), '--vault-password-file', join(d, 'pw')])).code).to.equal(0);
  });
});
