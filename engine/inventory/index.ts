// The inventory: Ansible's YAML format with group_vars/ and host_vars/, host patterns, and the
// --list/--graph views.
export type { Inventory, InventoryGroup, InventoryHost } from './types.js';
export { loadInventory } from './load.js';
export { inventoryGraph, inventoryList } from './output.js';
