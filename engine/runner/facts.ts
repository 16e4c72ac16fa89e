// Facts: what tsplay knows of a host, gathered in one round trip per host, once per run. The
// engine knows the operating system; other fact providers (PostgreSQL's lives with its modules)
// are handed in by the composition root, and all their probes share that one round trip.
import type { Connection } from '../module-api.js';
import { parseProbes, probeScript, raw, type ProbeOutput, type ProbeSet } from '../module/probe.js';

export interface FactProvider {
  /** Names this provider's probes in the shared script. */
  readonly name: string;
  readonly probes: ProbeSet;
  facts(probed: Record<string, unknown>): Record<string, unknown>;
}

const text = (o: unknown): string => (o as ProbeOutput).out;

/** The operating system, the network and the user: Ansible's ansible_* facts tsplay knows. */
export const systemFacts: FactProvider = {
  name: 'system',
  probes: {
    os: raw('cat /etc/os-release 2>/dev/null || cat /usr/lib/os-release'),
    host: raw('hostname; hostname -f 2>/dev/null || hostname; id -un'),
    addr: raw('ip -o -4 addr show 2>/dev/null'),
    route: raw('ip -4 route show default 2>/dev/null'),
    init: raw('if [ -d /run/systemd/system ]; then echo systemd; else echo other; fi'),
  },
  facts(p) {
    const os: Record<string, string> = {};
    for (const line of text(p.os).split('\n')) {
      const m = /^([A-Z_]+)=("?)(.*)\2$/.exec(line.trim());
      if (m) os[m[1]!] = m[3]!;
    }
    const [hostname = '', fqdn = '', user = ''] = text(p.host).split('\n');
    const addrs: { iface: string; address: string }[] = [];
    for (const line of text(p.addr).split('\n')) {
      const m = /^\d+:\s+(\S+)\s+inet\s+([\d.]+)\//.exec(line);
      if (m && m[2] !== '127.0.0.1') addrs.push({ iface: m[1]!.replace(/@.*/, ''), address: m[2]! });
    }
    const defIface = /dev\s+(\S+)/.exec(text(p.route))?.[1];
    const def = addrs.find((a) => a.iface === defIface) ?? addrs[0];
    const id = os.ID ?? 'unknown';
    return {
      ansible_hostname: hostname.trim().split('.')[0],
      ansible_nodename: hostname.trim(),
      ansible_fqdn: fqdn.trim(),
      ansible_user_id: user.trim(),
      ansible_distribution: os.NAME?.replace(/ GNU\/Linux$/, '') ?? id,
      ansible_distribution_id: id,
      ansible_distribution_version: os.VERSION_ID ?? '',
      ansible_distribution_release: os.VERSION_CODENAME ?? '',
      ansible_os_family: id === 'debian' || (os.ID_LIKE ?? '').includes('debian') || id === 'astra' ? 'Debian' : id,
      ansible_default_ipv4: def ? { address: def.address, interface: def.iface } : {},
      ansible_all_ipv4_addresses: addrs.map((a) => a.address),
      ansible_service_mgr: text(p.init).trim() === 'systemd' ? 'systemd' : 'other',
    };
  },
};

/** Every provider's probes, each under its provider's name, in one set. */
function factProbes(providers: readonly FactProvider[]): ProbeSet {
  return Object.fromEntries(providers.flatMap((f) => Object.entries(f.probes).map(([k, p]) => [`${f.name}.${k}`, p])));
}

/** The facts the providers make of one script's output. */
function parseFacts(providers: readonly FactProvider[], stdout: string): Record<string, unknown> {
  const probed = parseProbes(factProbes(providers), stdout);
  const facts: Record<string, unknown> = {};
  for (const f of providers) {
    const own = Object.fromEntries(Object.keys(f.probes).map((k) => [k, probed[`${f.name}.${k}`]]));
    Object.assign(facts, f.facts(own));
  }
  return facts;
}

export async function gatherFacts(conn: Connection, providers: readonly FactProvider[]): Promise<Record<string, unknown>> {
  const all = [systemFacts, ...providers];
  const r = await conn.exec(probeScript(factProbes(all)));
  return parseFacts(all, r.stdout);
}
