// The lab's private test network: one /24 on its own bridge, one address per host.
import { UsageError } from '../engine/errors.js';

export const BRIDGE = 'tsplay0';
export const SUBNET = '10.213.0.0/24';
export const BRIDGE_ADDRESS = '10.213.0.1';
export const PREFIX_LENGTH = 24;
const NETWORK_PREFIX = '10.213.0.';

export const DEFAULT_HOSTS = ['master', 'slave', 'balancer'];
/** The manual's three roles keep fixed addresses whatever else is in the lab. */
const FIXED_OCTETS: Record<string, number> = { master: 10, slave: 11, balancer: 12 };
const FIRST_FREE_OCTET = 13;
const LAST_OCTET = 254;

export interface LabHost {
  name: string;
  address: string;
}

/** Container name and hostname: a DNS label, short enough for the netns name. */
const HOST_NAME = /^[a-z][a-z0-9-]{0,30}$/;

export function validateHostNames(names: string[]): void {
  if (names.length === 0) throw new UsageError('lab: no hosts given');
  for (const n of names) {
    if (!HOST_NAME.test(n)) {
      throw new UsageError(`lab: bad host name '${n}' (lower-case letters, digits and '-', starting with a letter, at most 31 characters)`);
    }
  }
  const dup = names.find((n, i) => names.indexOf(n) !== i);
  if (dup) throw new UsageError(`lab: host '${dup}' given twice`);
}

/** master .10, slave .11, balancer .12; other names get .13, .14, … in the order given. */
export function allocateAddresses(names: string[]): LabHost[] {
  validateHostNames(names);
  let next = FIRST_FREE_OCTET;
  return names.map((name) => {
    let octet = FIXED_OCTETS[name];
    if (octet === undefined) {
      if (next > LAST_OCTET) throw new UsageError(`lab: too many hosts (the subnet ${SUBNET} is full)`);
      octet = next++;
    }
    return { name, address: NETWORK_PREFIX + octet };
  });
}

/** The network namespace that holds a host's interface (/run/netns/NAME). */
export function netnsName(host: string): string {
  return `tsplay-${host}`;
}

/** The bridge-side end of a host's veth pair, named after its address (IFNAMSIZ is 16). */
export function vethName(address: string): string {
  return `tsp${address.slice(NETWORK_PREFIX.length)}`;
}
