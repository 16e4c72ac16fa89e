// vars_prompt's `encrypt`: a crypt(3) hash as Ansible's (passlib's) sha512_crypt/sha256_crypt
// gives, made by the system's openssl (Node has no crypt); the password goes on stdin.
import { spawnSync } from 'node:child_process';
import { ModuleError } from '../errors.js';

export function cryptPassword(password: string, scheme: string): string {
  const flag = scheme === 'sha512_crypt' ? '-6' : scheme === 'sha256_crypt' ? '-5' : undefined;
  if (!flag) throw new ModuleError(`vars_prompt: encrypt '${scheme}' is not supported (sha512_crypt, sha256_crypt)`);
  const r = spawnSync('openssl', ['passwd', flag, '-stdin'], { input: `${password}\n`, encoding: 'utf8' });
  if (r.error || r.status !== 0) throw new ModuleError(`vars_prompt: openssl passwd failed: ${r.error?.message ?? r.stderr.trim()}`);
  return r.stdout.trim();
}
