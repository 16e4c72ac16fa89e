// Expressions: `{{ expr }}` in strings and bare expressions in `when`, `changed_when`,
// `failed_when`. An expression is JavaScript evaluated over the host's variables (not Jinja2).
// Variables are looked up lazily through a scope, so a variable may refer to others.
import { TsplayError, UndefinedVariableError } from './errors.js';

/** Where variables come from: the runner's layered scope. */
export interface VarSource {
  /** Returns the variable's raw (untemplated) value, or `missing` when it is not defined. */
  lookup(name: string): unknown;
  /** Every defined name (for the `vars` object's enumeration). */
  names(): string[];
}

export const missing: unique symbol = Symbol('missing');

export class ExpressionError extends TsplayError {
  override name = 'ExpressionError';
}

// Names that resolve to JavaScript's own globals rather than to variables.
const GLOBALS = new Set([
  'Math', 'JSON', 'Date', 'String', 'Number', 'Boolean', 'Array', 'Object', 'RegExp', 'Set', 'Map',
  'parseInt', 'parseFloat', 'isNaN', 'isFinite', 'encodeURIComponent', 'decodeURIComponent',
  'undefined', 'NaN', 'Infinity', 'Error', 'BigInt', 'Symbol',
]);

const compiled = new Map<string, (scope: object) => unknown>();

/** Compiles an expression once; a syntax error is thrown as JavaScript's own SyntaxError. */
function compileRaw(expr: string): (scope: object) => unknown {
  let fn = compiled.get(expr);
  if (!fn) {
    // Function bodies are sloppy-mode, so `with` is allowed: identifiers resolve through the scope proxy.
    fn = new Function('__scope', `with (__scope) { return (${expr}\n); }`) as (scope: object) => unknown;
    compiled.set(expr, fn);
  }
  return fn;
}

function compile(expr: string): (scope: object) => unknown {
  try {
    return compileRaw(expr);
  } catch (e) {
    throw new ExpressionError(`invalid expression '${expr}': ${(e as Error).message}`);
  }
}

/** Why an expression does not compile, or undefined when it does (validation before a run). */
export function syntaxError(expr: string): string | undefined {
  try {
    compileRaw(expr.trim());
    return undefined;
  } catch (e) {
    return (e as Error).message;
  }
}

/** The syntax errors of every `{{ expr }}` inside a value (deeply). */
export function templateSyntaxErrors(value: unknown): string[] {
  if (typeof value === 'string') {
    if (!value.includes('{{')) return [];
    return [...value.matchAll(TEMPLATE)].map((m) => syntaxError(m[1]!)).filter((e): e is string => e !== undefined);
  }
  if (Array.isArray(value)) return value.flatMap(templateSyntaxErrors);
  if (value && typeof value === 'object') return Object.values(value).flatMap(templateSyntaxErrors);
  return [];
}

const TEMPLATE = /\{\{([\s\S]*?)\}\}/g;
const WHOLE = /^\s*\{\{([\s\S]*?)\}\}\s*$/;

export function hasTemplate(value: unknown): boolean {
  if (typeof value === 'string') return value.includes('{{');
  if (Array.isArray(value)) return value.some(hasTemplate);
  if (value && typeof value === 'object') return Object.values(value).some(hasTemplate);
  return false;
}

/** Evaluates expressions and renders templates over one VarSource. */
export class Evaluator {
  private resolving = new Set<string>();
  private proxy: object;
  private varsProxy: object;

  constructor(private source: VarSource, private helpers: Record<string, unknown> = {}) {
    const self = this;
    this.varsProxy = new Proxy(
      {},
      {
        get: (_t, key) => (typeof key === 'string' ? self.getOptional(key) : undefined),
        has: (_t, key) => typeof key === 'string' && self.source.lookup(key) !== missing,
        ownKeys: () => self.source.names(),
        getOwnPropertyDescriptor: (_t, key) =>
          typeof key === 'string' && self.source.lookup(key) !== missing
            ? { enumerable: true, configurable: true, value: self.getOptional(key) }
            : undefined,
      },
    );
    this.proxy = new Proxy(
      {},
      {
        has: (_t, key) => typeof key === 'string' && !GLOBALS.has(key) && key !== '__scope',
        get: (_t, key) => {
          if (key === Symbol.unscopables || typeof key !== 'string') return undefined;
          if (key === 'vars') return self.varsProxy;
          if (key === 'defined') return (name: string) => self.source.lookup(name) !== missing;
          if (key in self.helpers && self.source.lookup(key) === missing) return self.helpers[key];
          return self.get(key);
        },
        set: () => {
          throw new ExpressionError('expressions cannot assign variables (use set_fact)');
        },
      },
    );
  }

  /** All variables as an object whose properties are templated on access (`vars`, `hostvars[h]`). */
  varsObject(): object {
    return this.varsProxy;
  }

  /** A variable's value, templated; throws UndefinedVariableError when it is not defined. */
  get(name: string): unknown {
    const raw = this.source.lookup(name);
    if (raw === missing) throw new UndefinedVariableError(name);
    return this.renderVar(name, raw);
  }

  private getOptional(name: string): unknown {
    const raw = this.source.lookup(name);
    return raw === missing ? undefined : this.renderVar(name, raw);
  }

  private renderVar(name: string, raw: unknown): unknown {
    if (!hasTemplate(raw)) return raw;
    if (this.resolving.has(name)) throw new ExpressionError(`variable '${name}' is defined in terms of itself`);
    this.resolving.add(name);
    try {
      return this.render(raw);
    } finally {
      this.resolving.delete(name);
    }
  }

  /** Evaluates a bare expression. */
  evaluate(expr: string): unknown {
    const fn = compile(expr.trim());
    try {
      return fn(this.proxy);
    } catch (e) {
      if (e instanceof TsplayError) throw e;
      throw new ExpressionError(`error in expression '${expr.trim()}': ${(e as Error).message}`);
    }
  }

  /** Evaluates a condition (`when`): a boolean, or a bare expression string. */
  test(cond: unknown): boolean {
    if (typeof cond === 'boolean') return cond;
    if (Array.isArray(cond)) return cond.every((c) => this.test(c));
    if (typeof cond === 'string') {
      const whole = WHOLE.exec(cond);
      return Boolean(this.evaluate(whole ? whole[1]! : cond));
    }
    return Boolean(cond);
  }

  /** Renders every `{{ }}` in a value (deeply); a string that is one `{{ expr }}` keeps the type. */
  render(value: unknown): unknown {
    if (typeof value === 'string') return this.renderString(value);
    if (Array.isArray(value)) return value.map((v) => this.render(v));
    if (value && typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) {
      const out: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(value)) out[k] = this.render(v);
      return out;
    }
    return value;
  }

  private renderString(s: string): unknown {
    if (!s.includes('{{')) return s;
    const whole = WHOLE.exec(s);
    if (whole && !whole[1]!.includes('{{') && s.indexOf('{{', s.indexOf('{{') + 2) < 0) return this.evaluate(whole[1]!);
    return s.replace(TEMPLATE, (_m, expr: string) => stringify(this.evaluate(expr)));
  }
}

/** How a value is written into a string. */
export function stringify(v: unknown): string {
  if (v === undefined || v === null) return '';
  if (typeof v === 'object') return JSON.stringify(v);
  return String(v);
}
