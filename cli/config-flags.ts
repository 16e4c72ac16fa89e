// ansible.cfg and ANSIBLE_* settings under the command line: what a flag gives wins, the rest
// comes from the configuration (engine/config/ansible-cfg.ts), then tsplay's defaults.
import { type AnsibleConfig, loadAnsibleConfig } from '../engine/config/ansible-cfg.js';
import { UsageError } from '../engine/errors.js';
import type { VaultFlags } from './vault-flags.js';

export const DEFAULT_FORKS = 25;

export interface ConfigurableFlags extends VaultFlags {
  inventory?: string | string[];
  forks?: number;
  user?: string;
  privateKey?: string;
  hostKeyChecking?: string;
  become?: boolean;
  becomeUser?: string;
  askBecomePass?: boolean;
}

export interface Configured extends ConfigurableFlags {
  inventory: string[];
  forks: number;
  rolesPath: string[];
  vaultId: string[];
  vaultPasswordFile: string[];
}

const listOf = (v: string | string[] | undefined): string[] => (v === undefined ? [] : Array.isArray(v) ? v : [v]);

/** The flags with the configuration filled in where the command line left them unset. */
export function withConfig<F extends ConfigurableFlags>(flags: F, cfg: AnsibleConfig = loadAnsibleConfig()): F & Configured {
  if (cfg.becomeMethod !== undefined && cfg.becomeMethod !== 'sudo') {
    throw new UsageError(`become_method '${cfg.becomeMethod}' (from ${cfg.file ?? 'ANSIBLE_BECOME_METHOD'}): tsplay becomes through sudo only`);
  }
  const files = [...(flags.vaultPasswordFile ?? []), ...(flags.vaultPassFile ?? [])];
  return {
    ...flags,
    inventory: listOf(flags.inventory).length ? listOf(flags.inventory) : (cfg.inventory ?? []),
    forks: flags.forks ?? cfg.forks ?? DEFAULT_FORKS,
    user: flags.user ?? cfg.remoteUser,
    privateKey: flags.privateKey ?? cfg.privateKeyFile,
    hostKeyChecking: flags.hostKeyChecking ?? (cfg.hostKeyChecking === false ? 'off' : undefined),
    become: flags.become || cfg.become || undefined,
    becomeUser: flags.becomeUser ?? cfg.becomeUser,
    askBecomePass: flags.askBecomePass || cfg.becomeAskPass || undefined,
    // As in Ansible: vault_identity_list comes before --vault-id; --vault-password-file replaces
    // vault_password_file.
    vaultId: [...(cfg.vaultIdentityList ?? []), ...(flags.vaultId ?? [])],
    vaultPasswordFile: files.length ? files : cfg.vaultPasswordFile ? [cfg.vaultPasswordFile] : [],
    vaultPassFile: [],
    askVaultPass: flags.askVaultPass || cfg.askVaultPass || undefined,
    rolesPath: cfg.rolesPath ?? [],
  };
}
