// Host key verification against an OpenSSH known_hosts file, by OpenSSH's own rules (its
// hostfile.c, match.c and sshconnect.c): the verdict for each key is the one `ssh` gives.
//  - A host is known when any plain line matches it; a key that is not one of its keys, of ANY
//    type, is a changed key ("REMOTE HOST IDENTIFICATION HAS CHANGED"), never a new one.
//  - `@revoked` keys are refused whatever else the file says; `@cert-authority` lines hold CA
//    keys, which vouch only for host certificates (tsplay's client takes none), not for keys.
//  - Host fields are comma lists of `*`/`?` patterns, `!` negates (a negated match excludes
//    the line), names compare case-insensitively; `|1|salt|hash` is one hashed name.
//  - Off port 22 the name is `[host]:port`; a host unknown under it is also OK when its bare
//    name holds this very key (OpenSSH's "checking without port identifier").
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

interface Entry {
  marker: 'key' | 'cert-authority' | 'revoked';
  hosts: string;
  type: string;
  /** The key blob, base64 as OpenSSH writes it. */
  blob: string;
  line: number;
}

/** The key type named inside an SSH public key blob (undefined when it is not one). */
function blobType(key: Buffer): string | undefined {
  if (key.length < 4) return undefined;
  const len = key.readUInt32BE(0);
  return len > 0 && 4 + len <= key.length ? key.subarray(4, 4 + len).toString('latin1') : undefined;
}

/** The lines OpenSSH would load; malformed ones are skipped, as `ssh` skips them. */
export function parseKnownHosts(text: string): Entry[] {
  const out: Entry[] = [];
  text.split('\n').forEach((raw, i) => {
    const fields = raw.trim().split(/[ \t]+/);
    if (!fields[0] || fields[0].startsWith('#')) return;
    let marker: Entry['marker'] = 'key';
    if (fields[0].startsWith('@')) {
      // One marker at most, and only these two: any other line starting with @ is invalid.
      const m = fields.shift();
      if (m === '@cert-authority') marker = 'cert-authority';
      else if (m === '@revoked') marker = 'revoked';
      else return;
      if (fields[0]?.startsWith('@')) return;
    }
    const [hosts, type, b64] = fields;
    if (!hosts || !type || !b64 || b64.startsWith('#')) return;
    if (!/^[A-Za-z0-9+/]+={0,2}$/.test(b64)) return;
    const blob = Buffer.from(b64, 'base64');
    if (blobType(blob) !== type) return;
    out.push({ marker, hosts, type, blob: blob.toString('base64'), line: i + 1 });
  });
  return out;
}

/** OpenSSH's match_pattern: `*` any run of characters, `?` any one, the rest literal. */
export function matchPattern(s: string, pattern: string): boolean {
  // Iterative glob with backtracking to the last `*`: linear enough, no regular expression.
  let si = 0;
  let pi = 0;
  let star = -1;
  let mark = 0;
  while (si < s.length) {
    if (pi < pattern.length && (pattern[pi] === '?' || (pattern[pi] !== '*' && pattern[pi] === s[si]))) {
      si++;
      pi++;
    } else if (pi < pattern.length && pattern[pi] === '*') {
      star = pi++;
      mark = si;
    } else if (star >= 0) {
      pi = star + 1;
      si = ++mark;
    } else return false;
  }
  while (pattern[pi] === '*') pi++;
  return pi === pattern.length;
}

/** OpenSSH's match_hostname: 1 matched, 0 not, -1 matched a negated pattern (which wins). */
export function matchHostList(name: string, list: string): 1 | 0 | -1 {
  const host = name.toLowerCase();
  let positive = false;
  for (const part of list.toLowerCase().split(',')) {
    const negated = part.startsWith('!');
    if (matchPattern(host, negated ? part.slice(1) : part)) {
      if (negated) return -1;
      positive = true;
    }
  }
  return positive ? 1 : 0;
}

/** A host field against a name: `|1|salt|hash` (HMAC-SHA1 of the name) or a pattern list. */
function hostsMatch(hosts: string, name: string): boolean {
  if (!hosts.startsWith('|')) return matchHostList(name, hosts) === 1;
  const m = /^\|1\|([^|]+)\|/.exec(hosts);
  if (!m) return false;
  const salt = Buffer.from(m[1]!, 'base64');
  if (salt.length !== 20) return false;
  const hash = createHmac('sha1', salt).update(name).digest('base64');
  return hosts === `|1|${salt.toString('base64')}|${hash}`;
}

type Status =
  | { kind: 'ok' }
  | { kind: 'new' }
  | { kind: 'changed'; offending: Entry }
  | { kind: 'revoked'; entry: Entry };

/** OpenSSH's check_hostkeys_by_key_or_type for a plain key and the lines of one name. */
function statusOf(entries: Entry[], name: string, blob: string): Status {
  const mine = entries.filter((e) => hostsMatch(e.hosts, name));
  const revoked = mine.find((e) => e.marker === 'revoked' && e.blob === blob);
  if (revoked) return { kind: 'revoked', entry: revoked };
  const keys = mine.filter((e) => e.marker === 'key');
  if (keys.some((e) => e.blob === blob)) return { kind: 'ok' };
  return keys.length ? { kind: 'changed', offending: keys[keys.length - 1]! } : { kind: 'new' };
}

function readEntries(file: string): Entry[] {
  return existsSync(file) ? parseKnownHosts(readFileSync(file, 'utf8')) : [];
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
  // ssh lowercases the host it is given before it looks it up (hashed names included).
  const bare = host.toLowerCase();
  const name = knownHostsName(bare, port);
  const type = blobType(key) ?? 'unknown';
  const b64 = key.toString('base64');
  const entries = readEntries(file);
  let status = statusOf(entries, name, b64);
  if (status.kind === 'new' && port !== 22 && statusOf(entries, bare, b64).kind === 'ok') status = { kind: 'ok' };
  switch (status.kind) {
    case 'ok':
      return { ok: true };
    case 'revoked':
      return {
        ok: false,
        reason: `the ${type} host key of ${name} is marked as revoked in ${file}:${status.entry.line}: a stolen key may be impersonating this host`,
      };
    case 'changed':
      return {
        ok: false,
        reason:
          `REMOTE HOST IDENTIFICATION HAS CHANGED for ${name}: it offered a ${type} key that ${file} does not hold ` +
          `(offending ${status.offending.type} key in ${file}:${status.offending.line}); someone may be intercepting the connection. ` +
          `If the host was rebuilt, remove its old entries (ssh-keygen -R '${name}' -f ${file}) and add its new key.`,
      };
    case 'new':
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
}

/** ssh2's host key algorithms, in its order of preference, with the key type each one uses. */
const HOST_KEY_ALGORITHMS: [algorithm: string, keyType: string][] = [
  ['ssh-ed25519', 'ssh-ed25519'],
  ['ecdsa-sha2-nistp256', 'ecdsa-sha2-nistp256'],
  ['ecdsa-sha2-nistp384', 'ecdsa-sha2-nistp384'],
  ['ecdsa-sha2-nistp521', 'ecdsa-sha2-nistp521'],
  ['rsa-sha2-512', 'ssh-rsa'],
  ['rsa-sha2-256', 'ssh-rsa'],
  ['ssh-rsa', 'ssh-rsa'],
];

/**
 * The host key algorithms to offer, as OpenSSH's order_hostkeyalgs orders them: first those
 * of the key types already known for the host (under its `[host]:port` name), then the rest,
 * each part in the client's order; undefined (the client's own list) when the host's known
 * keys include the client's first choice. So a host known only by its ECDSA key is asked for
 * that key, not for an Ed25519 key that would be "changed".
 */
export function hostKeyAlgorithms(file: string, host: string, port: number): string[] | undefined {
  const name = knownHostsName(host.toLowerCase(), port);
  const known = new Set(readEntries(file).filter((e) => e.marker === 'key' && hostsMatch(e.hosts, name)).map((e) => e.type));
  if (!known.size || known.has(HOST_KEY_ALGORITHMS[0]![1])) return undefined;
  const first = HOST_KEY_ALGORITHMS.filter(([, t]) => known.has(t)).map(([a]) => a);
  // ssh-dss is not in ssh2's default list, but is still a key type a host may be known by.
  if (known.has('ssh-dss')) first.push('ssh-dss');
  return [...first, ...HOST_KEY_ALGORITHMS.map(([a]) => a).filter((a) => !first.includes(a))];
}
