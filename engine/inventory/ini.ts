// Ansible's INI inventory format (plugins/inventory/ini.py): hosts before any section are
// 'ungrouped'; `[g]` lists hosts (`name[01:09]:port k=v …`, split as Python's shlex.split does,
// values read as Python literals), `[g:vars]` sets `k = v` (the value a Python literal or text),
// `[g:children]` lists groups, which may be declared further down.
import type { SourceProblem } from '../errors.js';
import type { Loc } from '../yaml-source.js';
import { expandHostEntry } from './host-range.js';
import { group as groupOf, type ParsedInventory } from './parse.js';
import { NOT_LITERAL, pythonLiteral } from './python-literal.js';

const SECTION = /^\[([^:\]\s]+)(?::(\w+))?\]\s*(?:#.*)?$/;
const GROUP_NAME = /^([^:\]\s]+)\s*(?:#.*)?$/;

/** Ansible reads an INI value as a Python literal when it is one, else as text. */
export function iniValue(v: string): unknown {
  const lit = pythonLiteral(v);
  return lit === NOT_LITERAL ? v : lit;
}

/** Python's shlex.split(line, comments=True). Throws Error on an open quote. */
export function shlexSplit(line: string): string[] {
  const out: string[] = [];
  let token = '';
  let inToken = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i]!;
    if (/\s/.test(c)) {
      if (inToken) out.push(token);
      token = '';
      inToken = false;
    } else if (c === '#') {
      break;
    } else if (c === '\\') {
      if (i + 1 >= line.length) throw new Error('No escaped character');
      token += line[++i];
      inToken = true;
    } else if (c === "'" || c === '"') {
      inToken = true;
      let j = i + 1;
      for (;; j++) {
        if (j >= line.length) throw new Error('No closing quotation');
        const d = line[j]!;
        if (d === c) break;
        // In double quotes a backslash escapes only '"' and itself.
        if (c === '"' && d === '\\' && (line[j + 1] === '"' || line[j + 1] === '\\')) token += line[++j];
        else token += d;
      }
      i = j;
    } else {
      token += c;
      inToken = true;
    }
  }
  if (inToken) out.push(token);
  return out;
}

/** Parses INI text into the same tree the YAML reader makes; problems carry file:line:col (and quote no line of a `secret`, decrypted text). */
export function parseIniInventory(text: string, file: string, problems: SourceProblem[], o: { secret?: boolean } = {}): ParsedInventory {
  const inv: ParsedInventory = { groups: new Map(), hosts: new Map(), edges: [] };
  const group = (name: string) => groupOf(inv, name);
  group('all');
  group('ungrouped');
  const lines = text.split(/\r?\n/);
  const at = (n: number, col = 1): Loc => ({ file, line: n, col });
  const problem = (n: number, message: string, hint?: string, col = 1) => problems.push({ ...at(n, col), message, hint, sourceLine: o.secret ? undefined : lines[n - 1] });
  /** Groups named before they are declared ([g:vars] or as a child), with where they were named. */
  const pending = new Map<string, { line: number; state: 'vars' | 'children'; parents: string[] }>();
  const addChild = (parent: string, child: string, line: number) => {
    const p = group(parent);
    if (p.children.includes(child)) return;
    p.children.push(child);
    group(child).parents.push(parent);
    inv.edges.push({ parent, child, at: at(line) });
  };
  let current = 'ungrouped';
  let state = 'hosts';
  lines.forEach((raw, idx) => {
    const n = idx + 1;
    const line = raw.trim();
    if (!line || line.startsWith('#') || line.startsWith(';')) return;
    const m = SECTION.exec(line);
    if (m) {
      current = m[1]!;
      state = m[2] ?? 'hosts';
      if (!['hosts', 'children', 'vars'].includes(state)) {
        problem(n, `Section [${m[1]}:${m[2]}] has unknown type: ${state}`, 'a section is [group], [group:vars] or [group:children]');
        state = 'invalid'; // its lines are not read
        return;
      }
      // As in Ansible, any section creates its group, but [g:vars] alone does not declare it.
      if (!inv.groups.has(current) && state === 'vars' && !pending.has(current)) pending.set(current, { line: n, state: 'vars', parents: [] });
      group(current);
      if (state !== 'vars') {
        const p = pending.get(current);
        if (p?.state === 'children') for (const parent of p.parents) addChild(parent, current, p.line);
        pending.delete(current);
      }
      return;
    }
    if (line.startsWith('[') && line.endsWith(']')) {
      return problem(n, `Invalid section entry: '${line}'`, 'a section has no spaces and no other invalid characters: [group], [group:vars], [group:children]');
    }
    if (state === 'invalid') return; // the lines of a section already reported
    if (state === 'hosts') {
      let tokens: string[];
      try {
        tokens = shlexSplit(line);
      } catch (e) {
        return problem(n, `Error parsing host definition '${line}': ${(e as Error).message}`);
      }
      const [entry, ...assignments] = tokens as [string, ...string[]];
      if (entry.endsWith(':')) return problem(n, `Invalid host pattern '${entry}' supplied, ending in ':' is not allowed, this character is reserved to provide a port.`);
      let expanded;
      try {
        expanded = expandHostEntry(entry);
      } catch (e) {
        return problem(n, (e as Error).message);
      }
      const vars: Record<string, unknown> = {};
      for (const t of assignments) {
        const eq = t.indexOf('=');
        if (eq < 0) return problem(n, `Expected key=value host variable assignment, got: ${t}`, 'host variables follow the host name as key=value pairs', raw.indexOf(t) + 1);
        vars[t.slice(0, eq)] = iniValue(t.slice(eq + 1));
      }
      const g = group(current);
      for (const name of expanded.names) {
        const own = inv.hosts.get(name) ?? {};
        inv.hosts.set(name, own);
        if (expanded.port !== undefined) own.ansible_port = expanded.port;
        Object.assign(own, vars);
        if (!g.hosts.includes(name)) g.hosts.push(name);
      }
    } else if (state === 'vars') {
      const eq = line.indexOf('=');
      if (eq < 0) return problem(n, `Expected key=value, got: ${line}`, `a [${current}:vars] section holds NAME = VALUE lines`);
      group(current).vars[line.slice(0, eq).trim()] = iniValue(line.slice(eq + 1).trim());
    } else {
      const cm = GROUP_NAME.exec(line);
      if (!cm) return problem(n, `Expected group name, got: ${line}`, `a [${current}:children] section lists one group name a line`);
      const child = cm[1]!;
      if (child === 'all') return problem(n, `group 'all' cannot be a child of '${current}'`);
      if (inv.groups.has(child)) addChild(current, child, n);
      else {
        const p = pending.get(child) ?? { line: n, state: 'children' as const, parents: [] };
        p.parents.push(current);
        pending.set(child, p);
      }
    }
  });
  for (const [name, p] of pending) {
    if (p.state === 'vars') problem(p.line, `Section [${name}:vars] not valid for undefined group: ${name}`, `declare the group with a [${name}] or [${name}:children] section`);
    else problem(p.line, `Section [${p.parents.at(-1)}:children] includes undefined group: ${name}`, `declare it with a [${name}] section (it may be empty)`);
  }
  return inv;
}
