// Ansible's data filters (ansible/plugins/filter/core.py and mathstuff.py): combine,
// dict2items, ternary, mandatory, bool, flatten, set operations, zip, product, extract, …
import { posix } from 'node:path';
import { homedir } from 'node:os';
import type { FilterFn } from '../evaluate.js';
import { getItem } from '../evaluate.js';
import { pySplit } from '../methods.js';
import { PyTuple, TemplateError, Undefined, equal, float, isDict, isNumber, num, setOwn, str, truthy, typeName, use, type Dict } from '../values.js';
import { asDict, asList, param } from './args.js';

function combine(dicts: Dict[], recursive: boolean, listMerge: string): Dict {
  const merge = (a: Dict, b: Dict): Dict => {
    const out: Dict = { ...a };
    for (const [k, v] of Object.entries(b)) {
      const cur = out[k];
      if (recursive && isDict(cur) && isDict(v)) setOwn(out, k, merge(cur, v));
      else if (Array.isArray(cur) && Array.isArray(v) && listMerge !== 'replace') {
        if (listMerge === 'keep') setOwn(out, k, cur);
        else if (listMerge === 'append') setOwn(out, k, [...cur, ...v]);
        else if (listMerge === 'prepend') setOwn(out, k, [...v, ...cur]);
        else if (listMerge === 'append_rp') setOwn(out, k, [...cur.filter((x) => !v.some((y) => equal(x, y))), ...v]);
        else if (listMerge === 'prepend_rp') setOwn(out, k, [...v, ...cur.filter((x) => !v.some((y) => equal(x, y)))]);
        else throw new TemplateError(`combine: unknown list_merge '${listMerge}'`);
      } else setOwn(out, k, v);
    }
    return out;
  };
  return dicts.reduce((acc, d) => merge(acc, d), {} as Dict);
}

function flatten(v: unknown[], levels: number | undefined, skipNulls: boolean): unknown[] {
  const out: unknown[] = [];
  for (const x of v) {
    if (skipNulls && (x === null || x === 'None')) continue;
    if (Array.isArray(x) && (levels === undefined || levels > 0)) out.push(...flatten(x, levels === undefined ? undefined : levels - 1, skipNulls));
    else out.push(x);
  }
  return out;
}

const uniq = (items: unknown[]) => items.filter((x, i) => items.findIndex((y) => equal(x, y)) === i);
const has = (items: unknown[], x: unknown) => items.some((y) => equal(x, y));

/** shlex.quote */
export function shellQuote(s: string): string {
  if (s === '') return "''";
  if (/^[\w@%+=:,./-]+$/.test(s)) return s;
  return `'${s.replace(/'/g, `'"'"'`)}'`;
}

function toBool(v: unknown): boolean | null {
  if (v === null || v === undefined) return null;
  if (typeof v === 'boolean') return v;
  if (isNumber(v)) return num(v) === 1;
  if (typeof v === 'string') return ['yes', 'on', '1', 'true'].includes(v.toLowerCase());
  return false;
}

function product(lists: unknown[][]): unknown[][] {
  return lists.reduce<unknown[][]>((acc, l) => acc.flatMap((p) => l.map((x) => PyTuple.of2([...p, x]))), [PyTuple.of2([])]);
}

export const ansibleFilters: Record<string, FilterFn> = {
  bool: (v) => toBool(v),
  combine: (v, a, kw) => {
    const dicts = [v, ...a].flatMap((d) => (Array.isArray(d) ? d : [d])).map((d) => asDict(d, 'combine'));
    return combine(dicts, truthy(kw.recursive ?? false), String(kw.list_merge ?? 'replace'));
  },
  dict2items: (v, a, kw) => {
    const d = asDict(v, 'dict2items');
    const kn = String(param(a, kw, 0, 'key_name', 'key'));
    const vn = String(param(a, kw, 1, 'value_name', 'value'));
    return Object.entries(d).map(([k, x]) => ({ [kn]: k, [vn]: x }));
  },
  items2dict: (v, a, kw) => {
    const kn = String(param(a, kw, 0, 'key_name', 'key'));
    const vn = String(param(a, kw, 1, 'value_name', 'value'));
    const out: Dict = {};
    for (const it of asList(v)) {
      const d = asDict(it, 'items2dict');
      if (!(kn in d) || !(vn in d)) throw new TemplateError(`items2dict requires each item to have '${kn}' and '${vn}' keys`);
      setOwn(out, str(d[kn]), d[vn]);
    }
    return out;
  },
  ternary: (v, a) => (v === null && a.length > 2 ? a[2] : truthy(v) ? a[0] : a[1]),
  mandatory: (v, a) => {
    if (v instanceof Undefined) throw new TemplateError(a[0] !== undefined ? str(a[0]) : `Mandatory variable '${v.path}' not defined.`);
    return v;
  },
  type_debug: (v) => typeName(v),
  flatten: (v, a, kw) => {
    const levels = param(a, kw, 0, 'levels');
    return flatten(asList(v), levels === undefined || levels === null ? undefined : Number(levels), truthy(param(a, kw, 1, 'skip_nulls', true)));
  },
  union: (v, a) => uniq([...asList(v), ...asList(a[0])]),
  intersect: (v, a) => uniq(asList(v).filter((x) => has(asList(a[0]), x))),
  difference: (v, a) => uniq(asList(v).filter((x) => !has(asList(a[0]), x))),
  symmetric_difference: (v, a) => {
    const x = asList(v);
    const y = asList(a[0]);
    return uniq([...x.filter((i) => !has(y, i)), ...y.filter((i) => !has(x, i))]);
  },
  zip: (v, a) => {
    const lists = [asList(v), ...a.map(asList)];
    const n = Math.min(...lists.map((l) => l.length));
    return Array.from({ length: n }, (_x, i) => PyTuple.of2(lists.map((l) => l[i])));
  },
  zip_longest: (v, a, kw) => {
    const lists = [asList(v), ...a.map(asList)];
    const n = Math.max(...lists.map((l) => l.length));
    const fill = kw.fillvalue ?? null;
    return Array.from({ length: n }, (_x, i) => PyTuple.of2(lists.map((l) => (i < l.length ? l[i] : fill))));
  },
  product: (v, a) => product([asList(v), ...a.map(asList)]),
  extract: (v, a) => {
    let out = getItem(use(a[0]), v, str(v));
    const more = a[1] === undefined ? [] : Array.isArray(a[1]) ? a[1] : [a[1]];
    for (const k of more) out = getItem(out, k, `${str(v)}.${str(k)}`);
    return out;
  },
  split: (v, a) => pySplit(str(v), a[0], a[1]),
  subelements: (v, a, kw) => {
    const key = str(a[0]);
    const skipMissing = truthy(a[1] ?? kw.skip_missing ?? false);
    const out: unknown[] = [];
    for (const item of asList(v)) {
      let sub: unknown = item;
      for (const part of key.split('.')) {
        sub = isDict(sub) && Object.prototype.hasOwnProperty.call(sub, part) ? sub[part] : undefined;
      }
      if (sub === undefined) {
        if (skipMissing) continue;
        throw new TemplateError(`could not find '${key}' key in iterated item ${str(item)}`);
      }
      if (!Array.isArray(sub)) throw new TemplateError(`the key ${key} should point to a list, got ${str(sub)}`);
      for (const s of sub) out.push(PyTuple.of2([item, s]));
    }
    return out;
  },
  quote: (v) => shellQuote(v === null ? '' : str(v)),
  basename: (v) => str(v).split('/').pop()!,
  dirname: (v) => {
    const s = str(v);
    const i = s.lastIndexOf('/');
    if (i < 0) return '';
    const head = s.slice(0, i + 1);
    return /^\/+$/.test(head) ? head : head.replace(/\/+$/, '');
  },
  expanduser: (v) => str(v).replace(/^~(?=\/|$)/, homedir()),
  realpath: (v) => posix.resolve(str(v)),
  relpath: (v, a) => posix.relative(a[0] === undefined ? process.cwd() : str(a[0]), str(v)),
  splitext: (v) => {
    const s = str(v);
    const base = s.slice(s.lastIndexOf('/') + 1);
    const dot = base.replace(/^\.+/, '').lastIndexOf('.');
    if (dot < 0) return PyTuple.of2([s, '']);
    const at = s.length - base.length + (base.length - base.replace(/^\.+/, '').length) + dot;
    return PyTuple.of2([s.slice(0, at), s.slice(at)]);
  },
  path_join: (v) => {
    const parts = (Array.isArray(v) ? v : [v]).map(str);
    let out = '';
    for (const p of parts) out = p.startsWith('/') || out === '' ? p : out.endsWith('/') ? out + p : `${out}/${p}`;
    return out;
  },
  log: (v, a) => float(a[0] === undefined ? Math.log(num(v as number)) : Math.log(num(v as number)) / Math.log(num(a[0] as number))),
  pow: (v, a) => float(num(v as number) ** num(a[0] as number)),
  root: (v, a) => float(a[0] === undefined ? Math.sqrt(num(v as number)) : num(v as number) ** (1 / num(a[0] as number))),
  human_readable: (v, a, kw) => {
    const isBits = truthy(param(a, kw, 0, 'isbits', false));
    let n = num(v as number);
    const units = ['', 'K', 'M', 'G', 'T', 'P', 'E', 'Z', 'Y'];
    let i = 0;
    while (Math.abs(n) >= 1024 && i < units.length - 1) {
      n /= 1024;
      i++;
    }
    return `${n.toFixed(2)} ${units[i]}${isBits ? 'b' : 'B'}`;
  },
};

const notRepeatable: FilterFn = () => {
  throw new TemplateError('random and shuffle are not supported: a rerun must render the same text');
};
ansibleFilters.random = notRepeatable;
ansibleFilters.shuffle = notRepeatable;
