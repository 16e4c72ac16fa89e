// The bundled inventories and their secrets: astra's vault in group_vars/astra/ is read by
// inventory/astra.yml only, and the lab's generated secrets reach inventory/lab.yml (and only
// it) through group_vars/lab/, so neither needs -e and neither sees the other's secrets.
import { expect } from 'chai';
import { cpSync, mkdirSync, mkdtempSync, readlinkSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadInventory } from '../../../engine/inventory/index.js';
import { encryptVault } from '../../../engine/vault/cipher.js';
import { useVaultKeyring, VaultKeyring } from '../../../engine/vault/keyring.js';
import { SECRETS_FILE } from '../../../lab/secrets.js';
import { REPO } from '../../support/cli.js';

describe('inventory: the bundled inventories and their secrets', () => {
  let copy = '';
  before(() => {
    copy = mkdtempSync(join(tmpdir(), 'tsplay-bundled-'));
    cpSync(join(REPO, 'inventory'), join(copy, 'inventory'), { recursive: true, verbatimSymlinks: true });
  });
  after(() => {
    rmSync(copy, { recursive: true, force: true });
    useVaultKeyring(new VaultKeyring());
  });

  it("the lab inventory's group_vars/lab/secrets.yml is the lab's generated secrets file", () => {
    expect(readlinkSync(join(REPO, 'inventory/group_vars/lab/secrets.yml'))).to.equal(SECRETS_FILE);
  });

  it("astra's vault is read by inventory/astra.yml only; the lab inventory needs no vault password", () => {
    const inv = join(copy, 'inventory');
    mkdirSync(join(inv, 'group_vars/astra'), { recursive: true });
    writeFileSync(join(inv, 'group_vars/astra/vault.yml'), encryptVault('pcp_password: "astra-pcp"\npostgres_db_password: "astra-pg"\n', Buffer.from('pw')));
    // The lab's secrets, in place of the link (which points outside the copy).
    rmSync(join(inv, 'group_vars/lab/secrets.yml'));
    writeFileSync(join(inv, 'group_vars/lab/secrets.yml'), 'pcp_password: lab-pcp\npostgres_db_password: lab-pg\n');

    useVaultKeyring(new VaultKeyring());
    const lab = loadInventory(join(inv, 'lab.yml'));
    expect(lab.hostVars('master')).to.include({ pcp_password: 'lab-pcp', postgres_db_password: 'lab-pg' });
    expect(() => loadInventory(join(inv, 'astra.yml'))).to.throw(/group_vars\/astra\/vault\.yml is encrypted with ansible-vault, but no vault password was given/);

    useVaultKeyring(new VaultKeyring([{ id: 'default', password: Buffer.from('pw'), source: 'test' }]));
    const astra = loadInventory(join(inv, 'astra.yml'));
    for (const h of ['master', 'slave', 'balancer']) {
      expect(astra.hostVars(h)).to.include({ pcp_password: 'astra-pcp', postgres_db_password: 'astra-pg' });
      expect(astra.hostVars(h).group_names).to.include('astra');
    }
    expect(lab.groups.has('astra')).to.equal(false);
    expect(astra.groups.has('lab')).to.equal(false);
  });
});
