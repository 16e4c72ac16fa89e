// ansible-vault's format, byte for byte (lib/ansible/parsing/vault/__init__.py, VaultAES256):
// PBKDF2-HMAC-SHA256 over a 32-byte random salt, 10,000 iterations, 80 bytes of key material =
// AES key (32) + HMAC key (32) + CTR counter (16); the plaintext PKCS#7-padded to 16 bytes and
// encrypted with AES-256-CTR; HMAC-SHA256 over the ciphertext. The body is
// hex(hex(salt) "\n" hex(hmac) "\n" hex(ciphertext)), cut into 80-column lines under the header
// `$ANSIBLE_VAULT;1.1;AES256` (or `;1.2;AES256;LABEL` with a vault id other than 'default').
import { createCipheriv, createDecipheriv, createHmac, pbkdf2Sync, randomBytes, timingSafeEqual } from 'node:crypto';

export const VAULT_HEADER = '$ANSIBLE_VAULT';
export const DEFAULT_VAULT_ID = 'default';

/** A vault password and the vault id (label) it is known by. */
export interface VaultSecret {
  id: string;
  password: Buffer;
  /** Where it came from, for messages (never the password). */
  source: string;
}

/** The vault text is malformed (not a wrong password). */
export class VaultFormatError extends Error {
  override name = 'VaultFormatError';
}

export function isVaultText(data: string | Buffer): boolean {
  return (typeof data === 'string' ? data : data.subarray(0, VAULT_HEADER.length).toString('latin1')).startsWith(VAULT_HEADER);
}

function keys(password: Buffer, salt: Buffer): { key: Buffer; hmacKey: Buffer; iv: Buffer } {
  const m = pbkdf2Sync(password, salt, 10_000, 80, 'sha256');
  return { key: m.subarray(0, 32), hmacKey: m.subarray(32, 64), iv: m.subarray(64, 80) };
}

/** Encrypts as `ansible-vault encrypt` does; `salt` only for tests (Ansible's vault_salt). */
export function encryptVault(plaintext: Buffer | string, password: Buffer, vaultId = DEFAULT_VAULT_ID, salt = randomBytes(32)): string {
  const data = typeof plaintext === 'string' ? Buffer.from(plaintext, 'utf8') : plaintext;
  if (isVaultText(data)) throw new VaultFormatError('input is already encrypted');
  const { key, hmacKey, iv } = keys(password, salt);
  const pad = 16 - (data.length % 16);
  const padded = Buffer.concat([data, Buffer.alloc(pad, pad)]);
  const c = createCipheriv('aes-256-ctr', key, iv);
  const ciphertext = Buffer.concat([c.update(padded), c.final()]);
  const hmac = createHmac('sha256', hmacKey).update(ciphertext).digest('hex');
  const inner = `${salt.toString('hex')}\n${hmac}\n${ciphertext.toString('hex')}`;
  const body = Buffer.from(inner, 'latin1').toString('hex');
  const header = vaultId && vaultId !== DEFAULT_VAULT_ID ? `${VAULT_HEADER};1.2;AES256;${vaultId}` : `${VAULT_HEADER};1.1;AES256`;
  const lines = [header];
  for (let i = 0; i < body.length; i += 80) lines.push(body.slice(i, i + 80));
  return lines.join('\n') + '\n';
}

export interface VaultEnvelope {
  version: string;
  cipher: string;
  /** The label in a 1.2 header, else undefined. */
  vaultId?: string;
  salt: Buffer;
  hmac: Buffer;
  ciphertext: Buffer;
}

const unhex = (s: string, what: string): Buffer => {
  if (!/^(?:[0-9a-fA-F]{2})*$/.test(s)) throw new VaultFormatError(`${what} is not hexadecimal`);
  return Buffer.from(s, 'hex');
};

export function parseVaultText(text: string): VaultEnvelope {
  const lines = text.split(/\r?\n/);
  const header = lines[0]!.trim().split(';').map((s) => s.trim());
  if (header[0] !== VAULT_HEADER || header.length < 3) throw new VaultFormatError('not vault data: the first line must be $ANSIBLE_VAULT;1.1;AES256');
  const [, version, cipher, vaultId] = header as [string, string, string, string | undefined];
  if (cipher !== 'AES256') throw new VaultFormatError(`cipher '${cipher}' is not supported (only AES256)`);
  const inner = unhex(lines.slice(1).map((l) => l.trim()).join(''), 'the vault body').toString('latin1');
  const parts = inner.split('\n');
  if (parts.length < 3) throw new VaultFormatError('the vault body lacks salt, HMAC or ciphertext');
  const [salt, hmac, ...rest] = parts as [string, string, ...string[]];
  return { version, cipher, vaultId: vaultId || undefined, salt: unhex(salt, 'the salt'), hmac: unhex(hmac, 'the HMAC'), ciphertext: unhex(rest.join('\n'), 'the ciphertext') };
}

/** The plaintext, or undefined when this password does not open it (HMAC mismatch). */
export function decryptWith(env: VaultEnvelope, password: Buffer): Buffer | undefined {
  const { key, hmacKey, iv } = keys(password, env.salt);
  const mac = createHmac('sha256', hmacKey).update(env.ciphertext).digest();
  if (mac.length !== env.hmac.length || !timingSafeEqual(mac, env.hmac)) return undefined;
  const d = createDecipheriv('aes-256-ctr', key, iv);
  const padded = Buffer.concat([d.update(env.ciphertext), d.final()]);
  const pad = padded[padded.length - 1] ?? 0;
  if (pad < 1 || pad > 16 || pad > padded.length || !padded.subarray(padded.length - pad).every((b) => b === pad)) {
    throw new VaultFormatError('bad padding after decryption');
  }
  return padded.subarray(0, padded.length - pad);
}

/**
 * Decrypts with the first secret that opens the text, trying the one whose id matches the
 * header first, then the others (Ansible's default, vault_id_match off).
 */
export function decryptVault(text: string, secrets: readonly VaultSecret[]): { plaintext: Buffer; secret: VaultSecret; envelope: VaultEnvelope } | undefined {
  const env = parseVaultText(text);
  const ordered = [...secrets.filter((s) => s.id === env.vaultId), ...secrets.filter((s) => s.id !== env.vaultId)];
  for (const secret of ordered) {
    const plaintext = decryptWith(env, secret.password);
    if (plaintext) return { plaintext, secret, envelope: env };
  }
  return undefined;
}
