// tsplay's Jinja2: templates and expressions are parsed once (cached by source) and rendered by
// a tree walk over the host's variables. This module is the entry point the engine uses:
// compiling (for load-time syntax checks), rendering with Ansible's type rule (a string that is
// exactly one `{{ expr }}` keeps the value's type) and the registry of filters, tests and lookups.
import { readFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { Expr, Node } from './ast.js';
import { DateTime, Evaluation, Frame, type Environment, type FilterFn, type TestFn } from './evaluate.js';
import { ansibleFilters } from './filters/ansible.js';
import { coreFilters } from './filters/core.js';
import { textFilters } from './filters/text.js';
import { absent } from './lazy.js';
import { tokenize, TemplateSyntaxError } from './lexer.js';
import { lookups as builtinLookups, type LookupContext, type LookupFn } from './lookups.js';
import { Parser } from './parser.js';
import { tests as builtinTests } from './tests.js';
import { Callable, Namespace, PyFloat, TemplateError, isDict, str, truthy, use, type Dict } from './values.js';

export { TemplateSyntaxError } from './lexer.js';
export { TemplateError, UndefinedError, Undefined, str as pyStr, repr as pyRepr, toPlain } from './values.js';
export { LazyMapping, absent } from './lazy.js';
export type { FilterFn, TestFn } from './evaluate.js';
export type { LookupFn } from './lookups.js';

/** Ansible's `omit`: an argument whose value is this placeholder is left out. */
export const OMIT = '__omit_place_holder__tsplay';

/** Filters, tests and lookups by name: the built-ins plus a playbook's own plugins. */
export interface Plugins {
  filters: Record<string, FilterFn>;
  tests: Record<string, TestFn>;
  lookups: Record<string, LookupFn>;
}

export const builtins: Plugins = {
  filters: { ...coreFilters, ...ansibleFilters, ...textFilters },
  tests: { ...builtinTests },
  lookups: { ...builtinLookups },
};

/** `var`: task arguments and variables (backslashes in `{{ }}` strings stay as written, as Ansible does). `file`: template files. */
export type Mode = 'var' | 'file';

export interface Compiled {
  nodes: Node[];
  /** Set when the template is exactly one `{{ expr }}`: its value keeps its type. */
  single?: Expr;
}

const templates = { var: new Map<string, Compiled>(), file: new Map<string, Compiled>() };
const expressions = new Map<string, Expr>();

/** Whether a string holds Jinja2 syntax at all. */
export function isTemplate(s: string): boolean {
  return s.includes('{{') || s.includes('{%') || s.includes('{#');
}

export function compileTemplate(source: string, mode: Mode = 'var'): Compiled {
  let c = templates[mode].get(source);
  if (!c) {
    // Jinja2's keep_trailing_newline=False drops one final newline (Ansible adds newlines back after rendering).
    const text = source.replace(/(\r\n|\n|\r)$/, '');
    const nodes = new Parser(tokenize(text, { rawVarStrings: mode === 'var' }), text).parseTemplate();
    // `{{ x }}\n` is text (the newline is kept), not x's value.
    const single = text === source && nodes.length === 1 && nodes[0]!.kind === 'emit' ? nodes[0]!.expr : undefined;
    c = { nodes, single };
    templates[mode].set(source, c);
  }
  return c;
}

/** A bare expression (`when:`, `until:`, assert's `that`). Syntax errors point into `source`. */
export function compileExpression(source: string): Expr {
  let e = expressions.get(source);
  if (!e) {
    const wrapped = `{{${source}}}`;
    try {
      const tokens = tokenize(wrapped).slice(1);
      e = new Parser(tokens, wrapped).parseExpressionTokens();
    } catch (err) {
      if (err instanceof TemplateSyntaxError) throw new TemplateSyntaxError(err.message, Math.max(0, err.pos - 2), source);
      throw err;
    }
    expressions.set(source, e);
  }
  return e;
}

/** Filters and tests a parsed template uses that the plugins do not have (a load-time error). */
export function unknownNames(tree: Node[] | Expr, plugins: Plugins = builtins): string[] {
  const out = new Set<string>();
  const walk = (x: unknown): void => {
    if (Array.isArray(x)) return x.forEach(walk);
    if (!x || typeof x !== 'object' || x instanceof PyFloat) return;
    const node = x as { kind?: string; name?: string };
    if (node.kind === 'filter' && !pick(plugins.filters, node.name!)) out.add(`no filter named '${node.name}'`);
    if (node.kind === 'test' && !pick(plugins.tests, node.name!)) out.add(`no test named '${node.name}'`);
    for (const v of Object.values(x)) walk(v);
  };
  walk(tree);
  return [...out];
}

/** Line and column of a syntax error inside its template, for messages. */
export function syntaxErrorText(err: TemplateSyntaxError): string {
  const { line, col } = err.where();
  const lines = err.source.split('\n');
  const where = lines.length > 1 ? `line ${line}, column ${col}` : `column ${col}`;
  return `${err.message} (${where})`;
}

export interface RenderOptions {
  /** A variable's value, already templated, or `absent`. */
  resolve(name: string): unknown;
  plugins?: Plugins;
  /** Folders for lookups' relative file names and for includes. */
  searchPath?: string[];
}

/** Renders templates and evaluates expressions over one set of variables. */
export class Renderer {
  private plugins: Plugins;
  private evaluation: Evaluation;
  private globals: Record<string, unknown>;
  private includeDir: string[] = [];

  constructor(private opts: RenderOptions) {
    this.plugins = opts.plugins ?? builtins;
    const env: Environment = {
      resolve: (n) => opts.resolve(n),
      filter: (n) => pick(this.plugins.filters, n),
      test: (n) => pick(this.plugins.tests, n),
      global: (n) => (Object.prototype.hasOwnProperty.call(this.globals, n) ? this.globals[n] : undefined),
      include: (name) => this.include(name),
    };
    this.evaluation = new Evaluation(env);
    const lookup = (wantList: boolean) =>
      new Callable(wantList ? 'query' : 'lookup', (args, kw) => {
        const name = str(use(args[0]));
        const fn = pick(this.plugins.lookups, name);
        if (!fn) throw new TemplateError(`lookup plugin '${name}' not found`);
        const { wantlist, errors, ...rest } = kw;
        let ran: unknown[];
        try {
          ran = fn(args.slice(1).map((a) => use(a)), rest, this.lookupContext());
        } catch (e) {
          if (errors === 'ignore') return wantList || truthy(wantlist ?? false) ? [] : null;
          throw e;
        }
        if (wantList || truthy(wantlist ?? false)) return ran;
        if (ran.length === 1) return ran[0];
        return ran.every((r) => typeof r === 'string') ? ran.join(',') : ran;
      });
    this.globals = {
      range: new Callable('range', (a) => {
        const n = a.map((x) => Number(use(x)));
        const [start, stop, step] = n.length === 1 ? [0, n[0]!, 1] : [n[0]!, n[1]!, n[2] ?? 1];
        if (step === 0) throw new TemplateError('range() arg 3 must not be zero');
        const out: number[] = [];
        for (let i = start; step > 0 ? i < stop : i > stop; i += step) {
          if (out.length >= 100000) throw new TemplateError('range too big, maximum size is 100000');
          out.push(i);
        }
        return out;
      }),
      dict: new Callable('dict', (a, kw) => {
        const out: Dict = {};
        if (a[0] !== undefined) for (const [k, v] of isDict(a[0]) ? Object.entries(a[0]) : (a[0] as [string, unknown][])) out[str(k)] = v;
        for (const [k, v] of Object.entries(kw)) out[k] = v;
        return out;
      }),
      namespace: new Callable('namespace', (a, kw) => {
        const attrs: Dict = Object.create(null);
        if (isDict(a[0])) Object.assign(attrs, a[0]);
        Object.assign(attrs, kw);
        return new Namespace(attrs);
      }),
      lookup: lookup(false),
      query: lookup(true),
      q: lookup(true),
      now: new Callable('now', (a, kw) => {
        const d = new DateTime(new Date(), truthy(a[0] ?? kw.utc ?? false));
        const fmt = a[1] ?? kw.fmt;
        return fmt === undefined ? d : d.strftime(str(fmt));
      }),
      omit: OMIT,
    };
  }

  private lookupContext(): LookupContext {
    return {
      searchPath: [...this.includeDir, ...(this.opts.searchPath ?? [])],
      renderFile: (path) => this.renderFile(path),
      variable: (name) => {
        const v = this.opts.resolve(name);
        return v === absent ? undefined : v;
      },
    };
  }

  private include(name: string): Node[] | undefined {
    const ctx = this.lookupContext();
    for (const dir of ctx.searchPath) {
      for (const file of [`${dir}/templates/${name}`, `${dir}/${name}`]) {
        try {
          return compileTemplate(readFileSync(file, 'utf8'), 'file').nodes;
        } catch (e) {
          if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
        }
      }
    }
    return undefined;
  }

  /** Renders a template file (the template module and lookup): always text. */
  renderFile(path: string, text?: string): string {
    this.includeDir.unshift(dirname(path));
    try {
      return this.renderText(text ?? readFileSync(path, 'utf8'), 'file');
    } finally {
      this.includeDir.shift();
    }
  }

  renderText(source: string, mode: Mode): string {
    const out: string[] = [];
    this.evaluation.render(compileTemplate(source, mode).nodes, new Frame(), out);
    return keepNewlines(source, out.join(''));
  }

  /**
   * A string of task arguments or variables: one `{{ expr }}` keeps its type. Other templates
   * give text, except that text reading as a Python list, dict or boolean becomes that value,
   * as Ansible's literal_eval of template results does (`{% for %}…{{ ns.items }}`).
   */
  renderValue(source: string): unknown {
    const c = compileTemplate(source, 'var');
    if (c.single) return use(this.evaluation.eval(c.single, new Frame()));
    const out: string[] = [];
    this.evaluation.render(c.nodes, new Frame(), out);
    const text = out.join('');
    if (text === 'True' || text === 'False') return text === 'True';
    if (text.startsWith('[') || text.startsWith('{')) {
      const v = literal(text);
      if (v !== undefined) return v;
    }
    return keepNewlines(source, text);
  }

  /** A bare expression's value (undefined results fail). */
  evaluate(source: string): unknown {
    return use(this.evaluation.eval(compileExpression(source), new Frame()));
  }

  /** A condition: Python truthiness of the expression. */
  test(source: string): boolean {
    return truthy(this.evaluation.eval(compileExpression(source), new Frame()));
  }
}

/** Ansible's preserve_trailing_newlines: the output ends in at least as many newlines as the template. */
function keepNewlines(source: string, out: string): string {
  const count = (s: string) => s.length - s.replace(/\n+$/, '').length;
  const missing = count(source) - count(out);
  return missing > 0 ? out + '\n'.repeat(missing) : out;
}

/** Python's ast.literal_eval over Jinja2's expression grammar: literals only, else undefined. */
function literal(text: string): unknown {
  let e: Expr;
  try {
    e = compileExpression(text);
  } catch {
    return undefined;
  }
  const isLiteral = (x: Expr): boolean =>
    x.kind === 'const' ||
    ((x.kind === 'list' || x.kind === 'tuple') && x.items.every(isLiteral)) ||
    (x.kind === 'dict' && x.pairs.every(([k, v]) => isLiteral(k) && isLiteral(v))) ||
    (x.kind === 'unary' && x.op === '-' && x.expr.kind === 'const' && typeof x.expr.value === 'number');
  if (!isLiteral(e)) return undefined;
  return new Evaluation({ resolve: () => absent, filter: () => undefined, test: () => undefined, global: () => undefined }).eval(e, new Frame());
}

function pick<T>(table: Record<string, T>, name: string): T | undefined {
  if (Object.prototype.hasOwnProperty.call(table, name)) return table[name];
  const short = /^ansible\.(?:builtin|legacy)\.(\w+)$/.exec(name)?.[1];
  if (short && Object.prototype.hasOwnProperty.call(table, short)) return table[short];
  return undefined;
}
