// The vault passwords of this run and what they revealed. YAML loading (yaml-source.ts) asks the
// current keyring to open `!vault` values and whole encrypted files; everything opened is kept
// in `revealed`, the list the reporters and error messages mask.
import { InputError } from '../errors.js';
import { decryptVault, type VaultSecret, VaultFormatError } from './cipher.js';

/** A vault could not be opened: no password given, a wrong one, or malformed vault text. */
export class VaultError extends InputError {
  override name = 'VaultError';
}

/** Opened strings shorter than this are not masked (masking '1' would garble every line). */
const MIN_MASKED = 3;

export class VaultKeyring {
  /** Every decrypted value, for redaction. Shared with the run's secrets list. */
  readonly revealed: string[] = [];
  /** Inline `!vault` plaintext → its vault text, so that listings show it as Ansible does. */
  readonly inline = new Map<string, string>();

  constructor(readonly secrets: readonly VaultSecret[] = []) {}

  /** Opens vault text; `where` names the file for messages. Throws VaultError. */
  open(text: string, where: string): Buffer {
    if (!this.secrets.length) {
      throw new VaultError(`${where} is encrypted with ansible-vault, but no vault password was given: use --ask-vault-pass, --vault-password-file FILE or --vault-id LABEL@SOURCE`);
    }
    let opened;
    try {
      opened = decryptVault(text, this.secrets);
    } catch (e) {
      if (e instanceof VaultFormatError) throw new VaultError(`${where}: vault format error: ${e.message}`);
      throw e;
    }
    if (!opened) {
      const tried = this.secrets.map((s) => s.id).join(', ');
      throw new VaultError(`Decryption failed (no vault secrets were found that could decrypt) on ${where}; tried vault ids: ${tried}`);
    }
    return opened.plaintext;
  }

  /**
   * For JSON listings (`tsplay inventory`): an inline vaulted value is shown as its vault
   * text, the way ansible-inventory shows it; any other opened value is masked.
   */
  readonly jsonReplacer = (_key: string, v: unknown): unknown => {
    if (typeof v !== 'string') return v;
    const text = this.inline.get(v);
    if (text !== undefined) return { __ansible_vault: text };
    return this.revealed.includes(v) ? '********' : v;
  };

  /** Records decrypted text as secret (each string of a decrypted file, or one inline value). */
  reveal(value: string): void {
    if (value.length >= MIN_MASKED && !this.revealed.includes(value)) this.revealed.push(value);
  }
}

let current = new VaultKeyring();

/** Makes `k` the keyring YAML loading uses (one per run). */
export function useVaultKeyring(k: VaultKeyring): VaultKeyring {
  current = k;
  return k;
}

export function vaultKeyring(): VaultKeyring {
  return current;
}
