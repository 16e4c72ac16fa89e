// `tsplay inventory --list` and `--graph`, shaped like ansible-inventory's output.
import { UsageError } from '../errors.js';
import { MAGIC_VARS } from './build.js';
import type { Inventory } from './types.js';

const byName = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/**
 * Ansible's JSON: `_meta.hostvars` holds each host's merged inventory variables (hosts without
 * any are left out), and each group its direct hosts, its children (sorted) and its own vars.
 * Empty groups other than 'all' are left out, as ansible-inventory does.
 */
export function inventoryList(inv: Inventory): object {
  const hostvars: Record<string, Record<string, unknown>> = {};
  for (const name of inv.hosts.keys()) {
    const vars = inv.hostVars(name);
    for (const k of MAGIC_VARS) delete vars[k];
    if (Object.keys(vars).length) hostvars[name] = vars;
  }
  const out: Record<string, unknown> = { _meta: { hostvars } };
  for (const g of inv.groups.values()) {
    const entry: Record<string, unknown> = {};
    if (g.children.length) entry.children = [...g.children].sort(byName);
    // Every host is in 'all'; ansible-inventory lists them under their groups and 'ungrouped'.
    if (g.hosts.length && g.name !== 'all') entry.hosts = [...g.hosts];
    if (Object.keys(g.vars).length) entry.vars = { ...g.vars };
    if (Object.keys(entry).length || g.name === 'all') out[g.name] = entry;
  }
  return out;
}

/** The group tree as `ansible-inventory --graph` draws it: groups first, then hosts, by name. */
export function inventoryGraph(inv: Inventory, root = 'all'): string {
  if (!inv.groups.has(root)) throw new UsageError(`no group '${root}' in the inventory ${inv.file}`);
  const lines: string[] = [];
  const indent = (depth: number): string => (depth ? `${'  |'.repeat(depth)}--` : '');
  const draw = (name: string, depth: number): void => {
    const g = inv.groups.get(name)!;
    lines.push(`${indent(depth)}@${name}:`);
    for (const child of [...g.children].sort(byName)) draw(child, depth + 1);
    if (name !== 'all') for (const host of [...g.hosts].sort(byName)) lines.push(`${indent(depth + 1)}${host}`);
  };
  draw(root, 0);
  return lines.join('\n');
}
