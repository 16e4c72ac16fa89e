// The vault options shared by `tsplay run`, `tsplay inventory` and `tsplay vault` (declared in
// flags.ts, as ansible-playbook spells them), and the keyring they make for a run.
import { useVaultKeyring, VaultKeyring } from '../engine/vault/keyring.js';
import { loadVaultSecrets, type VaultOptions } from '../engine/vault/secrets.js';
import { promptSecret } from './prompt.js';

export interface VaultFlags extends VaultOptions {
  vaultPassFile?: string[];
}

/** Reads every vault password the flags name and makes the keyring YAML loading will use. */
export async function vaultKeyringFor(flags: VaultFlags): Promise<VaultKeyring> {
  const secrets = await loadVaultSecrets(normalise(flags), promptSecret);
  return useVaultKeyring(new VaultKeyring(secrets));
}

export function normalise(flags: VaultFlags): VaultOptions {
  return { askVaultPass: flags.askVaultPass, vaultId: flags.vaultId, vaultPasswordFile: [...(flags.vaultPasswordFile ?? []), ...(flags.vaultPassFile ?? [])] };
}
