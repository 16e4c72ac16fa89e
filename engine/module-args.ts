// Module arguments: `k=v` strings, aliases, and validation against the module's JSON schema
// (ajv, defaults filled in, unknown keys refused with the allowed ones named).
import type { ErrorObject, ValidateFunction } from 'ajv';
import type { ModuleDefinition } from './module-api.js';

let ajvInstance: Promise<import('ajv').Ajv> | undefined;
// Promises, not validators, are cached: the loader validates every task at once, and a cache
// filled only after `await import('ajv')` would be empty for all of them (one compile per task).
const compiled = new WeakMap<ModuleDefinition, Promise<ValidateFunction>>();

function ajv(): Promise<import('ajv').Ajv> {
  // validateSchema: false spares every run compiling the JSON Schema meta-schema (a third of
  // ajv's start-up); a malformed keyword in a module's schema still fails its compile.
  // ajv is CommonJS: Node's ESM wrapper names its exports, a bundler's gives module.exports as default.
  ajvInstance ??= import('ajv').then((m) => {
    const Ajv = m.Ajv ?? (m as unknown as { default: typeof m }).default.Ajv;
    return new Ajv({ allErrors: true, useDefaults: true, strict: false, coerceTypes: false, validateSchema: false });
  });
  return ajvInstance;
}

/** The module's compiled schema, compiled once per process. */
export function validatorFor(mod: ModuleDefinition): Promise<ValidateFunction> {
  let v = compiled.get(mod);
  if (!v) {
    v = ajv().then((a) => a.compile(mod.schema));
    compiled.set(mod, v);
  }
  return v;
}

/**
 * Parses Ansible's `k=v k2="v 2" free text` argument strings. For a module with free text
 * (`freeForm`), leading `k=v` words are arguments only when `k` is one of `argNames` (so
 * `shell: FOO=1 env` is a command line) and the free text is kept as written, newlines and all.
 */
export function parseKeyValueArgs(text: string, freeForm?: string, argNames?: readonly string[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const free: string[] = [];
  // A `{{ expr }}` is one piece of a word, spaces and all, as in Ansible's splitter.
  const re = /\s*((?:\{\{[\s\S]*?\}\}|[^\s"']|"(?:[^"\\]|\\.)*"|'[^']*')+)/g;
  let m: RegExpExecArray | null;
  while ((m = re.exec(text))) {
    const token = m[1]!;
    const kv = /^([A-Za-z_][A-Za-z0-9_]*)=(.*)$/s.exec(token);
    if (freeForm) {
      if (kv && (!argNames || argNames.includes(kv[1]!))) out[kv[1]!] = unquote(kv[2]!);
      else {
        out[freeForm] = text.slice(m.index + m[0].length - token.length);
        break;
      }
    } else if (kv) out[kv[1]!] = unquote(kv[2]!);
    else free.push(token);
  }
  if (free.length) out._raw_params = free.join(' ');
  return out;
}

function unquote(v: string): string {
  if (v.length >= 2 && ((v.startsWith('"') && v.endsWith('"')) || (v.startsWith("'") && v.endsWith("'")))) {
    return v.slice(1, -1).replace(/\\(["\\])/g, '$1');
  }
  return v;
}

export interface ArgProblem {
  /** The argument the problem is about ('' for the whole mapping). */
  key: string;
  message: string;
  hint?: string;
}

/** Renames aliases to their canonical names. */
export function applyAliases(mod: ModuleDefinition, args: Record<string, unknown>): Record<string, unknown> {
  if (!mod.aliases) return { ...args };
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(args)) out[mod.aliases[k] ?? k] = v;
  return out;
}

/**
 * Validates (and fills defaults into) a copy of the arguments. `skip` tells which top-level
 * arguments hold templates that are only known at run time: their type errors are ignored.
 */
export async function validateArgs(
  mod: ModuleDefinition,
  args: Record<string, unknown>,
  skip: (key: string) => boolean = () => false,
): Promise<{ args: Record<string, unknown>; problems: ArgProblem[] }> {
  const copy = coerceStrings(mod, structuredClone(applyAliases(mod, args)));
  const validate = await validatorFor(mod);
  if (validate(copy)) return { args: copy, problems: [] };
  const problems: ArgProblem[] = [];
  const seen = new Set<string>();
  for (const e of validate.errors ?? []) {
    const p = describe(mod, e);
    if (p.key && skip(p.key) && e.keyword !== 'additionalProperties') continue;
    const id = `${p.key}|${p.message}`;
    if (!seen.has(id)) problems.push(p), seen.add(id);
  }
  return { args: copy, problems };
}

const BOOLEANS: Record<string, boolean> = { true: true, yes: true, on: true, '1': true, false: false, no: false, off: false, '0': false };

/**
 * Strings given to boolean or integer arguments (`create=yes` in a `k=v` line, `"{{ n }}"`
 * rendered into text) are converted as Ansible's argument spec does.
 */
function coerceStrings(mod: ModuleDefinition, args: Record<string, unknown>): Record<string, unknown> {
  const props = (mod.schema.properties ?? {}) as Record<string, { type?: string | string[] }>;
  for (const [k, v] of Object.entries(args)) {
    const t = props[k]?.type;
    const types = Array.isArray(t) ? t : t ? [t] : [];
    if (typeof v !== 'string' || types.includes('string')) continue;
    if (types.includes('boolean') && v.toLowerCase() in BOOLEANS) args[k] = BOOLEANS[v.toLowerCase()];
    else if ((types.includes('integer') || types.includes('number')) && /^-?\d+$/.test(v.trim())) args[k] = Number(v);
  }
  return args;
}

function allowedKeys(mod: ModuleDefinition): string[] {
  const props = (mod.schema.properties ?? {}) as Record<string, unknown>;
  return Object.keys(props).sort();
}

function describe(mod: ModuleDefinition, e: ErrorObject): ArgProblem {
  const key = e.instancePath.split('/')[1] ?? '';
  const at = e.instancePath ? e.instancePath.slice(1).replace(/\//g, '.') : '';
  switch (e.keyword) {
    case 'additionalProperties': {
      const extra = (e.params as { additionalProperty: string }).additionalProperty;
      const name = at ? `${at}.${extra}` : extra;
      return {
        key: at ? key : extra,
        message: `${mod.name}: unknown argument '${name}'`,
        hint: `allowed: ${allowedKeys(mod).join(', ')}${nearestHint(extra, allowedKeys(mod))}`,
      };
    }
    case 'required': {
      const missing = (e.params as { missingProperty: string }).missingProperty;
      return { key: '', message: `${mod.name}: missing required argument '${missing}'` };
    }
    case 'enum':
      return {
        key,
        message: `${mod.name}: argument '${at}' must be one of: ${((e.params as { allowedValues: unknown[] }).allowedValues).join(', ')}`,
      };
    default:
      return { key, message: `${mod.name}: ${at ? `argument '${at}' ` : ''}${e.message ?? 'is invalid'}` };
  }
}

/** " (did you mean 'x'?)" when a name is close to one of the candidates. */
export function nearestHint(name: string, candidates: string[]): string {
  const near = nearest(name, candidates);
  return near.length ? ` (did you mean '${near.join("' or '")}'?)` : '';
}

export function nearest(name: string, candidates: string[], max = 3): string[] {
  const scored = candidates
    .map((c) => ({ c, d: editDistance(name.toLowerCase(), c.toLowerCase()) }))
    .filter(({ c, d }) => d <= Math.max(2, Math.floor(c.length / 3)) || c.includes(name) || name.includes(c))
    .sort((a, b) => a.d - b.d);
  return scored.slice(0, max).map((s) => s.c);
}

function editDistance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let prev = row[0]!;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const tmp = row[j]!;
      row[j] = Math.min(row[j]! + 1, row[j - 1]! + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = tmp;
    }
  }
  return row[b.length]!;
}
