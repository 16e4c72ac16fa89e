// Builds the Inventory object from a validated parse: memberships, the implicit groups, and
// the variable precedence of hostVars().
import { TsplayError } from '../errors.js';
import { groupDepths, withAncestors } from './graph.js';
import type { ParsedInventory } from './parse.js';
import { IMPLICIT_LOCALHOST, selectHosts } from './patterns.js';
import type { Inventory, InventoryGroup, InventoryHost } from './types.js';

/** The variables hostVars() adds about the inventory itself. */
export const MAGIC_VARS = ['inventory_hostname', 'inventory_hostname_short', 'group_names', 'inventory_dir', 'inventory_file'] as const;

/** The group_vars/ and host_vars/ of one directory. */
export interface VarsDirs {
  groups: Map<string, Record<string, unknown>>;
  hosts: Map<string, Record<string, unknown>>;
}

export interface InventorySources {
  file: string;
  dir: string;
  /** Must be final: every group but 'all' has a parent, and there is no cycle. */
  parsed: ParsedInventory;
  /** Beside each inventory source in order, then beside the playbook. */
  varsDirs: VarsDirs[];
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
    const dirVars = src.varsDirs.map((d) => d.groups.get(g.name));
    groups.set(g.name, { name: g.name, vars: Object.assign({}, g.vars, ...dirVars), children: [...g.children], hosts: [...g.hosts], parents: [...g.parents] });
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
    // As in Ansible, only the inventory's own vars set a priority (not group_vars/ files).
    const p = Number(parsed.groups.get(g)!.vars.ansible_group_priority);
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
      // Ansible's layers (VariableManager.get_vars): 'all' from the inventory, then from each
      // group_vars/ directory; the other groups (by depth, priority, name) from the inventory,
      // then from each group_vars/ directory; the host from the inventory, then host_vars/.
      // So a parent's group_vars/ file beats a child group's vars in the inventory file.
      const vars: Record<string, unknown> = {};
      const layer = (v: Record<string, unknown> | undefined) => Object.assign(vars, v);
      layer(parsed.groups.get('all')!.vars);
      for (const d of src.varsDirs) layer(d.groups.get('all'));
      if (parsed.hosts.has(name)) {
        const mine = host.groups.filter((g) => g !== 'all').sort(precedence);
        for (const g of mine) layer(parsed.groups.get(g)!.vars);
        for (const d of src.varsDirs) for (const g of mine) layer(d.groups.get(g));
        layer(parsed.hosts.get(name));
      } else layer({ ansible_connection: 'local' }); // the implicit localhost
      for (const d of src.varsDirs) layer(d.hosts.get(name));
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
