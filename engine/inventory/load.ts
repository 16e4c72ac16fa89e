// Loads inventories as Ansible does, from one or several sources (-i, repeatable): a YAML or INI
// file, an executable script, a directory of those, or a comma list of hosts (`a,b,` or `a,`).
// Then the group_vars/ and host_vars/ beside each source, and beside the playbook. Every
// problem is reported at once, each at its file:line:col.
import { existsSync, readdirSync, statSync } from 'node:fs';
import { isExecutable } from '../executable.js';
import { dirname, extname, join, resolve } from 'node:path';
import { type SourceProblem, ValidationError } from '../errors.js';
import { displayPath, loadYamlFile, locOf, problemAt, readSourceFile, revealSecrets } from '../yaml-source.js';
import { buildInventory } from './build.js';
import { findCycles } from './graph.js';
import { parseIniInventory } from './ini.js';
import { group, type ParsedInventory, parseInventoryTree } from './parse.js';
import { IMPLICIT_LOCALHOST } from './patterns.js';
import { parseInventoryScript } from './script.js';
import type { Inventory } from './types.js';
import { loadVarsDir } from './vars-dirs.js';

export interface InventoryOptions {
  /** The playbook's directory: its group_vars/ and host_vars/ beat the inventory's. */
  playbookDir?: string;
}

/** What Ansible skips when it reads a directory of inventories (INVENTORY_IGNORE_EXTS). */
const IGNORED = ['~', '.orig', '.ini', '.cfg', '.retry', '.pyc', '.pyo', '.swp', '.bak', '.rpm', '.md', '.txt', '.rst'];
const YAML_EXTS = ['.yml', '.yaml', '.json'];

const emptyParse = (): ParsedInventory => {
  const inv: ParsedInventory = { groups: new Map(), hosts: new Map(), edges: [] };
  group(inv, 'all');
  return inv;
};

/** `a,b,` → hosts a and b in 'ungrouped' (Ansible's host_list: no ranges, `name:port` allowed). */
function hostList(source: string): ParsedInventory {
  const inv = emptyParse();
  const ungrouped = group(inv, 'ungrouped');
  for (const entry of source.split(',').map((s) => s.trim()).filter(Boolean)) {
    const m = /^(.*[^:]):(\d+)$/.exec(entry);
    const [name, port] = m && !m[1]!.includes(':') ? [m[1]!, Number(m[2])] : [entry.replace(/^\[(.*)\]$/, '$1'), undefined];
    const own = inv.hosts.get(name) ?? {};
    if (port !== undefined) own.ansible_port = port;
    inv.hosts.set(name, own);
    if (!ungrouped.hosts.includes(name)) ungrouped.hosts.push(name);
  }
  return inv;
}

/** One inventory file: a script when executable, else YAML or INI by extension and content. */
function parseFile(file: string, problems: SourceProblem[]): ParsedInventory {
  if (isExecutable(file)) return parseInventoryScript(file, problems);
  const ext = extname(file);
  const start = { file: displayPath(file), line: 1, col: 1 };
  if (!ext || YAML_EXTS.includes(ext)) {
    const loaded = loadYamlFile(file);
    const [root = null, ...extra] = loaded.documents;
    // As Ansible's `auto` order: a file without extension that is not a YAML inventory is INI.
    const looksIni = !ext && (loaded.problems.length > 0 || (root !== null && (typeof root !== 'object' || Array.isArray(root))));
    if (!looksIni) {
      const problemsHere = [...loaded.problems];
      if (extra.length) problemsHere.push(problemAt(locOf(extra[0]) ?? start, 'an inventory file must hold one YAML document'));
      const parsed = parseInventoryTree(root, problemsHere);
      problems.push(...problemsHere);
      return parsed;
    }
  }
  const read = readSourceFile(file);
  problems.push(...read.problems);
  if (read.text === undefined) return emptyParse();
  const parsed = parseIniInventory(read.text, start.file, problems, { secret: read.secret });
  if (read.secret) for (const v of [...parsed.hosts.values(), ...[...parsed.groups.values()].map((g) => g.vars)]) revealSecrets(v);
  return parsed;
}


/** Every inventory of one source, with the directory whose group_vars/ and host_vars/ go with it. */
function parseSource(source: string, problems: SourceProblem[]): { parsed: ParsedInventory[]; dir?: string; file: string } {
  const path = resolve(source);
  if (!existsSync(path) && source.includes(',')) return { parsed: [hostList(source)], file: source };
  let st;
  try {
    st = statSync(path);
  } catch {
    problems.push({ file: displayPath(path), line: 1, col: 1, message: 'inventory not found', hint: 'give an inventory file, directory or script with -i, or a host list: -i host1,host2,' });
    return { parsed: [], file: path };
  }
  if (!st.isDirectory()) return { parsed: [parseFile(path, problems)], dir: dirname(path), file: path };
  const parsed: ParsedInventory[] = [];
  const walk = (dir: string) => {
    for (const name of readdirSync(dir).sort()) {
      const p = join(dir, name);
      if (name.startsWith('.') || IGNORED.some((e) => name.endsWith(e))) continue;
      if (statSync(p).isDirectory()) {
        if (name !== 'group_vars' && name !== 'host_vars') walk(p);
      } else parsed.push(parseFile(p, problems));
    }
  };
  walk(path);
  return { parsed, dir: path, file: path };
}

/** Folds several parsed inventories into one: later sources add hosts and groups, and win on variables. */
function merge(all: ParsedInventory[]): ParsedInventory {
  const out = emptyParse();
  for (const inv of all) {
    for (const [name, vars] of inv.hosts) out.hosts.set(name, { ...out.hosts.get(name), ...vars });
    for (const g of inv.groups.values()) {
      const into = group(out, g.name);
      Object.assign(into.vars, g.vars);
      for (const h of g.hosts) if (!into.hosts.includes(h)) into.hosts.push(h);
    }
    for (const e of inv.edges) {
      const parent = out.groups.get(e.parent)!;
      if (parent.children.includes(e.child)) continue;
      parent.children.push(e.child);
      out.groups.get(e.child)!.parents.push(e.parent);
      out.edges.push(e);
    }
  }
  return out;
}

export function loadInventory(sources: string | readonly string[], o: InventoryOptions = {}): Inventory {
  const list = typeof sources === 'string' ? [sources] : [...sources];
  const problems: SourceProblem[] = [];
  const loaded = list.map((s) => parseSource(s, problems));
  const parsed = merge(loaded.flatMap((l) => l.parsed));

  // The implicit groups: 'ungrouped' always exists, and groups nobody lists hang under 'all'.
  group(parsed, 'ungrouped');
  const all = parsed.groups.get('all')!;
  for (const g of parsed.groups.values()) {
    if (g.name !== 'all' && !g.parents.length) {
      g.parents.push('all');
      all.children.push(g.name);
    }
  }
  problems.push(...findCycles(parsed.groups.keys(), parsed.edges));

  // group_vars/ and host_vars/ beside each source, then beside the playbook (Ansible's order).
  const dirs = [...new Set([...loaded.map((l) => l.dir).filter((d): d is string => !!d), ...(o.playbookDir ? [resolve(o.playbookDir)] : [])])];
  const hostNames = new Set([...parsed.hosts.keys(), IMPLICIT_LOCALHOST]);
  const varsDirs = dirs.map((d) => ({
    groups: loadVarsDir(join(d, 'group_vars'), parsed.groups.keys(), problems),
    hosts: loadVarsDir(join(d, 'host_vars'), hostNames, problems),
  }));
  if (problems.length) throw new ValidationError(problems);
  const first = loaded[0]!;
  return buildInventory({ file: first.file, dir: first.dir ?? process.cwd(), parsed, varsDirs });
}
