// Builds the Inventory object from a validated parse: memberships, the implicit groups, and
// the variable precedence of hostVars().
import { TsplayError } from '../errors.js';
import { groupDepths, withAncestors } from './graph.js';
import type { ParsedInventory } from './parse.js';
import { IMPLICIT_LOCALHOST, selectHosts } from './patterns.js';
import type { Inventory, InventoryGroup, InventoryHost } from './types.js';

/** The variables hostVars() adds about the inventory itself. */
export const MAGIC_VARS = ['inventory_hostname', 'inventory_hostname_short', 'group_names', 'inventory_dir', 'inventory_file'] as const;

export interface InventorySources {
  file: string;
  dir: string;
  /** Must be final: every group but 'all' has a parent, and there is no cycle. */
  parsed: ParsedInventory;
  groupVarsDir: Map<string, Record<string, unknown>>;
  hostVarsDir: Map<string, Record<string, unknown>>;
}

/** The host map: also answers `get`/`has` for the implicit localhost, without listing it. */
class HostMap extends Map<string, InventoryHost> {
  override get(name: string): InventoryHost | undefined {
    return super.get(name) ?? (name === IMPLICIT_LOCALHOST ? { name, groups: [] } : undefined);
  }
  override has(name: string): boolean {
    return super.has(name) || name === IMPLICIT_LOCALHOST;
  }
}

export function buildInventory(src: InventorySources): Inventory {
  const { parsed } = src;
  const groups = new Map<string, InventoryGroup>();
  for (const g of parsed.groups.values()) {
    groups.set(g.name, { name: g.name, vars: { ...g.vars, ...src.groupVarsDir.get(g.name) }, children: [...g.children], hosts: [...g.hosts], parents: [...g.parents] });
  }
  const parentsOf = (g: string): string[] => groups.get(g)?.parents ?? [];

  const hosts = new HostMap();
  const ungrouped = groups.get('ungrouped')!;
  for (const name of parsed.hosts.keys()) {
    const direct: string[] = [...groups.values()].filter((g) => g.hosts.includes(name)).map((g) => g.name);
    if (!direct.some((g) => g !== 'all') && !ungrouped.hosts.includes(name)) {
      ungrouped.hosts.push(name);
      direct.push('ungrouped');
    }
    hosts.set(name, { name, groups: [...withAncestors(parentsOf, [...direct, 'all'])].sort() });
  }

  const depth = groupDepths(parentsOf, groups.keys());
  const priority = (g: string): number => {
    const p = Number(groups.get(g)!.vars.ansible_group_priority);
    return Number.isFinite(p) ? p : 1;
  };
  const precedence = (a: string, b: string): number =>
    depth.get(a)! - depth.get(b)! || priority(a) - priority(b) || (a < b ? -1 : a > b ? 1 : 0);

  const hostOrder = [...parsed.hosts.keys()];
  const members = (g: string): string[] => hostOrder.filter((h) => hosts.get(h)!.groups.includes(g));

  return {
    file: src.file,
    dir: src.dir,
    hosts,
    groups,
    hostVars(name: string): Record<string, unknown> {
      const host = hosts.get(name);
      if (!host) throw new TsplayError(`host '${name}' is not in the inventory ${src.file}`);
      const vars: Record<string, unknown> = {};
      if (parsed.hosts.has(name)) {
        for (const g of [...host.groups].sort(precedence)) Object.assign(vars, groups.get(g)!.vars);
        Object.assign(vars, parsed.hosts.get(name));
      } else {
        // The implicit localhost uses the variables of 'all' and its host_vars/, as in Ansible.
        Object.assign(vars, groups.get('all')!.vars, { ansible_connection: 'local' });
      }
      Object.assign(vars, src.hostVarsDir.get(name));
      const magic: Record<(typeof MAGIC_VARS)[number], unknown> = {
        inventory_hostname: name,
        inventory_hostname_short: name.split('.')[0],
        group_names: host.groups.filter((g) => g !== 'all'),
        inventory_dir: src.dir,
        inventory_file: src.file,
      };
      return { ...vars, ...magic };
    },
    select(pattern: string): string[] {
      return selectHosts({ hosts: hostOrder, groups: [...groups.keys()], members }, pattern);
    },
    groupMembers(): Record<string, string[]> {
      return Object.fromEntries([...groups.keys()].map((g) => [g, members(g)]));
    },
  };
}
