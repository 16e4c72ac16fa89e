// Python's value model as Ansible's Jinja2 sees it, over plain JavaScript values: None is null,
// lists are arrays, dicts are plain objects (own keys only), and an undefined name or attribute
// is an `Undefined` that fails as soon as it is used for anything but `is defined`/`default`.
import { TsplayError } from '../errors.js';
import { LazyMapping } from './lazy.js';

export class TemplateError extends TsplayError {
  override name = 'TemplateError';
}

/** A name or attribute that does not exist; chains (`a.b.c`) stay undefined, as in Ansible. */
export class Undefined {
  constructor(readonly path: string, readonly hint?: string) {}
  fail(): never {
    throw new UndefinedError(this);
  }
}

export class UndefinedError extends TemplateError {
  override name = 'UndefinedError';
  constructor(readonly undef: Undefined) {
    super(`'${undef.path}' is undefined${undef.hint ? ` (${undef.hint})` : ''}`);
  }
}

/** A float whose value is integral (`4 / 2` is 2.0 in Python, not 2). */
export class PyFloat {
  constructor(readonly value: number) {}
}

/** Callables reachable from a template: macros, `namespace`, `range`, `lookup`, own methods. */
export class Callable {
  constructor(readonly name: string, readonly call: (args: unknown[], kwargs: Record<string, unknown>) => unknown) {}
}

/** `namespace()`: the one mutable object a template may assign attributes to. */
export class Namespace {
  constructor(readonly attrs: Record<string, unknown>) {}
}

/** A Python tuple: a list everywhere, but written `(a, b)`. */
export class PyTuple extends Array<unknown> {
  static override get [Symbol.species](): ArrayConstructor {
    return Array;
  }
  static of2(items: readonly unknown[]): PyTuple {
    const t = new PyTuple();
    t.push(...items);
    return t;
  }
}

export type Dict = Record<string, unknown>;

export const isUndefined = (v: unknown): v is Undefined => v instanceof Undefined;

export function isDict(v: unknown): v is Dict {
  if (v === null || typeof v !== 'object' || Array.isArray(v)) return false;
  const p = Object.getPrototypeOf(v);
  return p === Object.prototype || p === null;
}

export const isNumber = (v: unknown): v is number | PyFloat => typeof v === 'number' || v instanceof PyFloat;
export const num = (v: number | PyFloat): number => (typeof v === 'number' ? v : v.value);
export const isFloat = (v: unknown): boolean => v instanceof PyFloat || (typeof v === 'number' && !Number.isInteger(v));
export const isInt = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v);
/** A number as a Python float: integral values keep their `.0`. */
export const float = (n: number): number | PyFloat => (Number.isInteger(n) && Number.isFinite(n) ? new PyFloat(n) : n);

/** Own property of a dict, never the prototype chain. */
export function own(d: object, key: string): unknown {
  return Object.prototype.hasOwnProperty.call(d, key) ? (d as Dict)[key] : undefined;
}
export const hasOwn = (d: object, key: string): boolean => Object.prototype.hasOwnProperty.call(d, key);

/** Throws when v is undefined: every use of a value but the tests and `default` goes here. */
export function use<T>(v: T): Exclude<T, Undefined> {
  if (v instanceof Undefined) v.fail();
  return v as Exclude<T, Undefined>;
}

export function typeName(v: unknown): string {
  if (v === null || v === undefined) return 'NoneType';
  if (typeof v === 'boolean') return 'bool';
  if (isFloat(v)) return 'float';
  if (typeof v === 'number') return 'int';
  if (typeof v === 'string') return 'str';
  if (v instanceof PyTuple) return 'tuple';
  if (Array.isArray(v)) return 'list';
  if (v instanceof Undefined) return 'AnsibleUndefined';
  if (v instanceof Callable) return 'function';
  if (v instanceof LazyMapping) return 'dict';
  if (v instanceof Namespace) return 'Namespace';
  if (isDict(v)) return 'dict';
  return 'object';
}

export function truthy(v: unknown): boolean {
  v = use(v);
  if (v === null || v === undefined || v === false) return false;
  if (v === true) return true;
  if (isNumber(v)) return num(v) !== 0;
  if (typeof v === 'string') return v.length > 0;
  if (Array.isArray(v)) return v.length > 0;
  if (isDict(v)) return Object.keys(v).length > 0;
  return true;
}

/** Python's repr() of a float. */
function floatRepr(n: number): string {
  if (Number.isNaN(n)) return 'nan';
  if (!Number.isFinite(n)) return n > 0 ? 'inf' : '-inf';
  if (Number.isInteger(n) && Math.abs(n) < 1e16) return `${n}.0`;
  const s = String(n);
  // JavaScript writes 1e+21 and 1e-7 as Python does, except that Python pads the exponent to 2 digits.
  return s.replace(/e([+-])(\d)$/, 'e$10$2');
}

/** Python's repr() of a str. */
export function strRepr(s: string): string {
  const quote = s.includes("'") && !s.includes('"') ? '"' : "'";
  let out = quote;
  for (const ch of s) {
    const c = ch.codePointAt(0)!;
    if (ch === '\\') out += '\\\\';
    else if (ch === quote) out += `\\${quote}`;
    else if (ch === '\n') out += '\\n';
    else if (ch === '\r') out += '\\r';
    else if (ch === '\t') out += '\\t';
    else if (c < 0x20 || c === 0x7f) out += `\\x${c.toString(16).padStart(2, '0')}`;
    else if (c >= 0x80 && c < 0xa0) out += `\\x${c.toString(16)}`;
    else out += ch;
  }
  return out + quote;
}

export function repr(v: unknown): string {
  if (v === null || v === undefined) return 'None';
  if (v === true) return 'True';
  if (v === false) return 'False';
  if (v instanceof PyFloat) return floatRepr(v.value);
  if (typeof v === 'number') return Number.isInteger(v) ? String(v) : floatRepr(v);
  if (typeof v === 'string') return strRepr(v);
  if (v instanceof PyTuple) return v.length === 1 ? `(${repr(v[0])},)` : `(${v.map(repr).join(', ')})`;
  if (Array.isArray(v)) return `[${v.map(repr).join(', ')}]`;
  if (v instanceof Undefined) v.fail();
  if (v instanceof Namespace) return `<Namespace ${repr(v.attrs)}>`;
  if (v instanceof Callable) return `<function ${v.name}>`;
  if (isDict(v)) return `{${Object.entries(v).map(([k, x]) => `${strRepr(k)}: ${repr(x)}`).join(', ')}}`;
  return String(v);
}

/** Python's str(): how `{{ value }}` writes a value into text. */
export function str(v: unknown): string {
  if (typeof v === 'string') return v;
  return repr(v);
}

export function equal(a: unknown, b: unknown): boolean {
  if (a instanceof Undefined || b instanceof Undefined) return false;
  if (a === undefined) a = null;
  if (b === undefined) b = null;
  if (isNumber(a) || typeof a === 'boolean') {
    if (isNumber(b) || typeof b === 'boolean') return Number(isNumber(a) ? num(a) : a) === Number(isNumber(b) ? num(b) : b);
    return false;
  }
  if (typeof a === 'string' || a === null) return a === b;
  if (Array.isArray(a)) return Array.isArray(b) && a.length === b.length && a.every((x, i) => equal(x, b[i]));
  if (isDict(a)) {
    if (!isDict(b)) return false;
    const ka = Object.keys(a);
    return ka.length === Object.keys(b).length && ka.every((k) => hasOwn(b, k) && equal(a[k], b[k]));
  }
  return a === b;
}

/** Python's ordering (<): numbers with numbers, strings with strings, lists element-wise. */
export function compare(a: unknown, b: unknown): number {
  a = use(a);
  b = use(b);
  const n = (x: unknown) => (typeof x === 'boolean' ? Number(x) : isNumber(x) ? num(x) : undefined);
  const na = n(a);
  const nb = n(b);
  if (na !== undefined && nb !== undefined) return na < nb ? -1 : na > nb ? 1 : 0;
  if (typeof a === 'string' && typeof b === 'string') return a < b ? -1 : a > b ? 1 : 0;
  if (Array.isArray(a) && Array.isArray(b)) {
    for (let i = 0; i < Math.min(a.length, b.length); i++) {
      if (!equal(a[i], b[i])) return compare(a[i], b[i]);
    }
    return a.length - b.length;
  }
  throw new TemplateError(`'<' not supported between instances of '${typeName(a)}' and '${typeName(b)}'`);
}

/** Python's `in`. */
export function contains(container: unknown, item: unknown): boolean {
  container = use(container);
  if (typeof container === 'string') {
    if (typeof item !== 'string') throw new TemplateError(`'in <string>' requires string as left operand, not ${typeName(item)}`);
    return container.includes(item);
  }
  if (Array.isArray(container)) return container.some((x) => equal(x, item));
  if (isDict(container)) return typeof item === 'string' && hasOwn(container, item);
  if (container instanceof Namespace) return typeof item === 'string' && hasOwn(container.attrs, item);
  if (container instanceof LazyMapping) return typeof item === 'string' && container.has(item);
  throw new TemplateError(`argument of type '${typeName(container)}' is not iterable`);
}

/** Python's iter(): list items, dict keys, string characters. */
export function iterate(v: unknown): unknown[] {
  v = use(v);
  if (Array.isArray(v)) return v;
  if (isDict(v)) return Object.keys(v);
  if (typeof v === 'string') return [...v];
  if (v instanceof LazyMapping) return v.keys();
  throw new TemplateError(`'${typeName(v)}' object is not iterable`);
}

export function length(v: unknown): number {
  v = use(v);
  if (typeof v === 'string') return [...v].length;
  if (Array.isArray(v)) return v.length;
  if (isDict(v)) return Object.keys(v).length;
  if (v instanceof LazyMapping) return v.keys().length;
  throw new TemplateError(`object of type '${typeName(v)}' has no len()`);
}

/** Plain JavaScript data for JSON/YAML output and for modules: floats unboxed. */
export function toPlain(v: unknown): unknown {
  if (v instanceof PyFloat) return v.value;
  if (v instanceof Undefined) v.fail();
  if (Array.isArray(v)) return v instanceof PyTuple || v.some((x) => typeof x === 'object' && x !== null) ? Array.from(v, toPlain) : v;
  if (v instanceof Namespace) return toPlain(v.attrs);
  if (isDict(v)) {
    let changed = false;
    const out: Dict = {};
    for (const [k, x] of Object.entries(v)) {
      const p = toPlain(x);
      if (p !== x) changed = true;
      setOwn(out, k, p);
    }
    return changed ? out : v;
  }
  return v;
}

/** Sets an own property, whatever the key (`__proto__` included). */
export function setOwn(d: Dict, key: string, value: unknown): void {
  Object.defineProperty(d, key, { value, enumerable: true, writable: true, configurable: true });
}
