// Python's arithmetic operators over template values: int/float promotion, `/` always a float,
// floor division and modulo with Python's signs, sequence concatenation and repetition,
// and printf-style `'%s' % value` formatting.
import { PyFloat, TemplateError, float, isDict, isFloat, isNumber, num, repr, str, typeName } from './values.js';

const numeric = (v: unknown): number | undefined => (typeof v === 'boolean' ? Number(v) : isNumber(v) ? num(v) : undefined);

function unsupported(op: string, a: unknown, b: unknown): never {
  throw new TemplateError(`unsupported operand type(s) for ${op}: '${typeName(a)}' and '${typeName(b)}'`);
}

/** The result of an operation on two numbers: a float when either was one. */
const result = (a: unknown, b: unknown, n: number): number | PyFloat => (isFloat(a) || isFloat(b) ? float(n) : n);

export function applyOperator(op: string, a: unknown, b: unknown): unknown {
  if (op === '~') return str(a) + str(b);
  const x = numeric(a);
  const y = numeric(b);
  if (x !== undefined && y !== undefined) {
    switch (op) {
      case '+':
        return result(a, b, x + y);
      case '-':
        return result(a, b, x - y);
      case '*':
        return result(a, b, x * y);
      case '/':
        if (y === 0) throw new TemplateError('division by zero');
        return float(x / y);
      case '//':
        if (y === 0) throw new TemplateError('integer division or modulo by zero');
        return result(a, b, Math.floor(x / y));
      case '%':
        if (y === 0) throw new TemplateError('integer division or modulo by zero');
        return result(a, b, x - y * Math.floor(x / y));
      case '**':
        return y < 0 && !isFloat(a) && !isFloat(b) ? float(x ** y) : result(a, b, x ** y);
    }
  }
  if (op === '+') {
    if (typeof a === 'string' && typeof b === 'string') return a + b;
    if (Array.isArray(a) && Array.isArray(b)) return [...a, ...b];
    unsupported('+', a, b);
  }
  if (op === '*') {
    const times = (s: unknown, n: number) => (typeof s === 'string' ? s.repeat(Math.max(0, n)) : Array.isArray(s) ? Array.from({ length: Math.max(0, n) }, () => s).flat() : undefined);
    if (y !== undefined && Number.isInteger(y) && !isFloat(b)) {
      const r = times(a, y);
      if (r !== undefined) return r;
    }
    if (x !== undefined && Number.isInteger(x) && !isFloat(a)) {
      const r = times(b, x);
      if (r !== undefined) return r;
    }
    unsupported('*', a, b);
  }
  if (op === '%' && typeof a === 'string') return printf(a, b);
  unsupported(op, a, b);
}

/** Python's `format % values`: %s %r %d %i %f %x %o %e %% with flags, width and precision. */
export function printf(format: string, values: unknown): string {
  const list = Array.isArray(values) ? values : [values];
  let i = 0;
  const out = format.replace(/%(\([^)]*\))?([-+ 0#]*)(\d+|\*)?(?:\.(\d+))?([sdifrxXoeEgGc%])/g, (_m, key: string | undefined, flags: string, width: string | undefined, prec: string | undefined, conv: string) => {
    if (conv === '%') return '%';
    let v: unknown;
    if (key) {
      if (!isDict(values)) throw new TemplateError('format requires a mapping');
      v = values[key.slice(1, -1)];
    } else {
      if (i >= list.length) throw new TemplateError('not enough arguments for format string');
      v = list[i++];
    }
    let s: string;
    const n = () => {
      const x = numeric(v);
      if (x === undefined) throw new TemplateError(`%${conv} format: a number is required, not ${typeName(v)}`);
      return x;
    };
    switch (conv) {
      case 's':
        s = str(v);
        break;
      case 'r':
        s = repr(v);
        break;
      case 'd':
      case 'i':
        s = String(Math.trunc(n()));
        break;
      case 'f':
        s = n().toFixed(prec === undefined ? 6 : Number(prec));
        break;
      case 'e':
      case 'E':
        s = n().toExponential(prec === undefined ? 6 : Number(prec)).replace(/e([+-])(\d)$/, 'e$10$2');
        if (conv === 'E') s = s.toUpperCase();
        break;
      case 'g':
      case 'G':
        s = String(Number(n().toPrecision(prec === undefined ? 6 : Number(prec) || 1)));
        break;
      case 'x':
        s = Math.trunc(n()).toString(16);
        break;
      case 'X':
        s = Math.trunc(n()).toString(16).toUpperCase();
        break;
      case 'o':
        s = Math.trunc(n()).toString(8);
        break;
      default:
        s = String.fromCharCode(n());
    }
    if (prec !== undefined && conv === 's') s = s.slice(0, Number(prec));
    if (flags.includes('+') && /^[0-9]/.test(s) && 'difeEgG'.includes(conv)) s = `+${s}`;
    const w = width === undefined || width === '*' ? 0 : Number(width);
    if (s.length < w) {
      if (flags.includes('-')) s = s.padEnd(w);
      else if (flags.includes('0') && 'difeEgGxXo'.includes(conv)) s = s[0] === '-' || s[0] === '+' ? s[0] + s.slice(1).padStart(w - 1, '0') : s.padStart(w, '0');
      else s = s.padStart(w);
    }
    return s;
  });
  if (!isDict(values) && i < list.length) throw new TemplateError('not all arguments converted during string formatting');
  return out;
}
