// The inventory as the rest of tsplay sees it.

export interface InventoryHost {
  name: string;
  /** Every group the host belongs to, ancestors and 'all' included, sorted. */
  groups: string[];
}

export interface InventoryGroup {
  name: string;
  /** The group's own variables, for display: the inventory's, then its group_vars/ files over them. */
  vars: Record<string, unknown>;
  children: string[];
  /** Hosts listed directly in this group. */
  hosts: string[];
  parents: string[];
}

export interface Inventory {
  /** Absolute path of the (first) inventory source, and its directory. */
  file: string;
  dir: string;
  /**
   * Hosts in inventory order. `get('localhost')`/`has('localhost')` also answer the implicit
   * localhost when the inventory has no such host; it is never iterated (not in 'all').
   */
  hosts: Map<string, InventoryHost>;
  groups: Map<string, InventoryGroup>;
  /**
   * A host's inventory variables merged by Ansible's precedence, low to high: group 'all'
   * (inventory, then group_vars/all beside each inventory source, then beside the playbook) <
   * the host's other groups from the inventory (by depth, ansible_group_priority, name) <
   * their group_vars/ files (inventory side, then playbook side) < host vars (inventory, then
   * host_vars/ on the inventory side, then the playbook side). Values are untemplated. Plus
   * inventory_hostname, inventory_hostname_short, group_names (sorted, without 'all'),
   * inventory_dir, inventory_file. A fresh object per call; nested values are shared.
   */
  hostVars(name: string): Record<string, unknown>;
  /**
   * Hosts matching an Ansible host pattern ('all', '*', names, groups, globs, '~regex',
   * 'group[0]'/'group[0:2]', 'a:b' or 'a,b' union, 'a:!b' exclusion, 'a:&b' intersection), in
   * inventory order. Names that match nothing give an empty match (the caller warns).
   */
  select(pattern: string): string[];
  /** Group name → its hosts, descendants' included (the `groups` magic variable). */
  groupMembers(): Record<string, string[]>;
}
