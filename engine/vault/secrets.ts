// Where vault passwords come from, as in Ansible: `--vault-id LABEL@SOURCE` (SOURCE is `prompt`,
// a file, or an executable script), `--vault-password-file FILE` (label 'default') and
// `--ask-vault-pass` (label 'default', prompted). A file's content is stripped of surrounding
// whitespace; a script is run with no arguments (a `*-client` script with `--vault-id LABEL`)
// and its stdout, stripped of CR/LF, is the password.
import { spawnSync } from 'node:child_process';
import { readFileSync, statSync } from 'node:fs';
import { isExecutable } from '../executable.js';
import { basename, extname } from 'node:path';
import { UsageError } from '../errors.js';
import { DEFAULT_VAULT_ID, type VaultSecret } from './cipher.js';
import { VaultError } from './keyring.js';

export interface VaultOptions {
  askVaultPass?: boolean;
  vaultPasswordFile?: string[];
  vaultId?: string[];
}

export type Prompt = (question: string) => Promise<string>;

/** `label@source`, or a bare source (label 'default'). */
export function parseVaultId(spec: string): { id: string; source: string } {
  const at = spec.indexOf('@');
  if (at < 0) return { id: DEFAULT_VAULT_ID, source: spec };
  const id = spec.slice(0, at);
  const source = spec.slice(at + 1);
  if (!id || !source) throw new UsageError(`--vault-id '${spec}': expected LABEL@SOURCE (SOURCE: prompt, a password file or a script)`);
  return { id, source };
}

/** Ansible's `*-client` scripts (by name, with or without extension) are told the vault id. */
const isClientScript = (file: string): boolean => basename(file, extname(file)).endsWith('-client');

/** Reads one password file or runs one password script. */
export function passwordFrom(file: string, id: string): Buffer {
  let st;
  try {
    st = statSync(file);
  } catch {
    throw new VaultError(`The vault password file ${file} was not found`);
  }
  if (st.isDirectory()) throw new VaultError(`The vault password file provided '${file}' can not be a directory`);
  let password: Buffer;
  if (isExecutable(file)) {
    const args = isClientScript(file) ? ['--vault-id', id] : [];
    const r = spawnSync(file, args, { stdio: ['inherit', 'pipe', 'inherit'], maxBuffer: 1 << 20 });
    if (r.error) throw new VaultError(`Problem running vault password script ${file} (${r.error.message}). If this is not a script, remove the executable bit from the file.`);
    if (r.status !== 0) throw new VaultError(`Vault password script ${file} returned non-zero (${r.status ?? r.signal})`);
    password = strip(r.stdout, CR_LF);
  } else {
    password = strip(readFileSync(file), ASCII_SPACE);
  }
  if (!password.length) throw new VaultError(`Invalid vault password was provided from ${isExecutable(file) ? 'script' : 'file'} (${file})`);
  return password;
}

/** Python's bytes.strip(): ASCII whitespace only (not U+00A0, as String.trim would). */
const ASCII_SPACE = new Set([0x20, 0x09, 0x0a, 0x0b, 0x0c, 0x0d]);
const CR_LF = new Set([0x0a, 0x0d]);

function strip(b: Buffer, chars: Set<number>): Buffer {
  let start = 0;
  let end = b.length;
  while (start < end && chars.has(b[start]!)) start++;
  while (end > start && chars.has(b[end - 1]!)) end--;
  return b.subarray(start, end);
}

/** The secrets of a command line, in Ansible's order: --vault-id, then files, then the prompt. */
export async function loadVaultSecrets(o: VaultOptions, prompt: Prompt): Promise<VaultSecret[]> {
  const out: VaultSecret[] = [];
  const specs = [
    ...(o.vaultId ?? []).map(parseVaultId),
    ...(o.vaultPasswordFile ?? []).map((source) => ({ id: DEFAULT_VAULT_ID, source })),
    ...(o.askVaultPass ? [{ id: DEFAULT_VAULT_ID, source: 'prompt_ask_vault_pass' }] : []),
  ];
  for (const { id, source } of specs) {
    if (source === 'prompt' || source === 'prompt_ask_vault_pass') {
      const question = source === 'prompt' ? `Vault password (${id}): ` : 'Vault password: ';
      const typed = strip(Buffer.from(await prompt(question), 'utf8'), ASCII_SPACE);
      if (!typed.length) throw new VaultError('Invalid vault password was provided from prompt');
      out.push({ id, password: typed, source: 'prompt' });
    } else out.push({ id, password: passwordFrom(source, id), source });
  }
  return out;
}
