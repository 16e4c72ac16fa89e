// The Python methods templates may call on strings, lists and dicts (`x.split(',')`,
// `d.items()`, `d.get('k', 1)`). Only methods that do not change their object are offered, so
// a template cannot alter variables or host data.
import { Callable, PyTuple, TemplateError, equal, isDict, num, isNumber, own, str, type Dict, typeName } from './values.js';

type Method = (self: never, args: unknown[], kw: Record<string, unknown>) => unknown;

const arg = (args: unknown[], kw: Record<string, unknown>, i: number, name: string, def?: unknown): unknown =>
  args.length > i ? args[i] : name in kw ? kw[name] : def;

function pyStrip(s: string, chars: unknown, left: boolean, right: boolean): string {
  const set = chars === undefined || chars === null ? undefined : String(chars);
  const strip = (c: string) => (set === undefined ? /\s/.test(c) : set.includes(c));
  let a = 0;
  let b = s.length;
  if (left) while (a < b && strip(s[a]!)) a++;
  if (right) while (b > a && strip(s[b - 1]!)) b--;
  return s.slice(a, b);
}

export function pySplit(s: string, sep: unknown, maxsplit: unknown): string[] {
  const max = maxsplit === undefined || maxsplit === null ? -1 : Number(maxsplit);
  if (sep === undefined || sep === null) {
    const out: string[] = [];
    let rest = s.replace(/^\s+/, '');
    while (rest.length) {
      if (max >= 0 && out.length === max) {
        out.push(rest);
        return out;
      }
      const m = /\s+/.exec(rest);
      if (!m) {
        out.push(rest);
        break;
      }
      out.push(rest.slice(0, m.index));
      rest = rest.slice(m.index + m[0].length);
    }
    return out;
  }
  const d = String(sep);
  if (!d) throw new TemplateError('empty separator');
  const parts = s.split(d);
  if (max < 0 || parts.length <= max + 1) return parts;
  return [...parts.slice(0, max), parts.slice(max).join(d)];
}

/** Python's str.format with {} {0} {name} and simple conversions; enough for templates. */
export function pyFormat(fmt: string, args: unknown[], kw: Record<string, unknown>): string {
  let auto = 0;
  return fmt.replace(/\{\{|\}\}|\{([^{}!:]*)(?:![rs])?(?::([^{}]*))?\}/g, (m, field: string | undefined, spec: string | undefined) => {
    if (m === '{{') return '{';
    if (m === '}}') return '}';
    const v = field === '' ? args[auto++] : /^\d+$/.test(field!) ? args[Number(field)] : kw[field!];
    if (!spec) return str(v);
    const fm = /^([<>^])?(\d+)?(?:\.(\d+))?([dfsx])?$/.exec(spec);
    if (!fm) throw new TemplateError(`unsupported format spec '${spec}'`);
    let out = fm[3] !== undefined && isNumber(v) ? num(v).toFixed(Number(fm[3])) : fm[4] === 'x' ? num(v as number).toString(16) : str(v);
    const width = Number(fm[2] ?? 0);
    const align = fm[1] ?? (isNumber(v) ? '>' : '<');
    if (out.length < width) out = align === '>' ? out.padStart(width) : align === '^' ? out.padStart((width + out.length) >> 1).padEnd(width) : out.padEnd(width);
    return out;
  });
}

const STR: Record<string, Method> = {
  split: (s: string, a, k) => pySplit(s, arg(a, k, 0, 'sep'), arg(a, k, 1, 'maxsplit')),
  rsplit: (s: string, a, k) => {
    const sep = arg(a, k, 0, 'sep');
    const max = arg(a, k, 1, 'maxsplit');
    if (max === undefined || max === null || Number(max) < 0) return pySplit(s, sep, undefined);
    const rev = pySplit([...s].reverse().join(''), sep === undefined || sep === null ? sep : [...String(sep)].reverse().join(''), max);
    return rev.reverse().map((p) => [...p].reverse().join(''));
  },
  splitlines: (s: string) => s.split(/\r\n|\r|\n/).filter((l, i, all) => i < all.length - 1 || l !== ''),
  strip: (s: string, a) => pyStrip(s, a[0], true, true),
  lstrip: (s: string, a) => pyStrip(s, a[0], true, false),
  rstrip: (s: string, a) => pyStrip(s, a[0], false, true),
  startswith: (s: string, a) => (Array.isArray(a[0]) ? a[0] : [a[0]]).some((p) => s.startsWith(String(p))),
  endswith: (s: string, a) => (Array.isArray(a[0]) ? a[0] : [a[0]]).some((p) => s.endsWith(String(p))),
  lower: (s: string) => s.toLowerCase(),
  upper: (s: string) => s.toUpperCase(),
  capitalize: (s: string) => s.charAt(0).toUpperCase() + s.slice(1).toLowerCase(),
  title: (s: string) => s.toLowerCase().replace(/(^|[^a-zA-Z0-9'])([a-z])/g, (_m, p: string, c: string) => p + c.toUpperCase()),
  replace: (s: string, a) => {
    const count = a[2] === undefined ? -1 : Number(a[2]);
    const parts = s.split(String(a[0]));
    if (count < 0 || parts.length - 1 <= count) return parts.join(String(a[1]));
    return parts.slice(0, count + 1).join(String(a[1])) + String(a[0]) + parts.slice(count + 1).join(String(a[0]));
  },
  join: (s: string, a) => (a[0] as unknown[]).map((x) => str(x)).join(s),
  format: (s: string, a, k) => pyFormat(s, a, k),
  find: (s: string, a) => s.indexOf(String(a[0])),
  rfind: (s: string, a) => s.lastIndexOf(String(a[0])),
  index: (s: string, a) => {
    const i = s.indexOf(String(a[0]));
    if (i < 0) throw new TemplateError('substring not found');
    return i;
  },
  count: (s: string, a) => (String(a[0]) === '' ? s.length + 1 : s.split(String(a[0])).length - 1),
  isdigit: (s: string) => /^[0-9]+$/.test(s),
  isalpha: (s: string) => /^\p{L}+$/u.test(s),
  isalnum: (s: string) => /^[\p{L}0-9]+$/u.test(s),
  isspace: (s: string) => /^\s+$/.test(s),
  islower: (s: string) => /[a-z]/.test(s) && s === s.toLowerCase(),
  isupper: (s: string) => /[A-Z]/.test(s) && s === s.toUpperCase(),
  zfill: (s: string, a) => (s[0] === '-' || s[0] === '+' ? s[0] + s.slice(1).padStart(Number(a[0]) - 1, '0') : s.padStart(Number(a[0]), '0')),
  ljust: (s: string, a) => s.padEnd(Number(a[0]), a[1] === undefined ? ' ' : String(a[1])),
  rjust: (s: string, a) => s.padStart(Number(a[0]), a[1] === undefined ? ' ' : String(a[1])),
  center: (s: string, a) => {
    const w = Number(a[0]);
    const pad = Math.max(0, w - s.length);
    const left = Math.floor(pad / 2) + (pad % 2 && w % 2 ? 1 : 0);
    return ' '.repeat(left) + s + ' '.repeat(pad - left);
  },
  partition: (s: string, a) => {
    const i = s.indexOf(String(a[0]));
    return PyTuple.of2(i < 0 ? [s, '', ''] : [s.slice(0, i), String(a[0]), s.slice(i + String(a[0]).length)]);
  },
};

const LIST: Record<string, Method> = {
  index: (l: unknown[], a) => {
    const i = l.findIndex((x) => equal(x, a[0]));
    if (i < 0) throw new TemplateError(`${str(a[0])} is not in list`);
    return i;
  },
  count: (l: unknown[], a) => l.filter((x) => equal(x, a[0])).length,
};

const DICT: Record<string, Method> = {
  items: (d: Dict) => Object.entries(d).map((e) => PyTuple.of2(e)),
  keys: (d: Dict) => Object.keys(d),
  values: (d: Dict) => Object.values(d),
  get: (d: Dict, a) => (Object.prototype.hasOwnProperty.call(d, String(a[0])) ? own(d, String(a[0])) : a.length > 1 ? a[1] : null),
  copy: (d: Dict) => ({ ...d }),
};

/** A bound method of a value, or undefined when the value's type has no such method. */
export function methodOf(value: unknown, name: string): Callable | undefined {
  const table = typeof value === 'string' ? STR : Array.isArray(value) ? LIST : isDict(value) ? DICT : undefined;
  if (!table || !Object.prototype.hasOwnProperty.call(table, name)) return undefined;
  const m = table[name]!;
  return new Callable(`${typeName(value)}.${name}`, (args, kw) => m(value as never, args, kw));
}
