// Loads an Ansible YAML inventory file with the group_vars/ and host_vars/ beside it, and
// reports every problem at once, each at its file:line:col.
import { statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { type SourceProblem, ValidationError } from '../errors.js';
import { displayPath, loadYamlFile, locOf, problemAt } from '../yaml-source.js';
import { buildInventory } from './build.js';
import { findCycles } from './graph.js';
import { parseInventoryTree } from './parse.js';
import { IMPLICIT_LOCALHOST } from './patterns.js';
import type { Inventory } from './types.js';
import { loadVarsDir } from './vars-dirs.js';

export function loadInventory(path: string): Inventory {
  const file = resolve(path);
  const dir = dirname(file);
  const start = { file: displayPath(file), line: 1, col: 1 };
  let isDir: boolean;
  try {
    isDir = statSync(file).isDirectory();
  } catch {
    throw new ValidationError([{ ...start, message: 'inventory not found', hint: 'give an existing inventory file with -i FILE' }]);
  }
  if (isDir) {
    throw new ValidationError([{ ...start, message: 'the inventory is a directory', hint: `give the inventory file inside it, like -i ${join(path, 'hosts.yml')}` }]);
  }

  const loaded = loadYamlFile(file);
  const problems: SourceProblem[] = [...loaded.problems];
  const [root = null, ...extra] = loaded.documents;
  if (extra.length) problems.push(problemAt(locOf(extra[0]) ?? start, 'an inventory file must hold one YAML document'));
  const parsed = parseInventoryTree(root, problems);

  // The implicit groups: 'ungrouped' always exists, and groups nobody lists hang under 'all'.
  if (!parsed.groups.has('ungrouped')) parsed.groups.set('ungrouped', { name: 'ungrouped', vars: {}, hosts: [], children: [], parents: [] });
  const all = parsed.groups.get('all')!;
  for (const g of parsed.groups.values()) {
    if (g.name !== 'all' && !g.parents.length) {
      g.parents.push('all');
      all.children.push(g.name);
    }
  }
  problems.push(...findCycles(parsed.groups.keys(), parsed.edges));

  const groupVarsDir = loadVarsDir(join(dir, 'group_vars'), parsed.groups.keys(), problems);
  const hostNames = new Set([...parsed.hosts.keys(), IMPLICIT_LOCALHOST]);
  const hostVarsDir = loadVarsDir(join(dir, 'host_vars'), hostNames, problems);
  if (problems.length) throw new ValidationError(problems);
  return buildInventory({ file, dir, parsed, groupVarsDir, hostVarsDir });
}
