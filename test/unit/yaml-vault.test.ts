// YAML loading opens vaulted data with the run's keyring: inline `!vault` values and whole
// encrypted files; everything opened is recorded for masking, and nothing quotes a decrypted file.
import { expect } from 'chai';
import { join } from 'node:path';
import { encryptVault } from '../../engine/vault/cipher.js';
import { useVaultKeyring, VaultKeyring } from '../../engine/vault/keyring.js';
import { loadYamlFile, parseYaml } from '../../engine/yaml-source.js';
import { removeTrees, tree } from './inventory/temp-tree.js';

const pw = Buffer.from('hunter2');
const inline = (value: string, id?: string) => `!vault |\n  ${encryptVault(value, pw, id).trimEnd().split('\n').join('\n  ')}`;

describe('yaml-source: vault', () => {
  afterEach(() => useVaultKeyring(new VaultKeyring()));
  after(removeTrees);

  it('an inline !vault value becomes its plaintext string, recorded as a secret', () => {
    const k = useVaultKeyring(new VaultKeyring([{ id: 'lab', password: pw, source: 'test' }]));
    const { documents, problems } = parseYaml(`user: admin\npassword: ${inline('p@ss:1', 'lab')}\nport: 5432\n`, 'vars.yml');
    expect(problems).to.deep.equal([]);
    expect(documents[0]).to.deep.equal({ user: 'admin', password: 'p@ss:1', port: 5432 });
    expect(k.revealed).to.deep.equal(['p@ss:1']);
    expect(k.inline.get('p@ss:1')).to.match(/^\$ANSIBLE_VAULT;1\.2;AES256;lab\n/);
  });

  it('without a password or with a wrong one, the value is a problem at its position', () => {
    const text = `a: 1\nb: ${inline('x')}\n`;
    expect(parseYaml(text, 'v.yml').problems.map((p) => `${p.line}:${p.col} ${p.message}`)).to.deep.equal([
      '2:11 this !vault value is encrypted with ansible-vault, but no vault password was given: use --ask-vault-pass, --vault-password-file FILE or --vault-id LABEL@SOURCE',
    ]);
    useVaultKeyring(new VaultKeyring([{ id: 'default', password: Buffer.from('nope'), source: 'test' }]));
    expect(parseYaml(text, 'v.yml').problems[0]!.message).to.match(/^Decryption failed/);
  });

  it('a whole encrypted file is opened, every string in it recorded, and problems in it quote no line', () => {
    const d = tree({
      'ok.yml': encryptVault('db_password: "pg-secret"\nlist: [alpha-1, beta-2]\nn: 3\n', pw),
      'bad.yml': encryptVault('db_password: pg-secret\n  bad: [\n', pw),
    });
    const k = useVaultKeyring(new VaultKeyring([{ id: 'default', password: pw, source: 'test' }]));
    expect(loadYamlFile(join(d, 'ok.yml')).documents[0]).to.deep.equal({ db_password: 'pg-secret', list: ['alpha-1', 'beta-2'], n: 3 });
    expect(k.revealed).to.deep.equal(['pg-secret', 'alpha-1', 'beta-2']);
    const bad = loadYamlFile(join(d, 'bad.yml'));
    expect(bad.problems).to.have.length.greaterThan(0);
    for (const p of bad.problems) expect(p.sourceLine).to.equal(undefined);
    useVaultKeyring(new VaultKeyring());
    expect(loadYamlFile(join(d, 'ok.yml')).problems[0]!.message).to.match(/ok\.yml is encrypted with ansible-vault, but no vault password was given/);
  });
});
