// include_vars against Ansible's include_vars: the same variables files (YAML, JSON, a vaulted
// file, a folder tree) loaded by both, from the same playbook folder; ansible_facts and
// ansible_included_var_files must be equal, failures must fail on both sides.
import { expect } from 'chai';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import includeVars from '../../../modules/include_vars.js';
import { encryptVault } from '../../../engine/vault/cipher.js';
import { VaultKeyring, useVaultKeyring, vaultKeyring } from '../../../engine/vault/keyring.js';
import { requireAnsible } from '../../support/ansible.js';
import { type TsplayOutcome, ansibleResults, tsplayResult } from './side-by-side.js';

const PASSWORD = 'include-vars-test-password';

const CASES: { name: string; args: Record<string, unknown> }[] = [
  { name: 'a relative file found in vars/', args: { file: 'main.yml' } },
  { name: 'vars/ given in the name', args: { file: 'vars/main.yml' } },
  { name: 'free form', args: { _raw_params: 'main.yml' } },
  { name: 'beside the playbook', args: { file: 'top.yml' } },
  { name: 'a JSON file', args: { file: 'data.json' } },
  { name: 'name puts them under one variable', args: { file: 'main.yml', name: 'pg' } },
  { name: 'an empty file', args: { file: 'empty.yml' } },
  { name: 'a vaulted file', args: { file: 'secret.yml' } },
  { name: 'a list is not variables', args: { file: 'list.yml' } },
  { name: 'a missing file', args: { file: 'nope.yml' } },
  { name: 'dir, unknown extensions ignored', args: { dir: 'vars/clusters', ignore_unknown_extensions: true } },
  { name: 'dir with an unknown extension fails', args: { dir: 'vars/clusters' } },
  { name: 'dir, depth 1', args: { dir: 'vars/clusters', depth: 1, ignore_unknown_extensions: true } },
  { name: 'dir, depth 2', args: { dir: 'vars/clusters', depth: 2, ignore_unknown_extensions: true } },
  { name: 'dir, files_matching', args: { dir: 'vars/clusters', files_matching: '^[ab]\\.' } },
  { name: 'dir, ignore_files', args: { dir: 'vars/clusters', ignore_files: ['notes.txt', 'b.json'] } },
  { name: 'dir, extensions', args: { dir: 'vars/clusters', extensions: ['json'], ignore_unknown_extensions: true } },
  { name: 'dir, later files win', args: { dir: 'vars/order' } },
  { name: 'a missing dir', args: { dir: 'vars/none' } },
];

describe('include_vars vs ansible include_vars', function () {
  this.timeout(300_000);
  let dir = '';
  let ansible: Record<string, unknown>[] = [];
  const tsplay: TsplayOutcome[] = [];
  let keyring: VaultKeyring;

  before(async function () {
    requireAnsible(this, 'the include_vars comparison');
    dir = mkdtempSync(join(tmpdir(), 'tsplay-include-vars-'));
    const w = (p: string, text: string) => writeFileSync(join(dir, p), text);
    mkdirSync(join(dir, 'vars', 'clusters', 'sub', 'deeper'), { recursive: true });
    mkdirSync(join(dir, 'vars', 'order'));
    w('vars/main.yml', 'pg_version: 15\npg_port: 5432\npg_conf:\n  shared_buffers: 128MB\n  list: [1, 2]\n');
    w('top.yml', 'top: true\n');
    w('vars/data.json', '{"a": {"b": [1, "two", null]}, "t": true}\n');
    w('vars/empty.yml', '');
    w('vars/list.yml', '- a\n');
    w('vars/clusters/a.yml', 'a: 1\nshared: a\n');
    w('vars/clusters/b.json', '{"b": 2, "shared": "b"}');
    w('vars/clusters/notes.txt', 'x: 1\n');
    w('vars/clusters/sub/c.yaml', 'c: 3\nshared: c\n');
    w('vars/clusters/sub/deeper/d.yml', 'd: 4\n');
    w('vars/order/1.yml', 'x: one\ny: one\n');
    w('vars/order/2.yml', 'x: two\n');
    w('vars/secret.yml', encryptVault('db_password: s3cr3t-value\n', Buffer.from(PASSWORD)));
    w('pass.txt', `${PASSWORD}\n`);
    const ansibleArgs = (a: Record<string, unknown>) => ('_raw_params' in a ? String(a._raw_params) : a);
    ansible = await ansibleResults(dir, CASES.map((c) => ({ module: 'include_vars', args: ansibleArgs(c.args) as Record<string, unknown> })), {
      cwd: dir,
      env: { ANSIBLE_VAULT_PASSWORD_FILE: join(dir, 'pass.txt') },
    });
    const before = vaultKeyring();
    keyring = useVaultKeyring(new VaultKeyring([{ id: 'default', password: Buffer.from(PASSWORD), source: 'test' }]));
    try {
      for (const c of CASES) {
        const args = '_raw_params' in c.args ? { file: c.args._raw_params } : c.args;
        tsplay.push(await tsplayResult(includeVars, args, false, { baseDir: dir, vars: { playbook_dir: dir } }));
      }
    } finally {
      useVaultKeyring(before);
    }
  });

  after(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  for (const [i, c] of CASES.entries()) {
    it(`#${i} ${c.name}`, () => {
      const a = ansible[i]! as { failed?: boolean; ansible_facts?: unknown; ansible_included_var_files?: unknown };
      const t = tsplay[i]!;
      expect(t.failed, t.msg).to.equal(!!a.failed);
      if (a.failed) return;
      if ('censored' in a) {
        // Ansible hides a result holding vaulted values whole; tsplay masks the values themselves.
        expect(t.result.ansible_facts).to.deep.equal({ db_password: 's3cr3t-value' });
        return;
      }
      expect(t.result.ansible_facts).to.deep.equal(a.ansible_facts);
      expect(t.result.ansible_included_var_files).to.deep.equal(a.ansible_included_var_files);
    });
  }

  it('the vaulted values are secrets', () => {
    expect(keyring.revealed).to.include('s3cr3t-value');
  });
});
