// Python's ast.literal_eval for the values of an INI inventory, as Ansible reads them: numbers,
// quoted strings, True/False/None, lists, tuples and dicts. Anything else is not a literal and
// stays the text it was (Ansible keeps the string when literal_eval refuses it).

export const NOT_LITERAL = Symbol('not a Python literal');

/** The value of a Python literal, or NOT_LITERAL. */
export function pythonLiteral(text: string): unknown {
  if (/^\s/.test(text)) return NOT_LITERAL; // "unexpected indent"
  const p = new LiteralParser(text);
  try {
    const v = p.value();
    p.space();
    return p.done() ? v : NOT_LITERAL;
  } catch {
    return NOT_LITERAL;
  }
}

class LiteralParser {
  private i = 0;
  constructor(private s: string) {}

  done(): boolean {
    return this.i >= this.s.length;
  }

  space(): void {
    while (this.i < this.s.length && /[ \t]/.test(this.s[this.i]!)) this.i++;
  }

  private fail(): never {
    throw new Error('not a literal');
  }

  private eat(c: string): boolean {
    this.space();
    if (this.s[this.i] === c) {
      this.i++;
      return true;
    }
    return false;
  }

  value(): unknown {
    this.space();
    const c = this.s[this.i];
    if (c === undefined) this.fail();
    if (c === '[') return this.sequence(']');
    if (c === '(') return this.sequence(')');
    if (c === '{') return this.dict();
    if (c === '"' || c === "'" || ((c === 'u' || c === 'U') && /['"]/.test(this.s[this.i + 1] ?? ''))) return this.string();
    const word = /^[A-Za-z_][A-Za-z0-9_]*/.exec(this.s.slice(this.i))?.[0];
    if (word !== undefined) {
      this.i += word.length;
      if (word === 'True') return true;
      if (word === 'False') return false;
      if (word === 'None') return null;
      this.fail();
    }
    return this.number();
  }

  private sequence(close: string): unknown[] {
    this.i++;
    const out: unknown[] = [];
    let trailingComma = false;
    while (!this.eat(close)) {
      if (out.length && !trailingComma) this.fail();
      out.push(this.value());
      trailingComma = this.eat(',');
    }
    // `(1)` is the number 1, not a tuple.
    if (close === ')' && out.length === 1 && !trailingComma) return out[0] as unknown[];
    return out;
  }

  private dict(): Record<string, unknown> {
    this.i++;
    const out: Record<string, unknown> = {};
    let first = true;
    while (!this.eat('}')) {
      if (!first && !this.eat(',')) this.fail();
      if (this.eat('}')) break;
      first = false;
      const k = this.value();
      if (!this.eat(':')) this.fail();
      if (k !== null && typeof k === 'object') this.fail();
      out[String(k === true ? 'True' : k === false ? 'False' : k)] = this.value();
    }
    return out;
  }

  private string(): string {
    if (this.s[this.i] === 'u' || this.s[this.i] === 'U') this.i++;
    let out = '';
    // Adjacent literals concatenate: 'a' "b" is 'ab'.
    do {
      const q = this.s[this.i]!;
      const triple = this.s.startsWith(q.repeat(3), this.i);
      const end = triple ? q.repeat(3) : q;
      this.i += end.length;
      for (;;) {
        if (this.i >= this.s.length) this.fail();
        if (this.s.startsWith(end, this.i)) {
          this.i += end.length;
          break;
        }
        const c = this.s[this.i++]!;
        if (c === '\n' && !triple) this.fail();
        out += c === '\\' ? this.escape() : c;
      }
      this.space();
    } while (this.s[this.i] === '"' || this.s[this.i] === "'");
    return out;
  }

  private escape(): string {
    const c = this.s[this.i++];
    const simple: Record<string, string> = { n: '\n', t: '\t', r: '\r', '\\': '\\', "'": "'", '"': '"', a: '\x07', b: '\b', f: '\f', v: '\v', '0': '\0', '\n': '' };
    if (c === undefined) this.fail();
    if (c in simple && !(c === '0' && /[0-7]/.test(this.s[this.i] ?? ''))) return simple[c]!;
    const hex = (n: number) => {
      const h = this.s.slice(this.i, this.i + n);
      if (!new RegExp(`^[0-9a-fA-F]{${n}}$`).test(h)) this.fail();
      this.i += n;
      return String.fromCodePoint(parseInt(h, 16));
    };
    if (c === 'x') return hex(2);
    if (c === 'u') return hex(4);
    if (c === 'U') return hex(8);
    if (/[0-7]/.test(c)) {
      const m = /^[0-7]{0,2}/.exec(this.s.slice(this.i))![0];
      this.i += m.length;
      return String.fromCodePoint(parseInt(c + m, 8));
    }
    return `\\${c}`; // unknown escapes stay as written
  }

  private number(): number {
    let sign = 1;
    while (this.s[this.i] === '-' || this.s[this.i] === '+') {
      if (this.s[this.i] === '-') sign = -sign;
      this.i++;
      this.space();
    }
    const rest = this.s.slice(this.i);
    const m =
      /^0[xX](?:_?[0-9a-fA-F])+|^0[oO](?:_?[0-7])+|^0[bB](?:_?[01])+/.exec(rest) ??
      /^(?:(?:\d(?:_?\d)*)?\.\d(?:_?\d)*|\d(?:_?\d)*\.?)(?:[eE][+-]?\d(?:_?\d)*)?/.exec(rest);
    if (!m || !m[0]) this.fail();
    const t = m[0].replace(/_/g, '');
    this.i += m[0].length;
    if (/^0[xXoObB]/.test(t)) return sign * Number(t.toLowerCase());
    // Python refuses leading zeros in decimal integers (010), but not 0 or 00.
    if (/^0\d/.test(t) && !/[.eE]/.test(t) && !/^0+$/.test(t)) this.fail();
    if (/[jJ]/.test(this.s[this.i] ?? '')) this.fail(); // complex numbers
    return sign * Number(t);
  }
}
