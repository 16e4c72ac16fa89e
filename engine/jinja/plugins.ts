// A playbook's own filters and tests, in TypeScript or JavaScript (Ansible's filter_plugins/ and
// test_plugins/ beside the playbook): each file exports `filters` and/or `tests`, objects of
// plain functions `(value, ...args) => result`. Keyword arguments (`x | f(a, key=1)`) arrive as
// one last object argument. They see plain data (lists, dicts, strings, numbers, null).
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { UsageError } from '../errors.js';
import { compileTs } from '../compile-ts.js';
import type { FilterFn, TestFn } from './evaluate.js';
import { builtins, type Plugins } from './index.js';
import { toPlain, truthy } from './values.js';

type PluginFn = (value: unknown, ...args: unknown[]) => unknown;

const PLUGIN_FILE = /\.(m?js|ts)$/;

function adapt(fn: PluginFn): (value: unknown, args: unknown[], kw: Record<string, unknown>) => unknown {
  return (value, args, kw) => {
    const plainArgs = args.map(toPlain);
    if (Object.keys(kw).length) plainArgs.push(toPlain({ ...kw }));
    return fn(toPlain(value), ...plainArgs);
  };
}

async function loadDir(dir: string, kind: 'filters' | 'tests', into: Record<string, FilterFn | TestFn>): Promise<void> {
  const full = resolve(dir);
  if (!existsSync(full) || !statSync(full).isDirectory()) return;
  for (const f of readdirSync(full).sort()) {
    if (!PLUGIN_FILE.test(f) || f.endsWith('.d.ts') || f.startsWith('.')) continue;
    const file = join(full, f);
    const url = pathToFileURL(f.endsWith('.ts') ? await compileTs(file) : file).href;
    let mod: Record<string, unknown>;
    try {
      mod = (await import(url)) as Record<string, unknown>;
    } catch (e) {
      throw new UsageError(`cannot load ${kind.slice(0, -1)} plugin ${file}: ${(e as Error).message}`);
    }
    const table = (mod[kind] ?? (mod.default as Record<string, unknown> | undefined)?.[kind]) as Record<string, unknown> | undefined;
    if (!table || typeof table !== 'object') throw new UsageError(`${file} exports no '${kind}' object`);
    for (const [name, fn] of Object.entries(table)) {
      if (typeof fn !== 'function') throw new UsageError(`${file}: ${kind}.${name} is not a function`);
      const call = adapt(fn as PluginFn);
      into[name] = kind === 'tests' ? (v, a, kw) => truthy(call(v, a, kw)) : call;
    }
  }
}

/** The built-ins plus the filter_plugins/ and test_plugins/ of each folder (later folders win). */
export async function loadPlugins(dirs: readonly string[]): Promise<Plugins> {
  const plugins: Plugins = { filters: { ...builtins.filters }, tests: { ...builtins.tests }, lookups: { ...builtins.lookups } };
  for (const d of dirs) {
    await loadDir(join(d, 'filter_plugins'), 'filters', plugins.filters);
    await loadDir(join(d, 'test_plugins'), 'tests', plugins.tests as Record<string, FilterFn | TestFn>);
  }
  return plugins;
}
