// The tree-walking evaluator. Values are plain data (see values.ts); names resolve through the
// template's own frames, then the host's variables, then the globals. Attribute access only
// reads own properties of dicts, a few pure Python methods and `namespace` attributes, so no
// template can reach JavaScript's prototypes, globals or modules.
import type { Expr, Node, Target } from './ast.js';
import { absent, LazyMapping } from './lazy.js';
import { methodOf } from './methods.js';
import { applyOperator } from './operators.js';
import {
  Callable, Namespace, PyTuple, TemplateError, Undefined, compare, contains, equal, float, hasOwn, isDict, isNumber,
  iterate, num, repr, str, truthy, typeName, use, type Dict,
} from './values.js';

export type FilterFn = (value: unknown, args: unknown[], kwargs: Record<string, unknown>, env: Environment) => unknown;
export type TestFn = (value: unknown, args: unknown[], kwargs: Record<string, unknown>, env: Environment) => boolean;

/** Filters and tests that see undefined values instead of failing on them. */
export const UNDEFINED_OK = new Set(['default', 'd', 'mandatory', 'defined', 'undefined', 'type_debug']);

/** What a template runs against: variables, filters, tests, globals, and included templates. */
export interface Environment {
  /** A variable's value (templated, lazily), or `absent`. */
  resolve(name: string): unknown;
  filter(name: string): FilterFn | undefined;
  test(name: string): TestFn | undefined;
  global(name: string): unknown;
  /** `{% include %}`: the parsed template of a file name. */
  include?(name: string): Node[] | undefined;
}

class BreakSignal {}
class ContinueSignal {}

export class Frame {
  private vars = new Map<string, unknown>();
  constructor(readonly parent?: Frame) {}
  get(name: string): unknown {
    for (let f: Frame | undefined = this; f; f = f.parent) if (f.vars.has(name)) return f.vars.get(name);
    return absent;
  }
  set(name: string, v: unknown): void {
    this.vars.set(name, v);
  }
  /** The variables set in this frame itself (a macro's or include's locals). */
  own(): Map<string, unknown> {
    return this.vars;
  }
}

/** A readable name of an expression for error messages: `cfg.prot`, `groups['master'][0]`. */
export function pathOf(e: Expr): string {
  switch (e.kind) {
    case 'name':
      return e.name;
    case 'attr':
      return `${pathOf(e.obj)}.${e.attr}`;
    case 'item':
      return `${pathOf(e.obj)}[${e.index.kind === 'const' ? repr(e.index.value) : pathOf(e.index)}]`;
    case 'call':
      return `${pathOf(e.fn)}()`;
    case 'filter':
      return `${pathOf(e.expr)} | ${e.name}`;
    default:
      return '…';
  }
}

/** Ansible's finalize: `{{ none }}` writes nothing (inside a list it is still None). */
const finalize = (v: unknown): string => (v === null || v === undefined ? '' : str(v));

const describe = (v: unknown): string => `'${typeName(v)} object'`;

/** Attribute access, as Jinja2's getattr: methods, then items; never the prototype chain. */
export function getAttr(obj: unknown, attr: string, path: string): unknown {
  if (obj instanceof Undefined) return obj;
  if (obj instanceof LazyMapping) {
    const v = obj.get(attr);
    return v === absent ? new Undefined(path, `${obj.label} has no attribute '${attr}'`) : v;
  }
  if (obj instanceof Namespace) return hasOwn(obj.attrs, attr) ? obj.attrs[attr] : new Undefined(path, `'Namespace' object has no attribute '${attr}'`);
  const m = methodOf(obj, attr);
  if (m) return m;
  if (isDict(obj) && hasOwn(obj, attr)) return obj[attr];
  if (obj instanceof DateTime) return obj.attr(attr, path);
  const habit = (Array.isArray(obj) || typeof obj === 'string') && hasOwn(JS_HABITS, attr) ? `; in Jinja2: ${JS_HABITS[attr]}` : '';
  return new Undefined(path, `${describe(obj)} has no attribute '${attr}'${habit}`);
}

/** JavaScript members people reach for on lists and strings, and what Jinja2 says instead. */
const JS_HABITS: Record<string, string> = {
  length: 'x | length',
  includes: "'item' in x",
  map: "x | map('filter') or x | map(attribute='name')",
  filter: "x | select('test') or x | selectattr('name', 'test')",
  some: "x | select('test') | list | length > 0",
  every: "x | reject('test') | list | length == 0",
  find: "x | selectattr('name', 'equalto', v) | first",
  flatMap: "x | map(...) | flatten",
  toUpperCase: 'x | upper',
  toLowerCase: 'x | lower',
  trim: 'x | trim',
  at: 'x[-1] or x | last',
};

/** Subscript access, as Jinja2's getitem: items first, then attributes. */
export function getItem(obj: unknown, key: unknown, path: string): unknown {
  if (obj instanceof Undefined) return obj;
  key = use(key);
  if (Array.isArray(obj) || typeof obj === 'string') {
    if (isNumber(key) || typeof key === 'boolean') {
      const k = Number(isNumber(key) ? num(key) : key);
      if (!Number.isInteger(k)) throw new TemplateError('list indices must be integers or slices, not float');
      const len = Array.isArray(obj) ? obj.length : obj.length;
      const i = k < 0 ? len + k : k;
      if (i < 0 || i >= len) return new Undefined(path, `${describe(obj)} has no element ${k}`);
      return obj[i];
    }
    if (typeof key === 'string') return getAttr(obj, key, path);
    throw new TemplateError(`${typeName(obj)} indices must be integers, not ${typeName(key)}`);
  }
  if (obj instanceof LazyMapping || isDict(obj) || obj instanceof Namespace) {
    if (typeof key !== 'string' && !isNumber(key) && typeof key !== 'boolean' && key !== null) throw new TemplateError(`unhashable type: '${typeName(key)}'`);
    const k = typeof key === 'string' ? key : str(key);
    if (obj instanceof LazyMapping) {
      const v = obj.get(k);
      return v === absent ? new Undefined(path, `${obj.label} has no attribute '${k}'`) : v;
    }
    const attrs = obj instanceof Namespace ? obj.attrs : obj;
    if (hasOwn(attrs, k)) return (attrs as Dict)[k];
    return new Undefined(path, `${describe(obj)} has no attribute ${repr(key)}`);
  }
  if (typeof key === 'string') return getAttr(obj, key, path);
  return new Undefined(path, `${describe(obj)} has no element ${repr(key)}`);
}

function sliceIndices(len: number, start: unknown, stop: unknown, step: unknown): number[] {
  const st = step === undefined || step === null ? 1 : Number(use(step));
  if (st === 0) throw new TemplateError('slice step cannot be zero');
  const norm = (v: unknown, def: number, lo: number, hi: number) => {
    if (v === undefined || v === null) return def;
    let n = Number(num(use(v) as number));
    if (n < 0) n += len;
    return Math.min(Math.max(n, lo), hi);
  };
  const out: number[] = [];
  if (st > 0) {
    const a = norm(start, 0, 0, len);
    const b = norm(stop, len, 0, len);
    for (let i = a; i < b; i += st) out.push(i);
  } else {
    const a = norm(start, len - 1, -1, len - 1);
    const b = norm(stop, -1, -1, len - 1);
    for (let i = a; i > b; i += st) out.push(i);
  }
  return out;
}

/** Python's datetime, as `now()` returns it: enough to print, format and subtract times. */
export class DateTime {
  constructor(readonly date: Date, readonly utc: boolean) {}
  private parts() {
    const d = this.date;
    return this.utc
      ? { y: d.getUTCFullYear(), mo: d.getUTCMonth() + 1, da: d.getUTCDate(), h: d.getUTCHours(), mi: d.getUTCMinutes(), s: d.getUTCSeconds(), ms: d.getUTCMilliseconds(), wd: d.getUTCDay() }
      : { y: d.getFullYear(), mo: d.getMonth() + 1, da: d.getDate(), h: d.getHours(), mi: d.getMinutes(), s: d.getSeconds(), ms: d.getMilliseconds(), wd: d.getDay() };
  }
  strftime(fmt: string): string {
    const p = this.parts();
    const z = (n: number, w = 2) => String(n).padStart(w, '0');
    const map: Record<string, string> = {
      Y: String(p.y), m: z(p.mo), d: z(p.da), H: z(p.h), M: z(p.mi), S: z(p.s), f: z(p.ms * 1000, 6), s: String(Math.floor(this.date.getTime() / 1000)),
      y: z(p.y % 100), j: z(Math.floor((Date.UTC(p.y, p.mo - 1, p.da) - Date.UTC(p.y, 0, 1)) / 864e5) + 1, 3), w: String(p.wd), '%': '%',
    };
    return fmt.replace(/%([a-zA-Z%])/g, (m, c: string) => map[c] ?? m);
  }
  toString(): string {
    return this.strftime('%Y-%m-%d %H:%M:%S.%f');
  }
  attr(name: string, path: string): unknown {
    const p = this.parts();
    const fields: Record<string, unknown> = { year: p.y, month: p.mo, day: p.da, hour: p.h, minute: p.mi, second: p.s, microsecond: p.ms * 1000 };
    if (hasOwn(fields, name)) return fields[name];
    if (name === 'timestamp') return new Callable('timestamp', () => float(this.date.getTime() / 1000));
    if (name === 'strftime') return new Callable('strftime', (a) => this.strftime(String(a[0])));
    if (name === 'isoformat') return new Callable('isoformat', () => this.strftime('%Y-%m-%dT%H:%M:%S.%f'));
    return new Undefined(path, `'datetime.datetime' object has no attribute '${name}'`);
  }
}

export class Evaluation {
  constructor(readonly env: Environment) {}

  lookupName(name: string, frame: Frame): unknown {
    const local = frame.get(name);
    if (local !== absent) return local;
    const v = this.env.resolve(name);
    if (v !== absent) return v;
    const g = this.env.global(name);
    if (g !== undefined) return g;
    return new Undefined(name);
  }

  eval(e: Expr, frame: Frame): unknown {
    switch (e.kind) {
      case 'const':
        return e.value;
      case 'name':
        return this.lookupName(e.name, frame);
      case 'attr':
        return getAttr(this.eval(e.obj, frame), e.attr, pathOf(e));
      case 'item':
        return getItem(this.eval(e.obj, frame), this.eval(e.index, frame), pathOf(e));
      case 'slice': {
        const obj = use(this.eval(e.obj, frame));
        const idx = (x?: Expr) => (x ? this.eval(x, frame) : undefined);
        if (typeof obj === 'string') {
          const chars = [...obj];
          return sliceIndices(chars.length, idx(e.start), idx(e.stop), idx(e.step)).map((i) => chars[i]).join('');
        }
        if (Array.isArray(obj)) return sliceIndices(obj.length, idx(e.start), idx(e.stop), idx(e.step)).map((i) => obj[i]);
        throw new TemplateError(`${describe(obj)} is not subscriptable`);
      }
      case 'call': {
        const fn = this.eval(e.fn, frame);
        if (fn instanceof Undefined) fn.fail();
        if (!(fn instanceof Callable)) throw new TemplateError(`${describe(fn)} is not callable (${pathOf(e.fn)})`);
        const args = e.args.map((a) => this.eval(a, frame));
        const kwargs: Record<string, unknown> = Object.create(null);
        for (const [k, v] of e.kwargs) kwargs[k] = this.eval(v, frame);
        return fn.call(args, kwargs);
      }
      case 'filter':
        return this.applyFilter(e, this.eval(e.expr, frame), frame);
      case 'test': {
        const fn = this.env.test(e.name);
        if (!fn) throw new TemplateError(`no test named '${e.name}'`);
        let v = this.eval(e.expr, frame);
        if (!UNDEFINED_OK.has(e.name.replace(/^ansible\.builtin\./, ''))) v = use(v);
        const args = e.args.map((a) => use(this.eval(a, frame)));
        const result = fn(v, args, this.kwargs(e.kwargs, frame), this.env);
        return e.negated ? !result : result;
      }
      case 'unary': {
        if (e.op === 'not') return !truthy(this.eval(e.expr, frame));
        const v = use(this.eval(e.expr, frame));
        if (typeof v === 'boolean') return e.op === '-' ? -Number(v) : Number(v);
        if (!isNumber(v)) throw new TemplateError(`bad operand type for unary ${e.op}: '${typeName(v)}'`);
        return e.op === '-' ? (typeof v === 'number' ? -v : float(-num(v))) : v;
      }
      case 'binary': {
        if (e.op === 'and') {
          const l = this.eval(e.left, frame);
          return truthy(l) ? this.eval(e.right, frame) : l;
        }
        if (e.op === 'or') {
          const l = this.eval(e.left, frame);
          return truthy(l) ? l : this.eval(e.right, frame);
        }
        return applyOperator(e.op, use(this.eval(e.left, frame)), use(this.eval(e.right, frame)));
      }
      case 'compare': {
        let left = this.eval(e.first, frame);
        for (const { op, expr } of e.ops) {
          const right = this.eval(expr, frame);
          let ok: boolean;
          if (op === '==') ok = equal(use(left), use(right));
          else if (op === '!=') ok = !equal(use(left), use(right));
          else if (op === 'in') ok = contains(right, use(left));
          else if (op === 'notin') ok = !contains(right, use(left));
          else {
            const c = compare(left, right);
            ok = op === '<' ? c < 0 : op === '>' ? c > 0 : op === '<=' ? c <= 0 : c >= 0;
          }
          if (!ok) return false;
          left = right;
        }
        return true;
      }
      case 'cond':
        if (truthy(this.eval(e.test, frame))) return this.eval(e.then, frame);
        return e.else ? this.eval(e.else, frame) : new Undefined('the inline if-expression', 'the condition was false and there is no else');
      case 'list':
        return e.items.map((i) => use(this.eval(i, frame)));
      case 'tuple':
        return PyTuple.of2(e.items.map((i) => use(this.eval(i, frame))));
      case 'dict': {
        const out: Dict = {};
        for (const [k, v] of e.pairs) {
          const key = use(this.eval(k, frame));
          if (typeof key !== 'string' && !isNumber(key) && typeof key !== 'boolean' && key !== null) throw new TemplateError(`unhashable type: '${typeName(key)}'`);
          Object.defineProperty(out, typeof key === 'string' ? key : str(key), { value: use(this.eval(v, frame)), enumerable: true, writable: true, configurable: true });
        }
        return out;
      }
    }
  }

  private kwargs(list: [string, Expr][], frame: Frame): Record<string, unknown> {
    const out: Record<string, unknown> = Object.create(null);
    for (const [k, v] of list) out[k] = use(this.eval(v, frame));
    return out;
  }

  applyFilter(e: Extract<Expr, { kind: 'filter' }>, value: unknown, frame: Frame): unknown {
    const fn = this.env.filter(e.name);
    if (!fn) throw new TemplateError(`no filter named '${e.name}'`);
    const undefOk = UNDEFINED_OK.has(e.name.replace(/^ansible\.builtin\./, ''));
    const args = e.args.map((a) => (undefOk ? this.eval(a, frame) : use(this.eval(a, frame))));
    return fn(undefOk ? value : use(value), args, this.kwargs(e.kwargs, frame), this.env);
  }

  // ---- statements ----

  render(nodes: Node[], frame: Frame, out: string[]): void {
    for (const n of nodes) this.exec(n, frame, out);
  }

  private assign(t: Target, value: unknown, frame: Frame): void {
    if (t.kind === 'name') frame.set(t.name, value);
    else if (t.kind === 'nsattr') {
      const ns = this.lookupName(t.name, frame);
      if (!(ns instanceof Namespace)) throw new TemplateError(`cannot assign attribute on non-namespace object '${t.name}'`);
      Object.defineProperty(ns.attrs, t.attr, { value, enumerable: true, writable: true, configurable: true });
    } else {
      const items = iterate(value);
      if (items.length !== t.items.length) throw new TemplateError(`cannot unpack ${items.length} values into ${t.items.length} names`);
      t.items.forEach((sub, i) => this.assign(sub, items[i], frame));
    }
  }

  private exec(n: Node, frame: Frame, out: string[]): void {
    switch (n.kind) {
      case 'text':
        out.push(n.value);
        return;
      case 'emit':
        out.push(finalize(use(this.eval(n.expr, frame))));
        return;
      case 'if':
        for (const b of n.branches) {
          if (truthy(this.eval(b.test, frame))) return this.render(b.body, frame, out);
        }
        if (n.else) this.render(n.else, frame, out);
        return;
      case 'for':
        return this.execFor(n, frame, out);
      case 'set':
        return this.assign(n.target, use(this.eval(n.value, frame)), frame);
      case 'setblock': {
        const body: string[] = [];
        this.render(n.body, new Frame(frame), body);
        return this.assign(n.target, this.filtered(n.filters, body.join(''), frame), frame);
      }
      case 'filterblock': {
        const body: string[] = [];
        this.render(n.body, new Frame(frame), body);
        out.push(finalize(this.filtered(n.filters, body.join(''), frame)));
        return;
      }
      case 'macro':
        frame.set(n.name, this.macro(n.name, n.params, n.body, frame));
        return;
      case 'callblock': {
        // The block is passed to the macro as its `caller`.
        const caller = this.macro('caller', n.params, n.body, frame);
        const call = n.call as Extract<Expr, { kind: 'call' }>;
        const fn = use(this.eval(call.fn, frame));
        if (!(fn instanceof Callable)) throw new TemplateError(`${describe(fn)} is not callable (${pathOf(call.fn)})`);
        const kwargs: Record<string, unknown> = Object.create(null);
        for (const [k, v] of call.kwargs) kwargs[k] = use(this.eval(v, frame));
        kwargs.caller = caller;
        out.push(finalize(fn.call(call.args.map((a) => use(this.eval(a, frame))), kwargs)));
        return;
      }
      case 'with': {
        const inner = new Frame(frame);
        for (const [t, e] of n.assigns) this.assign(t, use(this.eval(e, frame)), inner);
        return this.render(n.body, inner, out);
      }
      case 'include': {
        const names = use(this.eval(n.template, frame));
        for (const name of Array.isArray(names) ? names : [names]) {
          const nodes = this.env.include?.(str(name));
          if (nodes) return this.render(nodes, new Frame(frame), out);
        }
        if (!n.ignoreMissing) throw new TemplateError(`template not found: ${str(names)}`);
        return;
      }
      case 'do':
        use(this.eval(n.expr, frame));
        return;
      case 'break':
        throw new BreakSignal();
      case 'continue':
        throw new ContinueSignal();
    }
  }

  private filtered(filters: Expr[], text: string, frame: Frame): unknown {
    let v: unknown = text;
    for (const f of filters) {
      if (f.kind !== 'filter') continue;
      v = this.applyFilter(f, v, frame);
    }
    return v;
  }

  private macro(name: string, params: { name: string; default?: Expr }[], body: Node[], closure: Frame): Callable {
    return new Callable(name, (args, kwargs) => {
      const f = new Frame(closure);
      const extra = args.slice(params.length);
      params.forEach((p, i) => {
        let v: unknown;
        if (i < args.length) v = args[i];
        else if (p.name in kwargs) v = kwargs[p.name];
        else if (p.default) v = this.eval(p.default, f);
        else v = new Undefined(p.name, `missing argument of macro '${name}'`);
        f.set(p.name, v);
      });
      const rest: Dict = {};
      for (const k of Object.keys(kwargs)) if (k !== 'caller' && !params.some((p) => p.name === k)) rest[k] = kwargs[k];
      f.set('varargs', PyTuple.of2(extra));
      f.set('kwargs', rest);
      if (kwargs.caller instanceof Callable) f.set('caller', kwargs.caller);
      const out: string[] = [];
      this.render(body, f, out);
      return out.join('');
    });
  }

  private execFor(n: Extract<Node, { kind: 'for' }>, frame: Frame, out: string[]): void {
    const raw = use(this.eval(n.iter, frame));
    let items = raw instanceof LazyMapping ? raw.keys() : iterate(raw);
    if (n.filter) {
      const filter = n.filter;
      items = items.filter((it) => {
        const f = new Frame(frame);
        this.assign(n.target, it, f);
        return truthy(this.eval(filter, f));
      });
    }
    if (!items.length) {
      if (n.else) this.render(n.else, frame, out);
      return;
    }
    const len = items.length;
    let last: unknown = absent;
    for (let i = 0; i < len; i++) {
      const f = new Frame(frame);
      const loop: Dict = Object.create(null);
      Object.assign(loop, {
        index: i + 1, index0: i, revindex: len - i, revindex0: len - i - 1, first: i === 0, last: i === len - 1, length: len, depth: 1, depth0: 0,
        previtem: i > 0 ? items[i - 1] : new Undefined('loop.previtem', 'there is no previous item'),
        nextitem: i < len - 1 ? items[i + 1] : new Undefined('loop.nextitem', 'there is no next item'),
        cycle: new Callable('loop.cycle', (args) => {
          if (!args.length) throw new TemplateError('no items for cycling given');
          return args[i % args.length];
        }),
        changed: new Callable('loop.changed', (args) => {
          const changed = last === absent || !equal(last, args);
          last = args;
          return changed;
        }),
      });
      f.set('loop', loop);
      this.assign(n.target, items[i], f);
      try {
        this.render(n.body, f, out);
      } catch (err) {
        if (err instanceof BreakSignal) break;
        if (err instanceof ContinueSignal) continue;
        throw err;
      }
    }
  }
}

