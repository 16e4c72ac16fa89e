// Host key verification against OpenSSH known_hosts files (plain and hashed entries).
import { createHmac } from 'node:crypto';
import { appendFileSync, existsSync, mkdirSync, readFileSync } from 'node:fs';
import { dirname } from 'node:path';

export type HostKeyPolicy = 'strict' | 'accept-new' | 'off';

export type HostKeyVerdict =
  | { ok: true; added?: boolean }
  | { ok: false; reason: string };

/** The name under which OpenSSH records a host: `host` on port 22, `[host]:port` otherwise. */
export function knownHostsName(host: string, port: number): string {
  return port === 22 ? host : `[${host}]:${port}`;
}

function keyType(key: Buffer): string {
  const len = key.readUInt32BE(0);
  return key.subarray(4, 4 + len).toString('latin1');
}

function matchesHost(pattern: string, name: string): boolean {
  if (pattern.startsWith('|1|')) {
    const [, , salt, hash] = pattern.split('|');
    if (!salt || !hash) return false;
    return createHmac('sha1', Buffer.from(salt, 'base64')).update(name).digest('base64') === hash;
  }
  return pattern.split(',').some((p) => p === name);
}

/** Checks a server's raw public key against the known_hosts file, under the given policy. */
export function verifyHostKey(
  file: string,
  host: string,
  port: number,
  key: Buffer,
  policy: HostKeyPolicy,
): HostKeyVerdict {
  if (policy === 'off') return { ok: true };
  const name = knownHostsName(host, port);
  const type = keyType(key);
  const b64 = key.toString('base64');
  const lines = existsSync(file) ? readFileSync(file, 'utf8').split('\n') : [];
  let sameTypeMismatch = false;
  for (const raw of lines) {
    const line = raw.trim();
    if (!line || line.startsWith('#')) continue;
    const fields = line.split(/\s+/);
    if (fields[0]?.startsWith('@')) continue; // @cert-authority / @revoked: not supported
    const [hosts, ktype, kdata] = fields;
    if (!hosts || !ktype || !kdata || !matchesHost(hosts, name)) continue;
    if (kdata === b64) return { ok: true };
    if (ktype === type) sameTypeMismatch = true;
  }
  if (sameTypeMismatch) {
    return {
      ok: false,
      reason: `host key for ${name} has CHANGED (${type}); it does not match ${file}. If the host was rebuilt, remove its old entry (ssh-keygen -R '${name}' -f ${file}).`,
    };
  }
  if (policy === 'accept-new') {
    mkdirSync(dirname(file), { recursive: true });
    appendFileSync(file, `${name} ${type} ${b64}\n`);
    return { ok: true, added: true };
  }
  return {
    ok: false,
    reason: `host key for ${name} is not known (${type}); add it to ${file} (ssh-keyscan), or set ansible_host_key_checking: accept-new`,
  };
}
