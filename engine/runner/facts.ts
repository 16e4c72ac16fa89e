// Facts: what tsplay knows of a host, gathered in one round trip per host, once per run.
import type { Connection } from '../module-api.js';
import { sections, splitSections } from '../shell.js';

const PROBES = {
  os: 'cat /etc/os-release 2>/dev/null || cat /usr/lib/os-release',
  host: 'hostname; hostname -f 2>/dev/null || hostname; id -un',
  addr: 'ip -o -4 addr show 2>/dev/null',
  route: 'ip -4 route show default 2>/dev/null',
  init: 'if [ -d /run/systemd/system ]; then echo systemd; else echo other; fi',
  pg: 'ls -1 /usr/lib/postgresql 2>/dev/null',
  clusters: 'pg_lsclusters --no-header 2>/dev/null',
  pgpool: 'pgpool --version 2>&1 || /usr/sbin/pgpool --version 2>&1',
};

export const FACTS_COMMAND = sections(PROBES);

export interface PgCluster {
  version: string;
  cluster: string;
  port: number;
  status: string;
  owner: string;
  data_directory: string;
}

export async function gatherFacts(conn: Connection): Promise<Record<string, unknown>> {
  const r = await conn.exec(FACTS_COMMAND);
  return parseFacts(r.stdout);
}

export function parseFacts(stdout: string): Record<string, unknown> {
  const s = splitSections(stdout);
  const os: Record<string, string> = {};
  for (const line of (s.os?.out ?? '').split('\n')) {
    const m = /^([A-Z_]+)=("?)(.*)\2$/.exec(line.trim());
    if (m) os[m[1]!] = m[3]!;
  }
  const [hostname = '', fqdn = '', user = ''] = (s.host?.out ?? '').split('\n');
  const addrs: { iface: string; address: string }[] = [];
  for (const line of (s.addr?.out ?? '').split('\n')) {
    const m = /^\d+:\s+(\S+)\s+inet\s+([\d.]+)\//.exec(line);
    if (m && m[2] !== '127.0.0.1') addrs.push({ iface: m[1]!.replace(/@.*/, ''), address: m[2]! });
  }
  const defIface = /dev\s+(\S+)/.exec(s.route?.out ?? '')?.[1];
  const def = addrs.find((a) => a.iface === defIface) ?? addrs[0];
  const versions = (s.pg?.out ?? '').split('\n').map((v) => v.trim()).filter((v) => /^\d+(\.\d+)?$/.test(v));
  versions.sort((a, b) => Number(a) - Number(b));
  const clusters: PgCluster[] = [];
  for (const line of (s.clusters?.out ?? '').split('\n')) {
    const f = line.trim().split(/\s+/);
    if (f.length >= 6 && /^\d/.test(f[0]!)) {
      clusters.push({ version: f[0]!, cluster: f[1]!, port: Number(f[2]), status: f[3]!, owner: f[4]!, data_directory: f[5]! });
    }
  }
  const pgpool = /pgpool-II version ([\d.]+)/.exec(s.pgpool?.out ?? '')?.[1] ?? null;
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
    ansible_service_mgr: (s.init?.out ?? '').trim() === 'systemd' ? 'systemd' : 'other',
    pg_versions: versions,
    pg_clusters: clusters,
    pgpool_version: pgpool,
  };
}
