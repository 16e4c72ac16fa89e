// group_vars/ and host_vars/ beside the inventory: for a NAME, the files of a directory NAME/
// (recursively, in name order), then NAME.yml, NAME.yaml and NAME.json — later files win, as
// in Ansible.
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { SourceProblem } from '../errors.js';
import { displayPath, loadYamlFile, locOf, problemAt } from '../yaml-source.js';
import { isMapping } from './parse.js';

const EXTENSIONS = ['.yml', '.yaml', '.json'];

function kindOf(path: string): 'file' | 'dir' | undefined {
  try {
    const s = statSync(path);
    return s.isDirectory() ? 'dir' : s.isFile() ? 'file' : undefined;
  } catch {
    return undefined;
  }
}

function filesUnder(dir: string): string[] {
  return readdirSync(dir)
    .filter((f) => !f.startsWith('.'))
    .sort()
    .flatMap((f) => {
      const p = join(dir, f);
      const k = kindOf(p);
      if (k === 'dir') return filesUnder(p);
      return k === 'file' && EXTENSIONS.some((e) => f.endsWith(e)) ? [p] : [];
    });
}

function varsFilesFor(dir: string, name: string): string[] {
  const base = join(dir, name);
  const files = kindOf(base) === 'dir' ? filesUnder(base) : [];
  for (const ext of EXTENSIONS) if (kindOf(base + ext) === 'file') files.push(base + ext);
  return files;
}

/** Variables of each name that has files in `dir` (names without files are absent). */
export function loadVarsDir(dir: string, names: Iterable<string>, problems: SourceProblem[]): Map<string, Record<string, unknown>> {
  const out = new Map<string, Record<string, unknown>>();
  if (kindOf(dir) !== 'dir') return out;
  for (const name of names) {
    const files = varsFilesFor(dir, name);
    if (!files.length) continue;
    const vars: Record<string, unknown> = {};
    for (const file of files) {
      const loaded = loadYamlFile(file);
      problems.push(...loaded.problems);
      if (loaded.problems.length) continue;
      const [doc = null, ...extra] = loaded.documents;
      const start = { file: displayPath(file), line: 1, col: 1 };
      if (extra.length) problems.push(problemAt(locOf(extra[0]) ?? start, 'a variables file must hold one YAML document'));
      if (doc === null) continue;
      if (!isMapping(doc)) {
        problems.push(problemAt(locOf(doc) ?? start, `variables for '${name}' must be a mapping of NAME: VALUE`, 'each line of the file: some_variable: value'));
        continue;
      }
      Object.assign(vars, doc);
    }
    out.set(name, vars);
  }
  return out;
}
