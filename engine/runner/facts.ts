// Facts: what tsplay knows of a host, gathered in one round trip per host. The engine knows the
// operating system, the network and the hardware, each a gather_subset as Ansible names them
// (min, network, hardware); other fact providers (PostgreSQL's lives with its modules) are
// handed in by the composition root, and all the probes chosen share that one round trip.
import type { Connection, FactProvider, FactSubset, ProbeOutput, ProbeSet } from '../module-api.js';
import { parseProbes, probeScript, raw } from '../module/probe.js';

const text = (o: unknown): string => (o as ProbeOutput).out;

/** The operating system, the kernel, the user and the environment (Ansible's minimal subset). */
export const systemFacts: FactProvider = {
  name: 'system',
  probes: {
    os: raw('cat /etc/os-release 2>/dev/null || cat /usr/lib/os-release'),
    debianVersion: raw('cat /etc/debian_version 2>/dev/null'),
    host: raw('hostname; hostname -f 2>/dev/null || hostname; id -un'),
    init: raw('if [ -d /run/systemd/system ]; then echo systemd; else cat /proc/1/comm 2>/dev/null; fi'),
    kernel: raw('uname -s; uname -r; uname -v; uname -m'),
    // NUL-separated so that a value with a newline stays one value; \001 travels in the text.
    env: raw("env -0 2>/dev/null | tr '\\n\\000' '\\002\\001' || env"),
  },
  facts(p) {
    const os: Record<string, string> = {};
    for (const line of text(p.os).split('\n')) {
      const m = /^([A-Z_]+)=("?)(.*)\2$/.exec(line.trim());
      if (m) os[m[1]!] = m[3]!;
    }
    const [hostname = '', fqdn = '', user = ''] = text(p.host).split('\n');
    const [system = '', kernel = '', kernelVersion = '', machine = ''] = text(p.kernel).split('\n');
    const id = os.ID ?? 'unknown';
    // As Ansible on Debian: the point release from /etc/debian_version (12.11), not os-release's 12.
    const dv = text(p.debianVersion).trim();
    const version = id === 'debian' && /^\d+(\.\d+)+$/.test(dv) ? dv : os.VERSION_ID ?? '';
    return {
      ansible_hostname: hostname.trim().split('.')[0],
      ansible_nodename: hostname.trim(),
      ansible_fqdn: fqdn.trim(),
      ansible_user_id: user.trim(),
      ansible_distribution: os.NAME?.replace(/ GNU\/Linux$/, '') ?? id,
      ansible_distribution_id: id,
      ansible_distribution_version: version,
      ansible_distribution_major_version: version.split('.')[0] ?? '',
      ansible_distribution_release: os.VERSION_CODENAME ?? '',
      ansible_os_family: id === 'debian' || (os.ID_LIKE ?? '').includes('debian') || id === 'astra' ? 'Debian' : id,
      ansible_service_mgr: serviceManager(text(p.init).trim()),
      ansible_system: system.trim(),
      ansible_kernel: kernel.trim(),
      ansible_kernel_version: kernelVersion.trim(),
      ansible_machine: machine.trim(),
      ansible_architecture: machine.trim(),
      ansible_env: parseEnv(text(p.env)),
    };
  },
};

/** As Ansible: systemd when it runs, else PID 1's name (init: sysvinit). */
function serviceManager(probed: string): string {
  if (probed === 'systemd' || probed === 'init') return probed === 'init' ? 'sysvinit' : 'systemd';
  return probed || 'service';
}

function parseEnv(out: string): Record<string, string> {
  const nul = out.includes('\u0001');
  const entries = nul ? out.split('\u0001').map((e) => e.replace(/\u0002/g, '\n')) : out.split('\n');
  const env: Record<string, string> = {};
  for (const e of entries) {
    const eq = e.indexOf('=');
    if (eq > 0) env[e.slice(0, eq)] = e.slice(eq + 1);
  }
  return env;
}

/** Addresses and the default route (Ansible's network subset). */
export const networkFacts: FactProvider = {
  name: 'network',
  subset: 'network',
  probes: {
    addr: raw('ip -o -4 addr show 2>/dev/null'),
    route: raw('ip -4 route show default 2>/dev/null'),
  },
  facts(p) {
    const addrs: { iface: string; address: string }[] = [];
    for (const line of text(p.addr).split('\n')) {
      const m = /^\d+:\s+(\S+)\s+inet\s+([\d.]+)\//.exec(line);
      if (m && m[2] !== '127.0.0.1') addrs.push({ iface: m[1]!.replace(/@.*/, ''), address: m[2]! });
    }
    const defIface = /dev\s+(\S+)/.exec(text(p.route))?.[1];
    const def = addrs.find((a) => a.iface === defIface) ?? addrs[0];
    return {
      ansible_default_ipv4: def ? { address: def.address, interface: def.iface } : {},
      ansible_all_ipv4_addresses: addrs.map((a) => a.address),
    };
  },
};

/** Memory, processors and mounts (Ansible's hardware subset), what a DBA sizes PostgreSQL from. */
export const hardwareFacts: FactProvider = {
  name: 'hardware',
  subset: 'hardware',
  probes: {
    mem: raw('cat /proc/meminfo'),
    cpu: raw('cat /proc/cpuinfo; echo "nproc: $(nproc 2>/dev/null)"'),
    mounts: raw('cat /proc/mounts; echo @@df; df -P -B1 -a 2>/dev/null'),
  },
  facts(p) {
    const mem: Record<string, number> = {};
    for (const line of text(p.mem).split('\n')) {
      const m = /^(\w+):\s+(\d+)/.exec(line);
      if (m) mem[m[1]!] = Number(m[2]);
    }
    const mb = (k: string) => Math.floor((mem[k] ?? 0) / 1024);
    return {
      ansible_memtotal_mb: mb('MemTotal'),
      ansible_memfree_mb: mb('MemFree'),
      ansible_swaptotal_mb: mb('SwapTotal'),
      ansible_swapfree_mb: mb('SwapFree'),
      ...cpuFacts(text(p.cpu)),
      ansible_mounts: mountFacts(text(p.mounts)),
    };
  },
};

/** Ansible's reading of /proc/cpuinfo (module_utils/facts/hardware/linux.py, x86 and the like). */
export function cpuFacts(cpuinfo: string): Record<string, unknown> {
  const processor: string[] = [];
  let i = 0;
  let vendor = 0;
  let model = 0;
  let procs = 0;
  let physid = '0';
  let coreid = '0';
  const sockets = new Map<string, number>();
  const cores = new Map<string, number>();
  let nproc: number | undefined;
  for (const line of cpuinfo.split('\n')) {
    const colon = line.indexOf(':');
    const key = (colon < 0 ? line : line.slice(0, colon)).trim();
    const val = colon < 0 ? '' : line.slice(colon + 1).trim();
    if (['model name', 'Processor', 'vendor_id', 'cpu', 'Vendor', 'processor'].includes(key)) {
      processor.push(val);
      if (key === 'vendor_id') vendor++;
      if (key === 'model name') model++;
      if (key === 'processor') procs++;
      i++;
    } else if (key === 'physical id') {
      physid = val;
      if (!sockets.has(physid)) sockets.set(physid, 1);
    } else if (key === 'core id') {
      coreid = val;
      if (!sockets.has(coreid)) cores.set(coreid, 1);
    } else if (key === 'cpu cores') sockets.set(physid, Number.parseInt(val, 10));
    else if (key === 'siblings') cores.set(coreid, Number.parseInt(val, 10));
    else if (key === 'nproc' && /^\d+$/.test(val)) nproc = Number(val);
  }
  if (vendor > 0 && vendor === model) i = vendor;
  const count = sockets.size ? sockets.size : i;
  const firstSocket = [...sockets.values()][0];
  const perSocket = firstSocket ? firstSocket : 1;
  const firstCore = [...cores.values()][0];
  const threads = firstCore !== undefined ? Math.floor(firstCore / perSocket) : Math.floor(1 / perSocket);
  return {
    ansible_processor: processor,
    ansible_processor_count: count,
    ansible_processor_cores: perSocket,
    ansible_processor_threads_per_core: threads,
    ansible_processor_vcpus: threads * count * perSocket,
    ansible_processor_nproc: nproc ?? procs,
  };
}

/** Mounts of real devices (as Ansible keeps them) with their sizes from df. */
export function mountFacts(out: string): Record<string, unknown>[] {
  const [mtab = '', df = ''] = out.split('\n@@df\n');
  const sizes = new Map<string, { total: number; available: number }>();
  for (const line of df.split('\n').slice(1)) {
    const m = /^(\S+)\s+(\d+)\s+(\d+)\s+(\d+)\s+\S+\s+(.+)$/.exec(line);
    if (m) sizes.set(m[5]!, { total: Number(m[2]), available: Number(m[4]) });
  }
  const unescape = (s: string) => s.replace(/\\([0-7]{3})/g, (_m, o: string) => String.fromCharCode(Number.parseInt(o, 8)));
  const mounts: Record<string, unknown>[] = [];
  for (const line of mtab.split('\n')) {
    const [device, mount, fstype, options] = line.split(' ');
    if (!device || !mount || !fstype) continue;
    if (!device.startsWith('/') && !device.includes(':/') && !device.startsWith('\\')) continue;
    const at = unescape(mount);
    const s = sizes.get(at);
    mounts.push({ mount: at, device: unescape(device), fstype, options: options ?? '', size_total: s?.total ?? 0, size_available: s?.available ?? 0 });
  }
  return mounts;
}

/** The engine's own providers, in the order their facts are merged. */
export const engineFacts: readonly FactProvider[] = [systemFacts, networkFacts, hardwareFacts];

/**
 * The subsets a gather_subset list selects, as Ansible's get_collector_names: 'min' always (unless
 * '!min'), 'all' or nothing but exclusions means every subset, '!x' removes x unless it is named.
 */
export function selectSubsets(spec: readonly string[] | undefined): Set<FactSubset> {
  const valid: FactSubset[] = ['min', 'network', 'hardware'];
  const add = new Set<string>();
  const exclude = new Set<string>();
  const named = new Set<string>();
  for (const s of ['min', ...(spec?.length ? spec : ['all'])]) {
    if (s === 'min') add.add('min');
    else if (s === 'all') valid.forEach((v) => add.add(v));
    else if (s === '!min') exclude.add('min');
    else if (s === '!all') valid.filter((v) => v !== 'min').forEach((v) => exclude.add(v));
    else if (s.startsWith('!')) exclude.add(s.slice(1));
    else {
      named.add(s);
      add.add(s);
    }
  }
  if (!add.size) valid.forEach((v) => add.add(v));
  for (const e of exclude) if (!named.has(e)) add.delete(e);
  // Ansible's subsets tsplay has no facts for (virtual, ohai, facter, …) select nothing more.
  return new Set(valid.filter((v) => add.has(v)));
}

/** Every provider's probes, each under its provider's name, in one set. */
function factProbes(providers: readonly FactProvider[]): ProbeSet {
  return Object.fromEntries(providers.flatMap((f) => Object.entries(f.probes).map(([k, p]) => [`${f.name}.${k}`, p])));
}

/** The facts the providers make of one script's output, with `ansible_facts` beside them. */
function parseFacts(providers: readonly FactProvider[], stdout: string): Record<string, unknown> {
  const probed = parseProbes(factProbes(providers), stdout);
  const facts: Record<string, unknown> = {};
  for (const f of providers) {
    const own = Object.fromEntries(Object.keys(f.probes).map((k) => [k, probed[`${f.name}.${k}`]]));
    Object.assign(facts, f.facts(own));
  }
  return facts;
}

/** Ansible's `ansible_facts` dictionary: the same facts, keys without the `ansible_` prefix. */
export function factsDict(facts: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(facts).map(([k, v]) => [k.replace(/^ansible_/, ''), v]));
}

/** One remote command: the probes of the chosen subsets (min always) and of the other providers. */
export async function gatherFacts(conn: Connection, providers: readonly FactProvider[], subsets: Set<FactSubset> = selectSubsets(undefined)): Promise<Record<string, unknown>> {
  const all = [...engineFacts, ...providers].filter((f) => subsets.has(f.subset ?? 'min') || (f.subset ?? 'min') === 'min');
  const r = await conn.exec(probeScript(factProbes(all)));
  return parseFacts(all, r.stdout);
}
