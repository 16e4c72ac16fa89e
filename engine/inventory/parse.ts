// Reads the YAML inventory tree (Ansible's format) into groups, hosts and parent→child edges,
// collecting every structural problem with its position instead of stopping at the first.
import type { SourceProblem } from '../errors.js';
import { type Loc, locOf, problemAt } from '../yaml-source.js';
import { expandHostEntry } from './host-range.js';

export interface ParsedGroup {
  name: string;
  vars: Record<string, unknown>;
  hosts: string[];
  children: string[];
  parents: string[];
}

export interface ParsedEdge {
  parent: string;
  child: string;
  /** Where the child is listed under the parent's `children:`. */
  at: Loc | undefined;
}

export interface ParsedInventory {
  /** 'all' first, then groups in the order they first appear. */
  groups: Map<string, ParsedGroup>;
  /** Hosts in the order they first appear, with their inline variables merged. */
  hosts: Map<string, Record<string, unknown>>;
  edges: ParsedEdge[];
}

const GROUP_KEYS = ['hosts', 'vars', 'children'];

export function isMapping(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function kind(v: unknown): string {
  if (v === null) return 'nothing';
  if (Array.isArray(v)) return 'a list';
  return typeof v === 'object' ? 'a mapping' : `${typeof v} '${String(v)}'`;
}

export function parseInventoryTree(root: unknown, problems: SourceProblem[]): ParsedInventory {
  const inv: ParsedInventory = { groups: new Map(), hosts: new Map(), edges: [] };
  group(inv, 'all');
  if (root === null) return inv; // an empty file is an empty inventory
  if (!isMapping(root)) {
    problems.push(
      problemAt(
        locOf(root),
        `an inventory must be a mapping of groups, found ${kind(root)}`,
        'write it in YAML as Ansible does: all: {hosts: {web1: {}}, children: {db: {hosts: {db1: {}}}}}, or in INI with an .ini extension or none',
      ),
    );
    return inv;
  }
  for (const [name, data] of Object.entries(root)) parseGroup(inv, name, data, root, problems);
  return inv;
}

/** The group of that name, created empty when new. */
export function group(inv: ParsedInventory, name: string): ParsedGroup {
  let g = inv.groups.get(name);
  if (!g) {
    g = { name, vars: {}, hosts: [], children: [], parents: [] };
    inv.groups.set(name, g);
  }
  return g;
}

/** One group's definition; a group defined in several places accumulates all of them. */
function parseGroup(inv: ParsedInventory, name: string, data: unknown, holder: Record<string, unknown>, problems: SourceProblem[]): void {
  const g = group(inv, name);
  if (data === null) return;
  if (!isMapping(data)) {
    problems.push(
      problemAt(locOf(holder, name, 'value'), `group '${name}' must be a mapping with hosts, vars or children, found ${kind(data)}`),
    );
    return;
  }
  for (const [key, value] of Object.entries(data)) {
    const at = locOf(data, key);
    if (!GROUP_KEYS.includes(key)) {
      const looksLikeGroup = isMapping(value) && Object.keys(value).length > 0 && Object.keys(value).every((k) => GROUP_KEYS.includes(k));
      const hint = looksLikeGroup
        ? `'${key}' looks like a group: list it under children: of '${name}'`
        : `a group holds only hosts, vars and children; a host goes under hosts: (hosts: {${key}: {}}), a variable under vars: (vars: {${key}: ...})`;
      problems.push(problemAt(at, `unknown key '${key}' in group '${name}'`, hint));
      continue;
    }
    if (value === null) continue;
    if (!isMapping(value)) {
      const hint =
        key === 'hosts' && Array.isArray(value)
          ? `list hosts as mapping keys, each followed by a colon: hosts: {${value.map(String).join(': {}, ')}: {}}`
          : `write ${key}: as indented NAME: VALUE lines`;
      problems.push(problemAt(locOf(data, key, 'value'), `'${key}' of group '${name}' must be a mapping, found ${kind(value)}`, hint));
      continue;
    }
    if (key === 'vars') Object.assign(g.vars, value);
    else if (key === 'hosts') parseHosts(inv, g, value, problems);
    else parseChildren(inv, g, value, problems);
  }
}

function parseHosts(inv: ParsedInventory, g: ParsedGroup, hosts: Record<string, unknown>, problems: SourceProblem[]): void {
  for (const [entry, vars] of Object.entries(hosts)) {
    if (vars !== null && !isMapping(vars)) {
      problems.push(
        problemAt(
          locOf(hosts, entry, 'value'),
          `variables of host '${entry}' must be a mapping, found ${kind(vars)}`,
          `write host variables as a mapping (${entry}: {ansible_host: 10.0.0.5}), or nothing after the colon`,
        ),
      );
      continue;
    }
    let names: string[];
    let port: number | undefined;
    try {
      ({ names, port } = expandHostEntry(entry));
    } catch (e) {
      problems.push(problemAt(locOf(hosts, entry), (e as Error).message));
      continue;
    }
    for (const name of names) {
      const own = inv.hosts.get(name) ?? {};
      inv.hosts.set(name, own);
      if (port !== undefined) own.ansible_port = port;
      if (vars) Object.assign(own, vars);
      if (!g.hosts.includes(name)) g.hosts.push(name);
    }
  }
}

function parseChildren(inv: ParsedInventory, g: ParsedGroup, children: Record<string, unknown>, problems: SourceProblem[]): void {
  for (const [child, data] of Object.entries(children)) {
    const at = locOf(children, child);
    if (child === 'all') {
      problems.push(problemAt(at, `group 'all' cannot be a child of '${g.name}'`, "'all' is the root: every other group is already inside it"));
      continue;
    }
    parseGroup(inv, child, data, children, problems);
    if (!g.children.includes(child)) {
      g.children.push(child);
      group(inv, child).parents.push(g.name);
      inv.edges.push({ parent: g.name, child, at });
    }
  }
}
