// Inventory scripts, as Ansible runs them: an executable inventory is run with `--list` and
// prints JSON — groups (a list of hosts, or {hosts, vars, children}) and `_meta.hostvars`;
// without `_meta`, the script is asked `--host NAME` for each host.
import { spawnSync } from 'node:child_process';
import type { SourceProblem } from '../errors.js';
import { displayPath } from '../yaml-source.js';
import { group as groupOf, isMapping, type ParsedInventory } from './parse.js';

function run(file: string, args: string[]): { json?: unknown; error?: string } {
  const r = spawnSync(file, args, { encoding: 'utf8', maxBuffer: 64 << 20, timeout: 120_000 });
  if (r.error) return { error: `cannot run the inventory script: ${r.error.message}` };
  if (r.status !== 0) return { error: `the inventory script ${args.join(' ')} exited with ${r.status ?? r.signal}${r.stderr.trim() ? `: ${r.stderr.trim()}` : ''}` };
  try {
    return { json: JSON.parse(r.stdout) };
  } catch (e) {
    return { error: `the inventory script ${args.join(' ')} printed no JSON: ${(e as Error).message}` };
  }
}

export function parseInventoryScript(file: string, problems: SourceProblem[]): ParsedInventory {
  const inv: ParsedInventory = { groups: new Map(), hosts: new Map(), edges: [] };
  const at = { file: displayPath(file), line: 1, col: 1 };
  const problem = (message: string, hint?: string) => problems.push({ ...at, message, hint });
  const group = (name: string) => groupOf(inv, name);
  const host = (name: string) => {
    if (!inv.hosts.has(name)) inv.hosts.set(name, {});
    return inv.hosts.get(name)!;
  };
  group('all');
  const list = run(file, ['--list']);
  if (list.error) return problem(list.error), inv;
  if (!isMapping(list.json)) return problem('the inventory script --list must print a JSON object of groups'), inv;
  const { _meta, ...groups } = list.json;
  for (const [name, data] of Object.entries(groups)) {
    const g = group(name);
    const body = Array.isArray(data) ? { hosts: data } : isMapping(data) ? data : undefined;
    if (!body) {
      problem(`group '${name}' from the inventory script must be a list of hosts or an object with hosts, vars, children`);
      continue;
    }
    for (const h of Array.isArray(body.hosts) ? body.hosts : []) {
      host(String(h));
      if (!g.hosts.includes(String(h))) g.hosts.push(String(h));
    }
    if (isMapping(body.vars)) Object.assign(g.vars, body.vars);
    for (const c of Array.isArray(body.children) ? body.children.map(String) : []) {
      if (!g.children.includes(c)) {
        g.children.push(c);
        group(c).parents.push(name);
        inv.edges.push({ parent: name, child: c, at });
      }
    }
  }
  const hostvars = isMapping(_meta) && isMapping(_meta.hostvars) ? _meta.hostvars : undefined;
  for (const name of inv.hosts.keys()) {
    let vars: unknown = hostvars?.[name];
    if (!hostvars) {
      const one = run(file, ['--host', name]);
      if (one.error) {
        problem(one.error);
        continue;
      }
      vars = one.json;
    }
    if (vars !== undefined && !isMapping(vars)) problem(`the variables of host '${name}' from the inventory script must be a JSON object`);
    else Object.assign(host(name), vars);
  }
  return inv;
}
