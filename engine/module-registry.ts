// The module registry: the bundled modules (static, alphabetical) and their fact providers,
// plus extra modules loaded from --module-path folders and a `modules/` folder beside the playbook.
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { UsageError } from './errors.js';
import type { ModuleDefinition } from './module-api.js';
import type { FactProvider } from './runner/facts.js';

/** What the playbook loader and the runner need of the modules: look one up by name. */
export interface ModuleRegistry {
  get(name: string): ModuleDefinition | undefined;
  names(): string[];
}

export class Registry implements ModuleRegistry {
  private byName = new Map<string, ModuleDefinition>();
  /** Ansible's names of the modules (ansibleNames). */
  private byAnsibleName = new Map<string, ModuleDefinition>();

  /** Fact providers that come with the modules (gathered with the engine's own facts). */
  constructor(modules: readonly ModuleDefinition[], readonly facts: readonly FactProvider[] = []) {
    for (const m of modules) this.add(m);
  }

  add(m: ModuleDefinition, from?: string): void {
    if (!m || typeof m.name !== 'string' || typeof m.check !== 'function' || typeof m.apply !== 'function' || typeof m.schema !== 'object') {
      throw new UsageError(`${from ?? 'module'}: not a tsplay module (export default defineModule({ name, summary, schema, check, apply }))`);
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

/** Loads every module file of a folder (.js, .mjs, or .ts compiled on the fly). */
export async function loadModuleDir(registry: Registry, dir: string): Promise<void> {
  const full = resolve(dir);
  if (!existsSync(full) || !statSync(full).isDirectory()) throw new UsageError(`module path ${dir} is not a folder`);
  for (const f of readdirSync(full).sort()) {
    if (!MODULE_FILE.test(f) || f.endsWith('.d.ts') || f.startsWith('.')) continue;
    const file = join(full, f);
    let url = pathToFileURL(file).href;
    if (f.endsWith('.ts')) url = pathToFileURL(await compileTs(file)).href;
    let mod: { default?: ModuleDefinition };
    try {
      mod = (await import(url)) as { default?: ModuleDefinition };
    } catch (e) {
      throw new UsageError(`cannot load module ${file}: ${(e as Error).message}`);
    }
    registry.add(mod.default as ModuleDefinition, file);
  }
}

/** TypeScript modules are transpiled (types stripped) with the typescript package, loaded lazily. */
export async function compileTs(file: string): Promise<string> {
  // A compiled copy newer than its source is reused: loading the typescript package costs a second.
  const cached = join(dirname(file), '.tsplay-cache', basename(file).replace(/\.ts$/, '.mjs'));
  if (existsSync(cached) && statSync(cached).mtimeMs >= statSync(file).mtimeMs) return cached;
  let ts: typeof import('typescript');
  try {
    ts = (await import('typescript')).default;
  } catch {
    throw new UsageError(`${file}: loading TypeScript modules needs the 'typescript' package (npm install typescript), or compile it to .js`);
  }
  const out = ts.transpileModule(readFileSync(file, 'utf8'), {
    compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 },
    fileName: file,
  });
  // Beside the source, so that its imports (`tsplay`, its own packages) resolve as they would for it.
  const dir = join(dirname(file), '.tsplay-cache');
  mkdirSync(dir, { recursive: true });
  const target = join(dir, basename(file).replace(/\.ts$/, '.mjs'));
  writeFileSync(target, out.outputText);
  return target;
}
