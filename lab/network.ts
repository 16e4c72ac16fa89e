// The lab network: bridge tsplay0 (10.213.0.1 on the machine side) and, per host, a network
// namespace holding one end of a veth pair whose other end is a bridge port. No NAT, no default
// route: hosts reach each other and the machine's 10.213.0.1, nothing else.
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import {
  BRIDGE, BRIDGE_ADDRESS, type LabHost, netnsName, PREFIX_LENGTH, SUBNET, vethName,
} from './addresses.js';
import { exec, LabError, run } from './run.js';

const NETNS_DIR = '/run/netns';

export function bridgeExists(): boolean {
  return existsSync(`/sys/class/net/${BRIDGE}/bridge`);
}

export function netnsExists(host: string): boolean {
  return existsSync(`${NETNS_DIR}/${netnsName(host)}`);
}

/** Refuses to take a subnet that something else on the machine already routes. */
async function assertSubnetFree(): Promise<void> {
  const routes = JSON.parse(await run('ip', ['-json', 'route', 'show', 'match', BRIDGE_ADDRESS])) as { dst: string; dev?: string }[];
  const taken = routes.find((r) => r.dst !== 'default' && r.dev !== BRIDGE);
  if (taken) throw new LabError(`lab: ${SUBNET} overlaps the route ${taken.dst} via ${taken.dev ?? '?'} on this machine; refusing to use it`);
}

/**
 * IPv4 only, as in the manual: no IPv6 link-local addresses, router solicitations or multicast
 * on the lab network, and a host's own name resolves (nss-myhostname) to its lab address.
 */
function disableIpv6(link: string): void {
  const knob = `/proc/sys/net/ipv6/conf/${link}/disable_ipv6`;
  if (existsSync(knob)) writeFileSync(knob, '1');
}

export async function createBridge(): Promise<void> {
  await assertSubnetFree();
  await run('ip', ['link', 'add', BRIDGE, 'type', 'bridge', 'forward_delay', '0', 'stp_state', '0']);
  disableIpv6(BRIDGE);
  await run('ip', ['addr', 'add', `${BRIDGE_ADDRESS}/${PREFIX_LENGTH}`, 'dev', BRIDGE]);
  await run('ip', ['link', 'set', BRIDGE, 'up']);
}

export async function addHostNetwork(h: LabHost): Promise<void> {
  const ns = netnsName(h.name);
  const veth = vethName(h.address);
  await run('ip', ['netns', 'add', ns]);
  await run('ip', ['link', 'add', veth, 'type', 'veth', 'peer', 'name', 'eth0', 'netns', ns]);
  disableIpv6(veth);
  // /proc/sys/net is the namespace's own: set from inside it
  if (existsSync('/proc/sys/net/ipv6')) {
    await run('ip', ['netns', 'exec', ns, 'sysctl', '-q', '-w', 'net.ipv6.conf.eth0.disable_ipv6=1']);
  }
  await run('ip', ['link', 'set', veth, 'master', BRIDGE, 'up']);
  await run('ip', ['-n', ns, 'addr', 'add', `${h.address}/${PREFIX_LENGTH}`, 'dev', 'eth0']);
  await run('ip', ['-n', ns, 'link', 'set', 'eth0', 'up']);
  await run('ip', ['-n', ns, 'link', 'set', 'lo', 'up']);
}

/** Cuts a host off the network (its bridge port down, like a pulled cable) or plugs it back. */
export async function setHostLink(h: LabHost, up: boolean): Promise<void> {
  await run('ip', ['link', 'set', vethName(h.address), up ? 'up' : 'down']);
}

/**
 * Forgets the neighbours that failed to answer while a host was cut off: without this the first
 * connection after a heal fails at once with "No route to host".
 */
export async function flushNeighbours(hosts: LabHost[]): Promise<void> {
  await Promise.all(hosts.map((h) => run('ip', ['-n', netnsName(h.name), 'neigh', 'flush', 'all'])));
  await run('ip', ['neigh', 'flush', 'dev', BRIDGE]);
}

/** Whether the host's bridge port is administratively up; undefined when it does not exist. */
export function hostLinkUp(h: LabHost): boolean | undefined {
  const dir = `/sys/class/net/${vethName(h.address)}`;
  if (!existsSync(dir)) return undefined;
  const flags = parseInt(readFileSync(`${dir}/flags`, 'utf8').trim(), 16);
  return (flags & 1) === 1; // IFF_UP
}

/** True when traffic to a lab address leaves this machine through the lab bridge. */
export async function routedToBridge(address: string): Promise<boolean> {
  const r = await exec('ip', ['-json', 'route', 'get', address]);
  if (r.code !== 0) return false;
  const routes = JSON.parse(r.stdout) as { dev?: string }[];
  return routes.length > 0 && routes.every((x) => x.dev === BRIDGE);
}

/** Removes every lab namespace, veth and the bridge, also those left by an earlier run. */
export async function removeNetwork(): Promise<void> {
  const namespaces = existsSync(NETNS_DIR) ? readdirSync(NETNS_DIR).filter((n) => n.startsWith('tsplay-')) : [];
  for (const ns of namespaces) await run('ip', ['netns', 'delete', ns]);
  // a veth disappears with its namespace once nothing runs in it; remove any survivor explicitly
  for (const link of readdirSync('/sys/class/net').filter((n) => /^tsp\d+$/.test(n))) {
    await exec('ip', ['link', 'delete', link]);
  }
  if (existsSync(`/sys/class/net/${BRIDGE}`)) await run('ip', ['link', 'delete', BRIDGE]);
}
