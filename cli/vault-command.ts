// `tsplay vault create|edit|encrypt|decrypt|view|encrypt_string|rekey`: ansible-vault's
// subcommands with its options, its file format and its messages, so that files move freely
// between the two tools.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { UsageError } from '../engine/errors.js';
import { decryptVault, encryptVault, isVaultText, parseVaultText, type VaultSecret } from '../engine/vault/cipher.js';
import { privateTemp, readData, realFile, writeData } from '../engine/vault/files.js';
import { VaultError } from '../engine/vault/keyring.js';
import { loadVaultSecrets, passwordFrom, type Prompt, type VaultOptions } from '../engine/vault/secrets.js';

export interface VaultCommandFlags extends VaultOptions {
  encryptVaultId?: string;
  newVaultId?: string;
  newVaultPasswordFile?: string;
  output?: string;
  name?: string[];
  prompt?: boolean;
  stdinName?: string;
}

export interface VaultIo {
  out: (b: Buffer | string) => void;
  err: (s: string) => void;
  prompt: Prompt;
}

type Action = 'create' | 'edit' | 'encrypt' | 'decrypt' | 'view' | 'encrypt_string' | 'rekey';

export async function vaultCommand(action: Action, args: string[], flags: VaultCommandFlags, io: VaultIo): Promise<void> {
  const secrets = await loadVaultSecrets(flags, io.prompt);
  const out = (b: Buffer) => io.out(b);
  switch (action) {
    case 'encrypt': {
      const { id, secret } = await encryptSecret(secrets, flags, io);
      const files = args.length ? args : ['-'];
      if (flags.output && files.length > 1) throw new UsageError('--output works with one file only');
      for (const f of files) {
        const src = f === '-' ? f : realFile(f);
        const data = readData(src);
        if (isVaultText(data)) throw new VaultError(`input is already encrypted: ${f === '-' ? 'stdin' : f}`);
        writeData(flags.output ?? src, encryptVault(data, secret, id), out);
      }
      io.err('Encryption successful\n');
      return;
    }
    case 'decrypt': {
      const files = args.length ? args : ['-'];
      if (flags.output && files.length > 1) throw new UsageError('--output works with one file only');
      for (const f of files) {
        const src = f === '-' ? f : realFile(f);
        writeData(flags.output ?? src, open(readData(src), secrets, f).plaintext, out);
      }
      io.err('Decryption successful\n');
      return;
    }
    case 'view':
      if (!args.length) throw new UsageError('tsplay vault view needs a file name');
      for (const f of args) io.out(open(readData(f), secrets, f).plaintext);
      return;
    case 'create': {
      const file = one(args, 'create');
      if (existsSync(file)) throw new VaultError(`${file} exists, please use 'edit' instead`);
      const { id, secret } = await encryptSecret(secrets, flags, io);
      if (!existsSync(dirname(file))) {
        io.err(`[WARNING]: ${dirname(file)} does not exist, creating...\n`);
        mkdirSync(dirname(file), { recursive: true });
      }
      const edited = editInTemp(file, Buffer.alloc(0));
      writeData(file, encryptVault(edited, secret, id), out);
      return;
    }
    case 'edit': {
      const file = realFile(one(args, 'edit'));
      const opened = open(readData(file), secrets, file);
      // Keep the file's vault id (and so its format version), and the secret that opened it.
      const edited = editInTemp(file, opened.plaintext);
      if (!edited.equals(opened.plaintext)) writeData(file, encryptVault(edited, opened.secret.password, opened.envelope.vaultId), out);
      return;
    }
    case 'rekey': {
      if (!args.length) throw new UsageError('tsplay vault rekey needs a file name');
      const opened = args.map((f) => ({ f: realFile(f), o: open(readData(realFile(f)), secrets, f) }));
      const newId = flags.newVaultId ?? 'default';
      const password = flags.newVaultPasswordFile
        ? passwordFrom(flags.newVaultPasswordFile, newId)
        : await newPassword(io, 'New Vault password: ', 'Confirm New Vault password: ');
      for (const { f, o } of opened) writeData(f, encryptVault(o.plaintext, password, newId), out);
      io.err('Rekey successful\n');
      return;
    }
    case 'encrypt_string': {
      const { id, secret } = await encryptSecret(secrets, flags, io);
      const items: { name?: string; value: string }[] = [];
      const names = flags.name ?? [];
      if (flags.prompt) {
        const value = await io.prompt('String to encrypt: ');
        items.push({ name: names[0], value });
      } else if (args.length === 0 || (args.length === 1 && args[0] === '-')) {
        items.push({ name: flags.stdinName ?? names[0], value: readData('-').toString('utf8') });
      } else args.forEach((value, i) => items.push({ name: names[i], value }));
      const text = items.map(({ name, value }) => {
        const lines = encryptVault(value, secret, id).trimEnd().split('\n');
        return `${name !== undefined ? `${name}: ` : ''}!vault |\n${lines.map((l) => `          ${l}`).join('\n')}`;
      });
      io.out(text.join('\n') + '\n');
      io.err('Encryption successful\n');
      return;
    }
  }
}

function one(args: string[], action: string): string {
  if (args.length !== 1) throw new UsageError(`tsplay vault ${action} takes exactly one file name`);
  return args[0]!;
}

function open(data: Buffer, secrets: VaultSecret[], file: string) {
  const text = data.toString('utf8');
  const where = file === '-' ? 'stdin' : file;
  if (!isVaultText(text)) throw new VaultError(`input is not vault encrypted data. ${where} is not a vault encrypted file`);
  if (!secrets.length) throw new VaultError('A vault password must be specified to decrypt data (--ask-vault-pass, --vault-password-file FILE or --vault-id LABEL@SOURCE)');
  parseVaultText(text);
  const opened = decryptVault(text, secrets);
  if (!opened) throw new VaultError(`Decryption failed (no vault secrets were found that could decrypt) on ${where}`);
  return opened;
}

/** The secret to encrypt with: --encrypt-vault-id's, else the first one given, else a new prompt. */
async function encryptSecret(secrets: VaultSecret[], flags: VaultCommandFlags, io: VaultIo): Promise<{ id: string; secret: Buffer }> {
  if (flags.encryptVaultId) {
    const s = secrets.find((x) => x.id === flags.encryptVaultId);
    if (!s) throw new VaultError(`Did not find a match for --encrypt-vault-id=${flags.encryptVaultId} in the known vault-ids [${secrets.map((x) => `'${x.id}'`).join(', ')}]`);
    return { id: s.id, secret: s.password };
  }
  if (secrets[0]) return { id: secrets[0].id, secret: secrets[0].password };
  return { id: 'default', secret: await newPassword(io, 'New Vault password: ', 'Confirm New Vault password: ') };
}

async function newPassword(io: VaultIo, ask: string, confirm: string): Promise<Buffer> {
  const a = (await io.prompt(ask)).trim();
  const b = (await io.prompt(confirm)).trim();
  if (a !== b) throw new VaultError('Passwords do not match');
  if (!a) throw new VaultError('Invalid vault password was provided from prompt');
  return Buffer.from(a, 'utf8');
}

/** Opens $EDITOR (else vi) on a private temp copy; returns what the user saved. */
function editInTemp(like: string, content: Buffer): Buffer {
  const tmp = privateTemp(like, content);
  try {
    const [cmd, ...cmdArgs] = (process.env.EDITOR || 'vi').split(/\s+/).filter(Boolean);
    const r = spawnSync(cmd!, [...cmdArgs, tmp.path], { stdio: 'inherit' });
    if (r.error) throw new VaultError(`Unable to execute the command "${cmd} ${tmp.path}": ${r.error.message}`);
    if (r.status !== 0) throw new VaultError(`the editor ${cmd} exited with ${r.status ?? r.signal}: nothing saved`);
    return readData(tmp.path);
  } finally {
    tmp.done();
  }
}
