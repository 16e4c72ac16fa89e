// The vault cipher against texts made by Debian's ansible-vault 2.14 (password 'hunter2'), and
// round trips of our own texts through the format's rules.
import { expect } from 'chai';
import { decryptVault, decryptWith, encryptVault, isVaultText, parseVaultText, VaultFormatError, type VaultSecret } from '../../../engine/vault/cipher.js';

const PLAIN = 'db_password: "s3cr3t"\nüñí: ok\n';

/** `ansible-vault encrypt --vault-password-file pw --output - plain` */
const BY_ANSIBLE_11 = `$ANSIBLE_VAULT;1.1;AES256
37303033386138343737323430373664376432343965333536346632663431663864343535363666
6266313935626238656433346437386666663736353433310a356363643462363430346435346532
33356162663934376362613838336363393366623736386239636335323865346464363864396430
6138393662613836310a383861303434636337333863313366323731623039326537346165323533
61326462373032306231393961626231646561643261373337333636313338613561313430313833
6536646639363961396564346665623364376265643162386535
`;

/** `ansible-vault encrypt --vault-id prod@pw --output - plain` */
const BY_ANSIBLE_12 = `$ANSIBLE_VAULT;1.2;AES256;prod
31343565373934626461613662386163633061346231396265396537373366636432356137333763
3437356434613063616333333933666535396139646634320a353863643332393164636232303963
62653136383431376339393439393365613534326534356337373035643965636230363632353139
6637636566636664340a373562663564346530616466346432386464393230396265643636616464
37323661663563653035363730323864343032353032376631306333333435613538636434346633
6264363034643333656437653434336132643066653266363333
`;

const secret = (password: string, id = 'default'): VaultSecret => ({ id, password: Buffer.from(password), source: 'test' });

describe('vault/cipher', () => {
  it('opens texts made by ansible-vault, format 1.1 and 1.2, to the exact bytes', () => {
    expect(decryptVault(BY_ANSIBLE_11, [secret('hunter2')])!.plaintext.toString('utf8')).to.equal(PLAIN);
    const r = decryptVault(BY_ANSIBLE_12, [secret('wrong', 'dev'), secret('hunter2', 'prod')])!;
    expect(r.plaintext.toString('utf8')).to.equal(PLAIN);
    expect(r.secret.id).to.equal('prod');
    expect(r.envelope).to.include({ version: '1.2', cipher: 'AES256', vaultId: 'prod' });
  });

  it('a wrong password opens nothing; the secret whose id matches the header is tried first', () => {
    expect(decryptVault(BY_ANSIBLE_11, [secret('hunter3')])).to.equal(undefined);
    // Ansible tries every secret, the matching label first: a mislabelled secret still opens it.
    expect(decryptVault(BY_ANSIBLE_12, [secret('hunter2', 'other')])!.secret.id).to.equal('other');
  });

  it('writes the header, 80-column hex lines and a final newline as ansible-vault does', () => {
    const text = encryptVault('x'.repeat(100), Buffer.from('pw'));
    const lines = text.split('\n');
    expect(lines[0]).to.equal('$ANSIBLE_VAULT;1.1;AES256');
    expect(lines.at(-1)).to.equal('');
    for (const l of lines.slice(1, -2)) expect(l).to.match(/^[0-9a-f]{80}$/);
    expect(lines.at(-2)).to.match(/^[0-9a-f]{1,80}$/);
    expect(encryptVault('x', Buffer.from('pw'), 'lab').split('\n')[0]).to.equal('$ANSIBLE_VAULT;1.2;AES256;lab');
    expect(encryptVault('x', Buffer.from('pw'), 'default').split('\n')[0]).to.equal('$ANSIBLE_VAULT;1.1;AES256');
  });

  it('round trips any bytes, empty and block-sized plaintexts included (PKCS#7 pads a whole block)', () => {
    for (const n of [0, 1, 15, 16, 17, 32, 1000]) {
      const data = Buffer.from(Array.from({ length: n }, (_, i) => (i * 37) % 256));
      const text = encryptVault(data, Buffer.from('pw'));
      const env = parseVaultText(text);
      expect(env.ciphertext.length).to.equal((Math.floor(n / 16) + 1) * 16);
      expect(decryptWith(env, Buffer.from('pw'))!.equals(data)).to.equal(true);
    }
  });

  it('same salt and password give the same text; a fresh salt each time otherwise', () => {
    const salt = Buffer.alloc(32, 7);
    expect(encryptVault('abc', Buffer.from('pw'), 'default', salt)).to.equal(encryptVault('abc', Buffer.from('pw'), 'default', salt));
    expect(encryptVault('abc', Buffer.from('pw'))).not.to.equal(encryptVault('abc', Buffer.from('pw')));
  });

  it('a changed ciphertext fails the HMAC; malformed texts are format errors; vault text is not encrypted twice', () => {
    const lines = BY_ANSIBLE_11.split('\n');
    lines[3] = lines[3]!.replace(/.$/, (c) => (c === '0' ? '1' : '0'));
    expect(decryptVault(lines.join('\n'), [secret('hunter2')])).to.equal(undefined);
    expect(() => parseVaultText('$ANSIBLE_VAULT;1.1;AES256\nzz\n')).to.throw(VaultFormatError, /hexadecimal/);
    expect(() => parseVaultText('$ANSIBLE_VAULT;1.1;AES128\n00\n')).to.throw(VaultFormatError, /AES128/);
    expect(() => parseVaultText('$ANSIBLE_VAULT;1.1;AES256\n6162\n')).to.throw(VaultFormatError, /lacks/);
    expect(() => encryptVault(BY_ANSIBLE_11, Buffer.from('pw'))).to.throw(VaultFormatError, /already encrypted/);
    expect(isVaultText(BY_ANSIBLE_12)).to.equal(true);
    expect(isVaultText('a: 1\n')).to.equal(false);
  });
});
