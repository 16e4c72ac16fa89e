// The vault options shared by `tsplay run`, `tsplay inventory` and `tsplay vault`, as
// ansible-playbook spells them, and the keyring they make for a run.
import { type Command, Option } from 'commander';
import { useVaultKeyring, VaultKeyring } from '../engine/vault/keyring.js';
import { loadVaultSecrets, type VaultOptions } from '../engine/vault/secrets.js';
import { promptSecret } from './prompt.js';

const collect = (v: string, prev: string[] = []) => [...prev, v];

export function addVaultOptions(c: Command): Command {
  return c
    .option('-J, --ask-vault-pass', 'ask for the vault password')
    .option('--vault-password-file <file>', 'vault password file, or an executable that prints it (repeatable)', collect)
    .addOption(new Option('--vault-pass-file <file>').hideHelp().argParser(collect))
    .option('--vault-id <label@source>', 'vault id: LABEL@prompt, LABEL@FILE or LABEL@SCRIPT (repeatable)', collect);
}

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
