// The with_X loops, as Ansible's lookups of the same names turn their (rendered) term into
// items: with_items flattens one level, with_list not at all, with_dict gives {key, value},
// with_subelements pairs, with_nested the product, with_together the zip, with_sequence
// formatted numbers, with_fileglob matching files beside the playbook (or role) in files/.
import { readdirSync, statSync } from 'node:fs';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { ModuleError } from '../errors.js';

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => v !== null && typeof v === 'object' && !Array.isArray(v);
const list = (v: unknown): unknown[] => (Array.isArray(v) ? v : [v]);

/** The items of a with_X loop whose term rendered to `term`; `baseDir` is the task's folder. */
export function withItems(kind: string, term: unknown, baseDir: string): unknown[] {
  switch (kind) {
    case 'items':
      return list(term).flatMap((x) => (Array.isArray(x) ? x : [x]));
    case 'list':
      return list(term);
    case 'indexed_items':
      return list(term).flatMap((x) => (Array.isArray(x) ? x : [x])).map((x, i) => [i, x]);
    case 'dict':
      if (!isObj(term)) throw new ModuleError(`with_dict expects a dict, got ${describe(term)}`);
      return Object.entries(term).map(([key, value]) => ({ key, value }));
    case 'subelements':
      return subelements(term);
    case 'nested':
      return list(term).map((l) => list(l)).reduce<unknown[][]>((acc, l) => acc.flatMap((a) => l.map((x) => [...a, x])), [[]]);
    case 'together': {
      const lists = list(term).map((l) => list(l));
      const n = Math.max(0, ...lists.map((l) => l.length));
      return Array.from({ length: n }, (_, i) => lists.map((l) => (i < l.length ? l[i] : null)));
    }
    case 'sequence':
      return list(term).flatMap((t) => sequenceItems(String(t)));
    case 'fileglob':
      return list(term).flatMap((p) => fileglob(String(p), baseDir));
    default:
      throw new ModuleError(`with_${kind} is not supported`);
  }
}

function describe(v: unknown): string {
  return v === null ? 'null' : Array.isArray(v) ? 'a list' : typeof v;
}

function subelements(term: unknown): unknown[] {
  if (!Array.isArray(term) || term.length < 2) throw new ModuleError('with_subelements needs [LIST, "SUBKEY"] or [LIST, "SUBKEY", {skip_missing: true}]');
  const [outer, path, flags] = term as [unknown, unknown, unknown];
  const skipMissing = isObj(flags) && flags.skip_missing === true;
  const elements = isObj(outer) ? Object.values(outer) : list(outer);
  const keys = String(path).split('.');
  const out: unknown[] = [];
  for (const el of elements) {
    if (!isObj(el)) throw new ModuleError('with_subelements: the list must hold dicts');
    if (el.skipped === true) continue;
    let sub: unknown = el;
    let missing = false;
    for (const k of keys) {
      if (isObj(sub) && k in sub) sub = sub[k];
      else {
        missing = true;
        break;
      }
    }
    if (missing) {
      if (skipMissing) continue;
      throw new ModuleError(`with_subelements: could not find '${path}' key in iterated item`);
    }
    if (!Array.isArray(sub)) throw new ModuleError(`with_subelements: the key '${path}' should point to a list, got ${describe(sub)}`);
    for (const x of sub) out.push([el, x]);
  }
  return out;
}

/**
 * with_sequence's term: `start=1 end=10 stride=2 format=web%02d`, `count=3`, or the shortcut
 * `[start-]end[/stride][:format]`. Items are strings, as Ansible gives them.
 */
export function sequenceItems(spec: string): string[] {
  let start = 1;
  let end: number | undefined;
  let count: number | undefined;
  let stride = 1;
  let format = '%d';
  const words = spec.trim().split(/\s+/).filter(Boolean);
  const num = (k: string, v: string): number => {
    const n = /^0x[0-9a-f]+$/i.test(v) ? Number.parseInt(v, 16) : /^0o?[0-7]+$/.test(v) && v.length > 1 ? Number.parseInt(v.replace(/^0o?/, ''), 8) : Number(v);
    if (!Number.isInteger(n)) throw new Error(`can't parse ${k}=${v} as integer`);
    return n;
  };
  for (const w of words) {
    const kv = /^(\w+)=(.*)$/.exec(w);
    if (kv) {
      const [, k, v] = kv as unknown as [string, string, string];
      if (k === 'start') start = num(k, v);
      else if (k === 'end') end = num(k, v);
      else if (k === 'count') count = num(k, v);
      else if (k === 'stride') stride = num(k, v);
      else if (k === 'format') format = v;
      else throw new Error(`unrecognized arguments to with_sequence: ${k}`);
      continue;
    }
    const m = /^(?:(-?\d+|0x[0-9a-f]+)-)?(-?\d+|0x[0-9a-f]+)(?:\/(-?\d+))?(?::(.+))?$/i.exec(w);
    if (!m) throw new Error(`can't parse arg ${w}`);
    if (m[1] !== undefined) start = num('start', m[1]);
    end = num('end', m[2]!);
    if (m[3] !== undefined) stride = num('stride', m[3]);
    if (m[4] !== undefined) format = m[4];
  }
  if (count !== undefined) {
    if (end !== undefined) throw new Error("can't specify both count and end in with_sequence");
    if (count === 0) return [];
    end = start + (count - 1) * stride;
  }
  if (end === undefined) throw new Error("must specify count or end in with_sequence");
  if (stride === 0) return [];
  if (stride > 0 && end < start) throw new Error('to count backwards make stride negative');
  if (stride < 0 && end > start) throw new Error('to count forward don\'t make stride negative');
  if (!/%[-+ 0#]*\d*[dixXo]/.test(format)) throw new Error(`bad formatting string: ${format}`);
  const out: string[] = [];
  for (let i = start; stride > 0 ? i <= end : i >= end; i += stride) out.push(printfInt(format, i));
  return out;
}

/** printf-style %d/%x/%o with flags and width, enough for with_sequence's formats. */
function printfInt(format: string, n: number): string {
  return format.replace(/%([-+ 0#]*)(\d*)([dixXo%])/g, (_m, flags: string, width: string, conv: string) => {
    if (conv === '%') return '%';
    const base = conv === 'x' || conv === 'X' ? 16 : conv === 'o' ? 8 : 10;
    let s = Math.abs(n).toString(base);
    if (conv === 'X') s = s.toUpperCase();
    const sign = n < 0 ? '-' : flags.includes('+') ? '+' : flags.includes(' ') ? ' ' : '';
    const w = Number(width || 0);
    if (flags.includes('-')) return (sign + s).padEnd(w);
    if (flags.includes('0')) return sign + s.padStart(w - sign.length, '0');
    return (sign + s).padStart(w);
  });
}

/**
 * Files (not folders) matching a shell pattern in one folder; a relative pattern is looked
 * up in files/ beside the task's file, then beside it, as Ansible's fileglob does.
 */
function fileglob(pattern: string, baseDir: string): string[] {
  const candidates = isAbsolute(pattern) ? [pattern] : [resolve(baseDir, 'files', pattern), resolve(baseDir, pattern)];
  for (const full of candidates) {
    const dir = dirname(full);
    const re = globRegex(full.slice(dir.length + 1));
    let names: string[];
    try {
      names = readdirSync(dir);
    } catch {
      continue;
    }
    const found = names
      .filter((n) => re.test(n) && !(n.startsWith('.') && !full.slice(dir.length + 1).startsWith('.')))
      .map((n) => join(dir, n))
      .filter((p) => {
        try {
          return statSync(p).isFile();
        } catch {
          return false;
        }
      })
      .sort();
    if (found.length) return found;
  }
  return [];
}

function globRegex(glob: string): RegExp {
  let re = '';
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i]!;
    if (c === '*') re += '.*';
    else if (c === '?') re += '.';
    else if (c === '[') {
      const close = glob.indexOf(']', i + 2);
      if (close < 0) re += '\\[';
      else {
        const body = glob.slice(i + 1, close).replace(/^!/, '^').replace(/\\/g, '\\\\');
        re += `[${body}]`;
        i = close;
      }
    } else re += c.replace(/[.+^${}()|\\/]/g, '\\$&');
  }
  return new RegExp(`^${re}$`);
}
