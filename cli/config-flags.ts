// ansible.cfg and ANSIBLE_* settings under the command line: what a flag gives wins, the rest
// comes from the configuration (engine/config/ansible-cfg.ts), then tsplay's defaults. Which
// setting fills which flag, and how, is each flag's entry in flags.ts.
import { type AnsibleConfig, loadAnsibleConfig } from '../engine/config/ansible-cfg.js';
import { UsageError } from '../engine/errors.js';
import { flagEntries, type GivenFlags, type MergedFlags, SETTINGS } from './flags.js';

export interface Configured extends MergedFlags {
  /** roles_path: a setting with no flag. */
  rolesPath: string[];
}

/** The flags with the configuration filled in where the command line left them unset. */
export function withConfig<F extends Partial<GivenFlags>>(flags: F, cfg: AnsibleConfig = loadAnsibleConfig(SETTINGS)): F & Configured {
  if (cfg.becomeMethod !== undefined && cfg.becomeMethod !== 'sudo') {
    throw new UsageError(`become_method '${String(cfg.becomeMethod)}' (from ${cfg.file ?? 'ANSIBLE_BECOME_METHOD'}): tsplay becomes through sudo only`);
  }
  const given = flags as Readonly<Record<string, unknown>>;
  const out: Record<string, unknown> = { ...flags, rolesPath: cfg.rolesPath ?? [] };
  for (const [name, f] of flagEntries()) {
    // The setting's value has its kind: loadAnsibleConfig converted it.
    const fromConfig = (f.setting ? cfg[name] : undefined) as never;
    if (f.merge) out[name] = f.merge(given[name] as never, fromConfig, given);
    else if (f.setting) out[name] = given[name] ?? fromConfig;
  }
  return out as unknown as F & Configured;
}
