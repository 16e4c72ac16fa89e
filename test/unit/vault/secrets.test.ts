// Where vault passwords come from: files (stripped as Ansible strips them), scripts (plain and
// *-client), prompts, and the LABEL@SOURCE syntax.
import { expect } from 'chai';
import { chmodSync } from 'node:fs';
import { join } from 'node:path';
import { VaultError } from '../../../engine/vault/keyring.js';
import { loadVaultSecrets, parseVaultId, passwordFrom } from '../../../engine/vault/secrets.js';
import { removeTrees, tree } from '../inventory/temp-tree.js';

describe('vault/secrets', () => {
  after(removeTrees);

  it('parses LABEL@SOURCE, and a bare source as the default label', () => {
    expect(parseVaultId('prod@/etc/pw')).to.deep.equal({ id: 'prod', source: '/etc/pw' });
    expect(parseVaultId('/etc/pw')).to.deep.equal({ id: 'default', source: '/etc/pw' });
    expect(parseVaultId('dev@prompt')).to.deep.equal({ id: 'dev', source: 'prompt' });
    expect(() => parseVaultId('@x')).to.throw(/LABEL@SOURCE/);
  });

  it('a password file loses surrounding ASCII whitespace only (Python bytes.strip)', () => {
    const d = tree({ a: '  pass word \r\n\n', b: '\u00a0pw\u00a0\n', empty: ' \n' });
    expect(passwordFrom(join(d, 'a'), 'default').toString()).to.equal('pass word');
    expect(passwordFrom(join(d, 'b'), 'default').toString()).to.equal('\u00a0pw\u00a0');
    expect(() => passwordFrom(join(d, 'empty'), 'default')).to.throw(VaultError, /Invalid vault password/);
    expect(() => passwordFrom(join(d, 'none'), 'default')).to.throw(VaultError, /was not found/);
    expect(() => passwordFrom(d, 'default')).to.throw(VaultError, /can not be a directory/);
  });

  it('an executable file is run: its stdout minus CR/LF is the password; *-client scripts get --vault-id', () => {
    const d = tree({
      'pw.sh': "#!/bin/sh\nprintf ' from script \\n'\n",
      'vault-client.sh': '#!/bin/sh\nprintf "%s:%s\\n" "$1" "$2"\n',
      'bad.sh': '#!/bin/sh\nexit 4\n',
    });
    for (const f of ['pw.sh', 'vault-client.sh', 'bad.sh']) chmodSync(join(d, f), 0o755);
    expect(passwordFrom(join(d, 'pw.sh'), 'default').toString()).to.equal(' from script ');
    expect(passwordFrom(join(d, 'vault-client.sh'), 'prod').toString()).to.equal('--vault-id:prod');
    expect(() => passwordFrom(join(d, 'bad.sh'), 'default')).to.throw(VaultError, /returned non-zero \(4\)/);
  });

  it('collects --vault-id, then --vault-password-file, then --ask-vault-pass, in that order', async () => {
    const d = tree({ one: 'p1\n', two: 'p2\n' });
    const asked: string[] = [];
    const s = await loadVaultSecrets(
      { vaultId: [`dev@${join(d, 'one')}`, 'ops@prompt'], vaultPasswordFile: [join(d, 'two')], askVaultPass: true },
      async (q) => (asked.push(q), ` typed-${asked.length} `),
    );
    expect(s.map((x) => [x.id, x.password.toString()])).to.deep.equal([['dev', 'p1'], ['ops', 'typed-1'], ['default', 'p2'], ['default', 'typed-2']]);
    expect(asked).to.deep.equal(['Vault password (ops): ', 'Vault password: ']);
    await loadVaultSecrets({ askVaultPass: true }, async () => '  ').then(
      () => expect.fail('an empty prompt was accepted'),
      (e) => expect(e).to.be.instanceOf(VaultError),
    );
  });
});
