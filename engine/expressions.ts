// Expressions: `{{ }}` templates in strings and bare expressions in `when`, `changed_when`,
// `failed_when`, `until` and assert's `that` are Jinja2 with Ansible's semantics (engine/jinja:
// parsed once, evaluated by a tree walk that cannot reach JavaScript's globals). Variables are
// templated lazily, when a template reads them, so a variable may refer to others. Values that
// came back from a host (registered results, facts, loop items) are data: they are never
// templated again, whatever they hold (Ansible's "unsafe").
import { TsplayError } from './errors.js';
import {
  LazyMapping, OMIT, Renderer, TemplateSyntaxError, absent, builtins, compileExpression, compileTemplate, isTemplate,
  pyStr, syntaxErrorText, toPlain, unknownNames, type Plugins,
} from './jinja/index.js';

/** Where variables come from: the runner's layered scope. */
export interface VarSource {
  /** The variable's raw value and whether it is data (never templated), or undefined when it is not defined. */
  lookup(name: string): { value: unknown; data: boolean } | undefined;
  /** Every defined name (for the `vars` mapping's keys). */
  names(): string[];
}

export class ExpressionError extends TsplayError {
  override name = 'ExpressionError';
}

export interface EvaluatorOptions {
  plugins?: Plugins;
  /** Folders for lookups' relative file names (the playbook's). */
  searchPath?: string[];
}

/** Whether a value holds Jinja2 syntax anywhere (deeply). */
export function hasTemplate(value: unknown): boolean {
  if (typeof value === 'string') return isTemplate(value);
  if (Array.isArray(value)) return value.some(hasTemplate);
  if (value && typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) return Object.values(value).some(hasTemplate);
  return false;
}

/** A bare expression written as one `{{ … }}` (Ansible warns about it, and accepts it): the expression inside. */
function bare(source: string): string {
  return /^\s*\{\{([\s\S]*)\}\}\s*$/.exec(source)?.[1] ?? source;
}

/** What parsing finds wrong: the syntax error, or the filters and tests the plugins lack. */
function problemsOf(parse: () => Parameters<typeof unknownNames>[0], plugins: Plugins): string[] {
  try {
    return unknownNames(parse(), plugins);
  } catch (e) {
    if (e instanceof TemplateSyntaxError) return [syntaxErrorText(e)];
    throw e;
  }
}

/** A bare expression's problems (syntax, unknown filters and tests), for validation before a run. */
export function expressionProblems(source: string, plugins: Plugins = builtins): string[] {
  return problemsOf(() => compileExpression(bare(source)), plugins);
}

/** The problems of every template inside a value (deeply). */
export function templateProblems(value: unknown, plugins: Plugins = builtins): string[] {
  if (typeof value === 'string') {
    return isTemplate(value) ? problemsOf(() => compileTemplate(value).nodes, plugins) : [];
  }
  if (Array.isArray(value)) return value.flatMap((v) => templateProblems(v, plugins));
  if (value && typeof value === 'object') return Object.values(value).flatMap((v) => templateProblems(v, plugins));
  return [];
}

/** JavaScript written where Jinja2 is expected, and how to say it in Jinja2. */
const JS_SLIPS: [RegExp, string][] = [
  [/===|!==/, 'Jinja2 compares with == and !='],
  [/&&|\|\||(^|[^!=<>])!(?!=)/, 'Jinja2 says and, or, not'],
  [/\?\?|\?\./, 'for a value that may be missing: x | default(y), x is defined'],
  [/=>/, "Jinja2 has no functions: use filters (map, select, selectattr…) or your own in filter_plugins/"],
  [/`/, "Jinja2 strings are quoted with ' or \"; join strings with ~"],
  [/\?[^?]*:/, "for a choice: a if condition else b, or condition | ternary(a, b)"],
];

const GENERIC_HINT = "expressions are Jinja2, as in Ansible: pg_version | int >= 12 and inventory_hostname == 'master'";

/** A hint for an expression or template that does not compile: the JavaScript habit it shows, if any. */
export function expressionHint(source: string): string {
  for (const [re, hint] of JS_SLIPS) if (re.test(source)) return hint;
  return GENERIC_HINT;
}

/** Evaluates expressions and renders templates over one VarSource. */
export class Evaluator {
  private resolving = new Set<string>();
  private renderer: Renderer;
  /** The `vars` variable: every variable, templated on access. */
  readonly vars: LazyMapping;

  constructor(private source: VarSource, opts: EvaluatorOptions = {}) {
    this.vars = new LazyMapping('vars', (k) => this.resolve(k), () => this.source.names());
    this.renderer = new Renderer({ resolve: (n) => (n === 'vars' ? this.vars : this.resolve(n)), plugins: opts.plugins, searchPath: opts.searchPath });
  }

  /** A variable's value, templated, or `absent`. */
  private resolve(name: string): unknown {
    const found = this.source.lookup(name);
    if (!found) return absent;
    if (found.data || !hasTemplate(found.value)) return found.value;
    if (this.resolving.has(name)) throw new ExpressionError(`variable '${name}' is defined in terms of itself`);
    this.resolving.add(name);
    try {
      return this.renderDeep(found.value, false);
    } finally {
      this.resolving.delete(name);
    }
  }

  /** All variables as a read-only object whose properties are templated on access (modules, EJS). */
  varsObject(): Record<string, unknown> {
    return jsView(this.vars);
  }

  /** Evaluates a bare expression; an undefined result fails. */
  evaluate(expr: string): unknown {
    return plain(this.renderer.evaluate(bare(expr)));
  }

  /** Evaluates a condition (`when`): a boolean, a list (all must hold), or a bare expression. */
  test(cond: unknown): boolean {
    if (cond === undefined) return true;
    if (typeof cond === 'boolean') return cond;
    if (Array.isArray(cond)) return cond.every((c) => this.test(c));
    if (typeof cond === 'string') return this.renderer.test(bare(cond));
    return cond !== null && cond !== 0 && cond !== '';
  }

  /** Renders every template in a value (deeply); a string that is one `{{ expr }}` keeps its type. Keys set to `omit` are left out. */
  render(value: unknown): unknown {
    return this.renderDeep(value, true);
  }

  /** Renders a Jinja2 template file's text (the template module); includes are looked up beside `path`. */
  renderTemplate(text: string, path: string): string {
    return this.renderer.renderFile(path, text);
  }

  private renderDeep(value: unknown, toJs: boolean): unknown {
    if (typeof value === 'string') {
      if (!isTemplate(value)) return value;
      const v = this.renderer.renderValue(value);
      return toJs ? plain(v) : v;
    }
    if (Array.isArray(value)) return value.map((v) => this.renderDeep(v, toJs));
    if (value && typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) {
      const out: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(value)) {
        const r = this.renderDeep(v, toJs);
        if (r !== OMIT) out[k] = r;
      }
      return out;
    }
    return value;
  }
}

/** A template's value as plain JavaScript data: Python floats as numbers, lazy mappings as objects. */
function plain(v: unknown): unknown {
  if (v instanceof LazyMapping) return Object.fromEntries(v.keys().map((k) => [k, plain(v.get(k))]));
  if (Array.isArray(v) && v.some((x) => x instanceof LazyMapping)) return v.map(plain);
  return toPlain(v);
}

/** A lazy mapping seen from JavaScript: an object whose properties are computed on access. */
function jsView(m: LazyMapping): Record<string, unknown> {
  const get = (key: string) => {
    const v = m.get(key);
    if (v === absent) return undefined;
    return v instanceof LazyMapping ? jsView(v) : v;
  };
  return new Proxy({} as Record<string, unknown>, {
    get: (_t, key) => (typeof key === 'string' ? get(key) : undefined),
    has: (_t, key) => typeof key === 'string' && m.has(key),
    ownKeys: () => m.keys(),
    getOwnPropertyDescriptor: (_t, key) =>
      typeof key === 'string' && m.has(key) ? { enumerable: true, configurable: true, value: get(key) } : undefined,
    set: () => {
      throw new ExpressionError('variables are read-only here (use set_fact)');
    },
  });
}

/** How a value is written into a message or a name: Python's str(), nothing for None. */
export function stringify(v: unknown): string {
  if (v === undefined || v === null) return '';
  return typeof v === 'string' ? v : pyStr(v);
}
