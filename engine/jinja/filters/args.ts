// Helpers for filter arguments: Python's positional-or-keyword parameters and the
// attribute paths (`attribute='a.b'`) that Jinja2's filters accept.
import type { Environment } from '../evaluate.js';
import { getItem } from '../evaluate.js';
import { LazyMapping } from '../lazy.js';
import { TemplateError, Undefined, isDict, iterate, setOwn, use, type Dict } from '../values.js';

/** The i-th positional argument, or the keyword of that name, or the default. */
export function param(args: unknown[], kw: Record<string, unknown>, i: number, name: string, def?: unknown): unknown {
  if (args.length > i) return args[i];
  if (Object.prototype.hasOwnProperty.call(kw, name)) return kw[name];
  return def;
}

/** `attribute='a.b.0'`: a getter following the dotted path (numbers index lists). */
export function attrGetter(attribute: unknown, def?: unknown): (v: unknown) => unknown {
  if (attribute === undefined || attribute === null) return (v) => v;
  const parts = String(attribute).split('.');
  return (v) => {
    let cur = v;
    for (const p of parts) {
      cur = getItem(cur, /^\d+$/.test(p) && Array.isArray(cur) ? Number(p) : p, `${String(attribute)}`);
      if (cur instanceof Undefined) return def !== undefined ? def : cur;
    }
    return cur;
  };
}

/** A dict argument as a plain object (lazy mappings are read in full). */
export function asDict(v: unknown, what: string): Dict {
  v = use(v);
  if (v instanceof LazyMapping) {
    const out: Dict = {};
    for (const k of v.keys()) setOwn(out, k, v.get(k));
    return out;
  }
  if (!isDict(v)) throw new TemplateError(`${what} expects a dict, got ${describeType(v)}`);
  return v;
}

export function asList(v: unknown): unknown[] {
  v = use(v);
  if (v instanceof LazyMapping) return v.keys();
  return iterate(v);
}

function describeType(v: unknown): string {
  return Array.isArray(v) ? 'a list' : typeof v === 'string' ? 'a string' : v === null ? 'None' : typeof v;
}

/** Calls a named test, as select/reject and selectattr/rejectattr do. */
export function runTest(env: Environment, name: unknown, value: unknown, args: unknown[]): boolean {
  const test = env.test(String(name));
  if (!test) throw new TemplateError(`no test named '${String(name)}'`);
  return test(value, args, {}, env);
}
