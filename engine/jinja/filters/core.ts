// Jinja2's built-in filters, with Jinja2 3.x's semantics (jinja2/filters.py): case-insensitive
// sorting and min/max by default, `map`/`select` by filter or test name, attribute paths.
import type { Environment, FilterFn } from '../evaluate.js';
import { methodOf } from '../methods.js';
import { printf } from '../operators.js';
import {
  PyFloat, PyTuple, TemplateError, Undefined, compare, equal, float, isDict, isFloat, isNumber, length, num, setOwn, str, truthy, use, type Dict,
} from '../values.js';
import { asDict, asList, attrGetter, param, runTest } from './args.js';

const lowerIfStr = (v: unknown, caseSensitive: boolean) => (!caseSensitive && typeof v === 'string' ? v.toLowerCase() : v);

function sortKey(args: unknown[], kw: Record<string, unknown>, first: number) {
  const caseSensitive = truthy(param(args, kw, first, 'case_sensitive', false));
  const get = attrGetter(param(args, kw, first + 1, 'attribute'));
  return (v: unknown) => lowerIfStr(use(get(v)), caseSensitive);
}

function toInt(v: unknown, def: unknown, base: number): unknown {
  if (typeof v === 'boolean') return Number(v);
  if (isNumber(v)) return Math.trunc(num(v));
  if (typeof v === 'string') {
    const s = v.trim().replace(/_/g, '');
    const prefixed = /^([+-]?)0([xob])([0-9a-f]+)$/i.exec(s);
    if (base === 10 && /^[+-]?\d+$/.test(s)) return Number(s);
    if (base !== 10 || prefixed) {
      const digits = prefixed ? prefixed[3]! : s;
      const b = prefixed ? { x: 16, o: 8, b: 2 }[prefixed[2]!.toLowerCase() as 'x' | 'o' | 'b'] : base;
      const n = parseInt(digits, b);
      if (!Number.isNaN(n) && [...digits.toLowerCase()].every((c) => parseInt(c, b) < b)) return prefixed?.[1] === '-' ? -n : n;
    }
    const f = Number(s);
    if (s !== '' && /^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i.test(s) && Number.isFinite(f)) return Math.trunc(f);
  }
  return def;
}

function toFloat(v: unknown, def: unknown): unknown {
  if (typeof v === 'boolean') return float(Number(v));
  if (isNumber(v)) return float(num(v));
  if (typeof v === 'string') {
    const s = v.trim().toLowerCase();
    if (/^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/.test(s)) return float(Number(s));
    if (/^[+-]?(inf|infinity)$/.test(s)) return s.startsWith('-') ? -Infinity : Infinity;
    if (/^[+-]?nan$/.test(s)) return NaN;
  }
  return def;
}

/** Python's round(): on the float's exact decimal value, an exact half going to the even neighbour. */
function roundHalfEven(x: number, precision: number): number {
  if (!Number.isFinite(x) || precision > 60) return x;
  const p = Math.max(0, precision);
  const exact = Math.abs(x).toFixed(Math.min(100, p + 40));
  const [int, frac = ''] = exact.split('.');
  if (/^50*$/.test(frac.slice(p))) {
    const truncated = Number(`${int}.${frac.slice(0, p) || '0'}`);
    const last = Number(`${int}${frac.slice(0, p)}`.slice(-1));
    const r = last % 2 === 0 ? truncated : Number((truncated + 10 ** -p).toFixed(p));
    return x < 0 ? -r : r;
  }
  return Number(x.toFixed(p));
}

function indent(s: string, width: unknown, first: boolean, blank: boolean): string {
  const pad = typeof width === 'string' ? width : ' '.repeat(Number(width));
  const lines = s.split('\n');
  return lines.map((l, i) => ((i === 0 && !first) || (!blank && l.trim() === '') ? l : pad + l)).join('\n');
}

function truncate(s: string, len: number, killwords: boolean, end: string, leeway: number): string {
  if (s.length <= len + leeway) return s;
  if (killwords) return s.slice(0, len - end.length) + end;
  const cut = s.slice(0, len - end.length);
  const i = cut.lastIndexOf(' ');
  return (i < 0 ? cut : cut.slice(0, i)) + end;
}

const HTML: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&#34;', "'": '&#39;' };
const escapeHtml = (v: unknown) => str(v).replace(/[&<>"']/g, (c) => HTML[c]!);

function uniqueBy(items: unknown[], key: (v: unknown) => unknown): unknown[] {
  const seen: unknown[] = [];
  const out: unknown[] = [];
  for (const it of items) {
    const k = key(it);
    if (!seen.some((s) => equal(s, k))) {
      seen.push(k);
      out.push(it);
    }
  }
  return out;
}

function mapFilter(value: unknown, args: unknown[], kw: Record<string, unknown>, env: Environment): unknown[] {
  const items = asList(value);
  if (!args.length && 'attribute' in kw) {
    const get = attrGetter(kw.attribute, kw.default);
    return items.map((v) => use(get(v)));
  }
  const name = String(args[0]);
  const fn = env.filter(name);
  if (!fn) throw new TemplateError(`no filter named '${name}'`);
  return items.map((v) => fn(use(v), args.slice(1), kw, env));
}

function selectOrReject(keep: boolean, byAttr: boolean): FilterFn {
  return (value, args, _kw, env) => {
    const items = asList(value);
    const get = byAttr ? attrGetter(args[0]) : (v: unknown) => v;
    const rest = byAttr ? args.slice(1) : args;
    return items.filter((it) => {
      const v = get(it);
      const ok = rest.length ? runTest(env, rest[0], v, rest.slice(1)) : truthy(v);
      return ok === keep;
    });
  };
}

function minMax(sign: 1 | -1): FilterFn {
  return (value, args, kw) => {
    const items = asList(value);
    if (!items.length) return new Undefined(sign > 0 ? 'max' : 'min', 'no largest item, sequence was empty');
    const key = sortKey(args, kw, 0);
    return items.reduce((best, it) => (compare(key(it), key(best)) * sign > 0 ? it : best));
  };
}

export const coreFilters: Record<string, FilterFn> = {
  abs: (v) => (isNumber(v) ? (typeof v === 'number' ? Math.abs(v) : new PyFloat(Math.abs(v.value))) : (() => { throw new TemplateError(`bad operand type for abs(): '${typeof v}'`); })()),
  attr: (v, a) => {
    const m = methodOf(v, String(a[0]));
    if (m) return m;
    return isDict(v) && Object.prototype.hasOwnProperty.call(v, String(a[0])) ? v[String(a[0])] : new Undefined(String(a[0]));
  },
  batch: (v, a) => {
    const items = asList(v);
    const n = Number(a[0]);
    const out: unknown[][] = [];
    for (let i = 0; i < items.length; i += n) out.push(items.slice(i, i + n));
    const fill = a[1];
    if (fill !== undefined && out.length && out[out.length - 1]!.length < n) while (out[out.length - 1]!.length < n) out[out.length - 1]!.push(fill);
    return out;
  },
  capitalize: (v) => str(v).charAt(0).toUpperCase() + str(v).slice(1).toLowerCase(),
  center: (v, a) => {
    const s = str(v);
    const w = Number(a[0] ?? 80);
    const pad = Math.max(0, w - s.length);
    const left = Math.floor(pad / 2) + (pad % 2 && w % 2 ? 1 : 0);
    return ' '.repeat(left) + s + ' '.repeat(pad - left);
  },
  count: (v) => length(v),
  default: (v, a) => {
    const def = a[0] === undefined ? '' : a[0];
    if (v instanceof Undefined) return def;
    return truthy(a[1] ?? false) && !truthy(v) ? def : v;
  },
  dictsort: (v, a, kw) => {
    const d = asDict(v, 'dictsort');
    const caseSensitive = truthy(param(a, kw, 0, 'case_sensitive', false));
    const by = String(param(a, kw, 1, 'by', 'key'));
    const reverse = truthy(param(a, kw, 2, 'reverse', false));
    const pairs = Object.entries(d).map((e) => PyTuple.of2(e));
    const idx = by === 'value' ? 1 : 0;
    pairs.sort((x, y) => compare(lowerIfStr(x[idx], caseSensitive), lowerIfStr(y[idx], caseSensitive)) * (reverse ? -1 : 1));
    return pairs;
  },
  escape: (v) => escapeHtml(v),
  first: (v) => {
    const items = asList(v);
    return items.length ? items[0] : new Undefined('first', 'no first item, sequence was empty');
  },
  float: (v, a) => toFloat(v, a[0] ?? new PyFloat(0)),
  forceescape: (v) => escapeHtml(v),
  format: (v, a, kw) => (Object.keys(kw).length ? printf(str(v), kw) : printf(str(v), PyTuple.of2(a))),
  groupby: (v, a, kw) => {
    const get = attrGetter(param(a, kw, 0, 'attribute'), kw.default);
    const items = asList(v);
    const keys = uniqueBy(items.map((i) => use(get(i))), (x) => x).sort(compare);
    return keys.map((k) => PyTuple.of2([k, items.filter((i) => equal(get(i), k))]));
  },
  indent: (v, a, kw) => indent(str(v), param(a, kw, 0, 'width', 4), truthy(param(a, kw, 1, 'first', false)), truthy(param(a, kw, 2, 'blank', false))),
  int: (v, a, kw) => toInt(v, param(a, kw, 0, 'default', 0), Number(param(a, kw, 1, 'base', 10))),
  items: (v) => (v === null ? [] : Object.entries(asDict(v, 'items')).map((e) => PyTuple.of2(e))),
  join: (v, a, kw) => {
    const get = attrGetter(param(a, kw, 1, 'attribute'));
    return asList(v).map((x) => str(use(get(x)))).join(str(param(a, kw, 0, 'd', '')));
  },
  last: (v) => {
    const items = asList(v);
    return items.length ? items[items.length - 1] : new Undefined('last', 'no last item, sequence was empty');
  },
  length: (v) => length(v),
  list: (v) => [...asList(v)],
  lower: (v) => str(v).toLowerCase(),
  map: mapFilter,
  max: minMax(1),
  min: minMax(-1),
  reject: selectOrReject(false, false),
  rejectattr: selectOrReject(false, true),
  replace: (v, a) => {
    const s = str(v);
    const count = a[2] === undefined || a[2] === null ? -1 : Number(a[2]);
    const parts = s.split(str(a[0]));
    if (count < 0 || parts.length - 1 <= count) return parts.join(str(a[1]));
    return parts.slice(0, count + 1).join(str(a[1])) + str(a[0]) + parts.slice(count + 1).join(str(a[0]));
  },
  reverse: (v) => (typeof v === 'string' ? [...v].reverse().join('') : [...asList(v)].reverse()),
  round: (v, a, kw) => {
    const precision = Number(param(a, kw, 0, 'precision', 0));
    const method = String(param(a, kw, 1, 'method', 'common'));
    const x = num(v as number);
    const f = 10 ** precision;
    if (method === 'common' && !isFloat(v)) return v; // round() of a Python int is that int
    const r = method === 'ceil' ? Math.ceil(x * f) / f : method === 'floor' ? Math.floor(x * f) / f : roundHalfEven(x, precision);
    return float(r);
  },
  safe: (v) => v,
  select: selectOrReject(true, false),
  selectattr: selectOrReject(true, true),
  slice: (v, a) => {
    const items = asList(v);
    const n = Number(a[0]);
    const per = Math.floor(items.length / n);
    const extra = items.length % n;
    const out: unknown[][] = [];
    let off = 0;
    for (let i = 0; i < n; i++) {
      const size = per + (i < extra ? 1 : 0);
      const part = items.slice(off, off + size);
      off += size;
      if (a[1] !== undefined && i >= extra && extra) part.push(a[1]);
      out.push(part);
    }
    return out;
  },
  sort: (v, a, kw) => {
    const reverse = truthy(param(a, kw, 0, 'reverse', false));
    const key = sortKey(a, kw, 1);
    return [...asList(v)].sort((x, y) => compare(key(x), key(y)) * (reverse ? -1 : 1));
  },
  string: (v) => str(v),
  striptags: (v) => str(v).replace(/<!--[\s\S]*?-->|<[^>]*>/g, '').replace(/\s+/g, ' ').trim(),
  sum: (v, a, kw) => {
    const get = attrGetter(param(a, kw, 0, 'attribute'));
    let total: unknown = param(a, kw, 1, 'start', 0);
    for (const it of asList(v)) {
      const x = use(get(it));
      if (Array.isArray(total) && Array.isArray(x)) total = [...total, ...x];
      else if (isNumber(total) && isNumber(x)) total = isFloat(total) || isFloat(x) ? float(num(total) + num(x)) : num(total) + num(x);
      else throw new TemplateError(`unsupported operand type(s) for +: '${typeof total}' and '${typeof x}'`);
    }
    return total;
  },
  title: (v) => str(v).replace(/([^\s\-\(\)\{\}\[\]<>]+)/g, (w) => w.charAt(0).toUpperCase() + w.slice(1).toLowerCase()),
  tojson: (v, a) => jsonSorted(v, a[0]),
  trim: (v, a) => {
    const s = str(v);
    if (a[0] === undefined || a[0] === null) return s.trim();
    const chars = str(a[0]);
    let i = 0;
    let j = s.length;
    while (i < j && chars.includes(s[i]!)) i++;
    while (j > i && chars.includes(s[j - 1]!)) j--;
    return s.slice(i, j);
  },
  truncate: (v, a, kw) =>
    truncate(str(v), Number(param(a, kw, 0, 'length', 255)), truthy(param(a, kw, 1, 'killwords', false)), str(param(a, kw, 2, 'end', '...')), Number(param(a, kw, 3, 'leeway', 5))),
  unique: (v, a, kw) => {
    const caseSensitive = truthy(param(a, kw, 0, 'case_sensitive', false));
    const get = attrGetter(param(a, kw, 1, 'attribute'));
    return uniqueBy(asList(v), (x) => lowerIfStr(use(get(x)), caseSensitive));
  },
  upper: (v) => str(v).toUpperCase(),
  urlencode: (v) => {
    const plus = (s: string) => encodeURIComponent(s).replace(/%20/g, '+');
    if (isDict(v)) return Object.entries(v).map(([k, x]) => `${plus(k)}=${plus(str(x))}`).join('&');
    return encodeURIComponent(str(v)).replace(/%2F/g, '/');
  },
  wordcount: (v) => (str(v).match(/\w+/gu) ?? []).length,
};
coreFilters.d = coreFilters.default!;
coreFilters.e = coreFilters.escape!;


/** Jinja2's tojson: sorted keys, HTML-safe. */
function jsonSorted(v: unknown, indentArg: unknown): string {
  const sortDeep = (x: unknown): unknown => {
    if (Array.isArray(x)) return x.map(sortDeep);
    if (isDict(x)) {
      const out: Dict = {};
      for (const k of Object.keys(x).sort()) setOwn(out, k, sortDeep(x[k]));
      return out;
    }
    return x instanceof PyFloat ? x.value : x;
  };
  const text = pyJson(sortDeep(v), { indent: indentArg === undefined || indentArg === null ? undefined : Number(indentArg) });
  return text.replace(/[<>&']/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

export interface JsonOptions {
  indent?: number;
  sortKeys?: boolean;
  ensureAscii?: boolean;
  /** Python's separators (item, key). */
  separators?: [string, string];
}

/** Python's json.dumps. */
export function pyJson(v: unknown, o: JsonOptions = {}, depth = 0): string {
  const ascii = o.ensureAscii ?? true;
  const [itemSep, keySep] = o.separators ?? (o.indent !== undefined ? [',', ': '] : [', ', ': ']);
  const nl = o.indent !== undefined ? `\n${' '.repeat(o.indent * (depth + 1))}` : '';
  const end = o.indent !== undefined ? `\n${' '.repeat(o.indent * depth)}` : '';
  v = use(v);
  if (v === null || v === undefined) return 'null';
  if (v === true) return 'true';
  if (v === false) return 'false';
  if (v instanceof PyFloat) return Number.isFinite(v.value) ? `${v.value}.0` : v.value > 0 ? 'Infinity' : '-Infinity';
  if (typeof v === 'number') return Number.isNaN(v) ? 'NaN' : !Number.isFinite(v) ? (v > 0 ? 'Infinity' : '-Infinity') : String(v).replace(/e([+-])(\d)$/, 'e$10$2');
  if (typeof v === 'string') {
    let s = JSON.stringify(v).replace(/[\u007f]/g, '\\u007f');
    if (ascii) s = s.replace(/[\u0080-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
    return s;
  }
  if (Array.isArray(v)) {
    if (!v.length) return '[]';
    return `[${nl}${v.map((x) => pyJson(x, o, depth + 1)).join(itemSep + nl)}${end}]`;
  }
  if (isDict(v)) {
    const keys = Object.keys(v);
    if (!keys.length) return '{}';
    if (o.sortKeys) keys.sort();
    return `{${nl}${keys.map((k) => pyJson(k, o) + keySep + pyJson(v[k], o, depth + 1)).join(itemSep + nl)}${end}}`;
  }
  throw new TemplateError(`Object of type ${typeof v} is not JSON serializable`);
}
