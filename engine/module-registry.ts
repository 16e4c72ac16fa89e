// The module registry: the bundled modules (static, alphabetical) and their fact providers,
// plus extra modules loaded from --module-path folders and a `modules/` folder beside the playbook.
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { type SourceProblem, UsageError, ValidationError } from './errors.js';
import { compiledIsFresh, compileTs } from './compile-ts.js';
import type { FactProvider, ModuleDefinition } from './module-api.js';

/** What the playbook loader and the runner need of the modules: look one up by name. */
export interface ModuleRegistry {
  get(name: string): ModuleDefinition | undefined;
  names(): string[];
}

export class Registry implements ModuleRegistry {
  private byName = new Map<string, ModuleDefinition>();
  /** Ansible's names of the modules (ansibleNames). */
  private byAnsibleName = new Map<string, ModuleDefinition>();

  /** Where each module loaded from a folder came from. */
  private loadedFrom = new Map<string, string>();

  /** Fact providers that come with the modules (gathered with the engine's own facts). */
  constructor(modules: readonly ModuleDefinition[], readonly facts: readonly FactProvider[] = []) {
    for (const m of modules) this.add(m);
  }

  /**
   * Adds a module; `from` (its file) for one loaded from a folder. Such a module may replace a
   * bundled one only when it says so (`overrides: true`): a silent replacement changes what
   * every playbook's `copy:` means. Returns the problem instead of adding, if there is one.
   */
  add(m: ModuleDefinition, from?: string): string | undefined {
    if (!m || typeof m.name !== 'string' || typeof m.check !== 'function' || typeof m.apply !== 'function' || typeof m.schema !== 'object') {
      const problem = 'not a tsplay module (export default defineModule({ name, summary, schema, check, apply }))';
      if (from) return problem;
      throw new UsageError(`module: ${problem}`);
    }
    if (from) {
      const twice = this.loadedFrom.get(m.name);
      if (twice) return `module '${m.name}' is defined twice: here and in ${twice}`;
      const shadowed = [m.name, ...(m.ansibleNames ?? [])].map((n) => this.get(n)).find((x) => x !== undefined);
      if (shadowed && !m.overrides) {
        return `module '${m.name}' has the name of the bundled module '${shadowed.name}': say overrides: true in its defineModule({ … }) to replace it, or choose another name`;
      }
      this.loadedFrom.set(m.name, from);
    }
    this.byName.set(m.name, m);
    for (const n of m.ansibleNames ?? []) this.byAnsibleName.set(n, m);
  }

  /** By tsplay's name, by one of Ansible's, or fully qualified (`ansible.builtin.copy`). */
  get(name: string): ModuleDefinition | undefined {
    const short = stripCollection(name);
    return this.byName.get(name) ?? this.byAnsibleName.get(name) ?? this.byName.get(short) ?? this.byAnsibleName.get(short);
  }

  names(): string[] {
    return [...this.byName.keys()].sort();
  }

  all(): ModuleDefinition[] {
    return this.names().map((n) => this.byName.get(n)!);
  }
}

/** The collections whose modules tsplay bundles under their short names. */
const COLLECTION = /^(ansible\.builtin|ansible\.legacy|ansible\.posix|community\.general|community\.postgresql|community\.crypto|tsplay)\./;

export function stripCollection(name: string): string {
  return name.replace(COLLECTION, '');
}

const MODULE_FILE = /\.(m?js|ts)$/;

export interface LoadOptions {
  /** For .ts modules: type-check against the SDK before loading (file:line problems). */
  typeCheck?: (file: string) => Promise<SourceProblem[]>;
}

/**
 * Loads every module file of a folder (.js, .mjs, or .ts compiled on the fly). Every problem of
 * the folder is collected and thrown at once as a ValidationError (exit 3), with file:line.
 */
export async function loadModuleDir(registry: Registry, dir: string, o: LoadOptions = {}): Promise<void> {
  const full = resolve(dir);
  if (!existsSync(full) || !statSync(full).isDirectory()) throw new UsageError(`module path ${dir} is not a folder`);
  const problems: SourceProblem[] = [];
  for (const f of readdirSync(full).sort()) {
    if (!MODULE_FILE.test(f) || f.endsWith('.d.ts') || f.startsWith('.')) continue;
    problems.push(...(await loadModuleFile(registry, join(full, f), o)).problems);
  }
  if (problems.length) throw new ValidationError(problems);
}

/** Loads one module file into the registry; its problems instead, when it has any. */
export async function loadModuleFile(registry: Registry, file: string, o: LoadOptions = {}): Promise<{ module?: ModuleDefinition; problems: SourceProblem[] }> {
  // A compiled copy newer than the source was type-checked when it was made.
  if (file.endsWith('.ts') && o.typeCheck && !compiledIsFresh(file)) {
    const problems = await o.typeCheck(file);
    if (problems.length) return { problems };
  }
  const url = pathToFileURL(file.endsWith('.ts') ? await compileTs(file) : file).href;
  let mod: { default?: ModuleDefinition };
  try {
    mod = (await import(url)) as { default?: ModuleDefinition };
  } catch (e) {
    return { problems: [importProblem(file, e)] };
  }
  const problem = registry.add(mod.default as ModuleDefinition, file);
  if (problem) return { problems: [{ file, line: 1, col: 1, message: problem }] };
  return { module: mod.default, problems: [] };
}

/** A module that does not load: where, when the error says (a syntax error's stack starts with file:line). */
function importProblem(file: string, e: unknown): SourceProblem {
  const err = e as Error;
  const at = /^file:\/\/(.+?):(\d+)\n/.exec(err.stack ?? '');
  const line = at ? Number(at[2]) : 1;
  // A .ts module runs from its compiled copy: point at the source (its line numbers may differ).
  return { file, line, col: 1, message: `cannot load module: ${err.name}: ${err.message}` };
}
