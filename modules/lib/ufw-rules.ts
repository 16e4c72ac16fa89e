// ufw's own record of its rules: the `### tuple ###` lines of /etc/ufw/user.rules (IPv4) and
// user6.rules (IPv6), as ufw 0.35/0.36 writes them (backend_iptables.py, _write_rules):
//   ### tuple ### ACTION PROTO DPORT DST SPORT SRC [DAPP SAPP] DIRECTION[_IFACE] [comment=HEX]
// e.g. `ufw allow in ssh` → `### tuple ### allow tcp 22 0.0.0.0/0 any 0.0.0.0/0 in`.
// Also the address normalization ufw applies before storing, and a first-match evaluation of
// the rules for one incoming TCP connection (to tell whether SSH stays reachable).
import { ModuleError } from '../../sdk/index.js';

export interface Tuple {
  /** allow, deny, reject, limit, possibly with _log / _log-all. */
  action: string;
  proto: string;
  dport: string;
  dst: string;
  sport: string;
  src: string;
  /** Application profile names ('-' when none); only in 9-field tuples. */
  dapp: string;
  sapp: string;
  /** `in`, `out`, `in_eth0`, `out_eth1`. */
  iface: string;
  /** Hex-encoded comment as ufw stores it ('' when none). */
  comment: string;
}

export function parseTuples(text: string): Tuple[] {
  const out: Tuple[] = [];
  for (const line of text.split('\n')) {
    if (!line.startsWith('### tuple ###')) continue;
    let body = line.slice('### tuple ###'.length).trim();
    let comment = '';
    const c = body.indexOf(' comment=');
    if (c >= 0) {
      comment = body.slice(c + ' comment='.length).trim();
      body = body.slice(0, c);
    }
    const f = body.split(/\s+/);
    if (f.length === 7) out.push({ action: f[0]!, proto: f[1]!, dport: f[2]!, dst: f[3]!, sport: f[4]!, src: f[5]!, dapp: '-', sapp: '-', iface: f[6]!, comment });
    else if (f.length === 9) out.push({ action: f[0]!, proto: f[1]!, dport: f[2]!, dst: f[3]!, sport: f[4]!, src: f[5]!, dapp: f[6]!, sapp: f[7]!, iface: f[8]!, comment });
  }
  return out;
}

export function formatTuple(t: Tuple): string {
  const apps = t.dapp !== '-' || t.sapp !== '-' ? ` ${t.dapp} ${t.sapp}` : '';
  return `${t.action} ${t.proto} ${t.dport} ${t.dst} ${t.sport} ${t.src}${apps} ${t.iface}${t.comment ? ` comment=${t.comment}` : ''}`;
}

/** Same rule apart from action and comment (ufw's UFWRule.match() < 1). */
export function sameRule(a: Tuple, b: Tuple): boolean {
  return a.proto === b.proto && a.dport === b.dport && a.dst === b.dst && a.sport === b.sport && a.src === b.src && a.dapp === b.dapp && a.sapp === b.sapp && a.iface === b.iface;
}

export const hexComment = (comment: string): string => Buffer.from(comment, 'utf8').toString('hex');
export const unhexComment = (hex: string): string => Buffer.from(hex, 'hex').toString('utf8');

/** ufw's human_sort of a port list: numbers numerically, text case-insensitively. */
export function humanSortPorts(ports: string): string {
  const key = (s: string) => s.split(/([0-9]+)/).map((c) => (/^[0-9]+$/.test(c) ? Number(c) : c.toLowerCase()));
  return ports
    .split(',')
    .sort((a, b) => {
      const ka = key(a);
      const kb = key(b);
      for (let i = 0; i < Math.max(ka.length, kb.length); i++) {
        const x = ka[i];
        const y = kb[i];
        if (x === y) continue;
        if (x === undefined) return -1;
        if (y === undefined) return 1;
        if (typeof x === 'number' && typeof y === 'number') return x - y;
        return String(x) < String(y) ? -1 : 1;
      }
      return 0;
    })
    .join(',');
}

const IPV4 = /^(25[0-5]|2[0-4]\d|1?\d?\d)(\.(25[0-5]|2[0-4]\d|1?\d?\d)){3}$/;

export function isIPv4(addr: string): boolean {
  return IPV4.test(addr.split('/')[0]!);
}

export function isIPv6(addr: string): boolean {
  const a = addr.split('/')[0]!;
  if (!a.includes(':')) return false;
  try {
    new URL(`http://[${a}]/`);
    return true;
  } catch {
    return false;
  }
}

function v4ToInt(a: string): number {
  return a.split('.').reduce((n, o) => n * 256 + Number(o), 0);
}

function intToV4(n: number): string {
  return [24, 16, 8, 0].map((s) => Math.floor(n / 2 ** s) % 256).join('.');
}

function v6ToBigInt(a: string): bigint {
  const host = new URL(`http://[${a}]/`).hostname.slice(1, -1);
  let [head, tail] = host.includes('::') ? host.split('::') : [host, undefined];
  const h = head ? head.split(':') : [];
  const t = tail ? tail.split(':') : [];
  const groups = tail === undefined ? h : [...h, ...Array(8 - h.length - t.length).fill('0'), ...t];
  return groups.reduce((n, g) => (n << 16n) | BigInt(parseInt(g, 16)), 0n);
}

/**
 * Normalizes an address the way ufw stores it (util.normalize_address): host masks dropped,
 * dotted IPv4 netmasks turned into prefix lengths, IPv4 networks reduced to their network
 * address, IPv6 in its canonical compressed form.
 */
export function normalizeAddress(addr: string, v6: boolean): string {
  const lower = addr.toLowerCase();
  const [host, maskIn] = lower.split('/') as [string, string | undefined];
  let mask = maskIn;
  if (v6) {
    if (!isIPv6(host)) throw new ModuleError(`ufw: bad address '${addr}'`);
    if (mask === '128') mask = undefined;
    const canonical = new URL(`http://[${host}]/`).hostname.slice(1, -1);
    if (mask !== undefined && !(/^\d+$/.test(mask) && Number(mask) <= 128)) throw new ModuleError(`ufw: bad netmask in '${addr}'`);
    return mask === undefined ? canonical : `${canonical}/${mask}`;
  }
  if (!IPV4.test(host)) throw new ModuleError(`ufw: bad address '${addr}'`);
  if (mask !== undefined && IPV4.test(mask)) {
    const m = v4ToInt(mask);
    const bits = m.toString(2).padStart(32, '0');
    if (/^1*0*$/.test(bits)) mask = String(bits.indexOf('0') < 0 ? 32 : bits.indexOf('0'));
  }
  if (mask === '32') mask = undefined;
  const canonicalHost = host.split('.').map(Number).join('.');
  if (mask === undefined) return canonicalHost;
  if (!/^\d+$/.test(mask) || Number(mask) > 32) throw new ModuleError(`ufw: bad netmask in '${addr}'`);
  const bits = Number(mask);
  const net = bits === 0 ? 0 : v4ToInt(canonicalHost) - (v4ToInt(canonicalHost) % 2 ** (32 - bits));
  return `${intToV4(net)}/${bits}`;
}

/** Whether `addr` (a plain address) lies in `spec` (an address or network as stored in a tuple). */
export function addressIn(addr: string, spec: string): boolean {
  if (spec === '0.0.0.0/0') return isIPv4(addr);
  if (spec === '::/0') return isIPv6(addr);
  const [net, maskText] = spec.split('/') as [string, string | undefined];
  if (isIPv4(addr) && isIPv4(net)) {
    const bits = maskText === undefined ? 32 : Number(maskText);
    const size = 2 ** (32 - bits);
    return Math.floor(v4ToInt(addr) / size) === Math.floor(v4ToInt(net) / size);
  }
  if (isIPv6(addr) && isIPv6(net)) {
    const bits = BigInt(maskText === undefined ? 128 : Number(maskText));
    const shift = 128n - bits;
    return v6ToBigInt(addr) >> shift === v6ToBigInt(net) >> shift;
  }
  return false;
}

/** Whether `port` is in a stored port spec: any, 22, 21,22, 6000:6010. */
export function portIn(port: number, spec: string): boolean {
  if (spec === 'any') return true;
  return spec.split(',').some((p) => {
    const [lo, hi] = p.split(':').map(Number);
    return hi === undefined ? port === lo : port >= lo! && port <= hi;
  });
}

export interface Connection4 {
  /** The client's address, when known ($SSH_CONNECTION). */
  src?: string;
  /** The address the client connected to, when known. */
  dst?: string;
  port: number;
}

/**
 * What ufw does with a new incoming TCP connection: the first matching user rule decides,
 * else the default incoming policy. Rules bound to an interface or a source port, and
 * rules whose address cannot be judged because the connection's address is unknown, are
 * passed over (they neither prove nor disprove access).
 */
export function incomingVerdict(rules: Tuple[], policy: string, c: Connection4): { allowed: boolean; by: string } {
  for (const r of rules) {
    if (r.iface !== 'in' || r.sport !== 'any') continue;
    if (r.proto !== 'tcp' && r.proto !== 'any') continue;
    if (!portIn(c.port, r.dport)) continue;
    const anySrc = r.src === '0.0.0.0/0' || r.src === '::/0';
    const anyDst = r.dst === '0.0.0.0/0' || r.dst === '::/0';
    if (!anySrc && !(c.src && addressIn(c.src, r.src))) continue;
    if (!anyDst && !(c.dst && addressIn(c.dst, r.dst))) continue;
    if (anySrc && c.src && !addressIn(c.src, r.src)) continue;
    const action = r.action.split('_')[0]!;
    return { allowed: action === 'allow' || action === 'limit', by: `rule '${formatTuple(r)}'` };
  }
  return { allowed: policy === 'allow', by: `default incoming policy ${policy}` };
}
