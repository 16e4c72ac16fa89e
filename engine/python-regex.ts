// Python `re` patterns, as Ansible's lineinfile uses them (compiled from bytes), translated to
// JavaScript RegExps that run over "binary strings" (one char per byte, see `toBinary`), so that
// a playbook written for Ansible matches the same lines. The translation follows CPython 3.11's
// re/_parser.py: bytes semantics (ASCII \w \d \s, `.` is one byte), `$` also matching before a
// final newline, (?P<name>...), (?P=name), \A, \Z, inline and scoped flags (?imsx), verbose
// mode, and Python's errors for bad escapes. Features JavaScript cannot express (conditional
// groups, atomic groups, possessive quantifiers) are refused with a clear error.

/** A pattern or template Python would refuse, or one JavaScript cannot run. */
export class PyRegexError extends Error {
  override name = 'PyRegexError';
}

export interface PyRegex {
  re: RegExp;
  /** Number of capturing groups. */
  groups: number;
  groupIndex: Map<string, number>;
}

/** One char per UTF-8 byte: how Ansible's to_bytes() sees text. */
export function toBinary(text: string): string {
  return Buffer.from(text, 'utf8').toString('latin1');
}

export function fromBinary(binary: string): string {
  return Buffer.from(binary, 'latin1').toString('utf8');
}

const I = 1;
const M = 2;
const S = 4;
const X = 8;
const FLAG_BITS: Record<string, number> = { i: I, m: M, s: S, x: X, a: 0, L: 0 };
const WHITESPACE = ' \t\n\r\v\f';
const OCT = /[0-7]/;
const DIGIT = /[0-9]/;
const HEX = /[0-9a-fA-F]/;
const ASCII_LETTER = /[A-Za-z]/;
const ESCAPES: Record<string, number> = { a: 7, b: 8, f: 12, n: 10, r: 13, t: 9, v: 11, '\\': 92 };
const IDENTIFIER = /^[\p{ID_Start}_]\p{ID_Continue}*$/u;

/** A translated item of a sequence: `at` items (anchors) cannot be repeated. */
interface Item {
  src: string;
  kind: 'atom' | 'at' | 'repeat';
}

/** A class member: a code range, or a JS class escape such as \d. */
type ClassPart = { lo: number; hi: number } | { escape: string };

const hex = (c: number): string => `\\x${c.toString(16).padStart(2, '0')}`;
const isLetter = (c: number): boolean => (c >= 65 && c <= 90) || (c >= 97 && c <= 122);
const swapCase = (c: number): number => c ^ 0x20;

function literal(c: number, flags: number): string {
  if (flags & I && isLetter(c)) return `[${String.fromCharCode(c)}${String.fromCharCode(swapCase(c))}]`;
  if ((c >= 48 && c <= 57) || isLetter(c)) return String.fromCharCode(c);
  return hex(c);
}

class Translator {
  private pos = 0;
  private globalFlags = 0;
  private opened = 0;
  private readonly closed = new Set<number>();
  readonly groupIndex = new Map<string, number>();
  /** Set when a backreference must compare case-insensitively (needs the JS `i` flag). */
  caseInsensitiveBackref = false;

  constructor(private readonly src: string) {}

  get groups(): number {
    return this.opened;
  }

  get flags(): number {
    return this.globalFlags;
  }

  private error(msg: string): PyRegexError {
    return new PyRegexError(`${msg} at position ${this.pos}`);
  }

  private get next(): string | undefined {
    return this.src[this.pos];
  }

  private get(): string | undefined {
    return this.src[this.pos++];
  }

  private match(ch: string): boolean {
    if (this.src[this.pos] === ch) {
      this.pos++;
      return true;
    }
    return false;
  }

  /** Reads up to `n` chars matching `re`. */
  private getWhile(n: number, re: RegExp): string {
    let out = '';
    while (out.length < n && this.next !== undefined && re.test(this.next)) out += this.get();
    return out;
  }

  private getUntil(end: string, what: string): string {
    const start = this.pos;
    while (this.next !== undefined && this.next !== end) this.pos++;
    if (this.next === undefined) throw this.error(`missing ${end}, unterminated name`);
    const name = this.src.slice(start, this.pos);
    this.pos++;
    if (!name) throw this.error(`missing ${what}`);
    return name;
  }

  translate(): string {
    const out = this.parseSub(0, 0);
    if (this.pos < this.src.length) throw this.error('unbalanced parenthesis');
    return out;
  }

  private parseSub(flags: number, nested: number): string {
    const alternatives: string[] = [];
    for (;;) {
      const r = this.parseSeq(flags, nested + 1, nested === 0 && alternatives.length === 0);
      alternatives.push(r.src);
      // Global flags met at the very start hold for every later alternative.
      flags = r.flags;
      if (!this.match('|')) break;
    }
    return alternatives.join('|');
  }

  private parseSeq(flags: number, nested: number, first: boolean): { src: string; flags: number } {
    const items: Item[] = [];
    for (;;) {
      const ch = this.next;
      if (ch === undefined || ch === '|' || ch === ')') break;
      this.pos++;
      if (flags & X) {
        if (WHITESPACE.includes(ch)) continue;
        if (ch === '#') {
          while (this.next !== undefined && this.get() !== '\n');
          continue;
        }
      }
      if (ch === '\\') items.push(this.escape(flags));
      else if (ch === '[') items.push({ src: this.charClass(flags), kind: 'atom' });
      else if ('*+?{'.includes(ch)) {
        const q = this.quantifier(ch);
        if (q === undefined) {
          items.push({ src: literal(ch.charCodeAt(0), flags), kind: 'atom' });
          continue;
        }
        const last = items[items.length - 1];
        if (!last || last.kind === 'at') throw this.error('nothing to repeat');
        if (last.kind === 'repeat') throw this.error('multiple repeat');
        last.src += q;
        last.kind = 'repeat';
      } else if (ch === '.') items.push({ src: flags & S ? '[\\s\\S]' : '[^\\n]', kind: 'atom' });
      else if (ch === '^') items.push({ src: flags & M ? '(?:^|(?<=\\n))' : '^', kind: 'at' });
      else if (ch === '$') items.push({ src: flags & M ? '(?=\\n|$)' : '(?=\\n?$)', kind: 'at' });
      else if (ch === '(') {
        const g = this.group(flags, nested, first && items.length === 0);
        if (g.globalFlags !== undefined) flags |= g.globalFlags;
        else if (g.src) items.push({ src: g.src, kind: 'atom' });
      } else items.push({ src: literal(ch.charCodeAt(0), flags), kind: 'atom' });
    }
    return { src: items.map((i) => i.src).join(''), flags };
  }

  /** Returns the JS quantifier, or undefined when `{` is a literal brace. */
  private quantifier(ch: string): string | undefined {
    let q: string;
    if (ch === '{') {
      if (this.next === '}') return undefined;
      const here = this.pos;
      const lo = this.getWhile(Infinity, DIGIT);
      const hi = this.match(',') ? this.getWhile(Infinity, DIGIT) : lo;
      if (!this.match('}')) {
        this.pos = here;
        return undefined;
      }
      if (lo && hi && Number(hi) < Number(lo)) throw this.error('min repeat greater than max repeat');
      q = `{${lo || '0'},${hi}}`;
    } else q = ch;
    if (this.match('?')) q += '?';
    else if (this.next === '+') throw this.error('possessive quantifiers are not supported by tsplay');
    return q;
  }

  private group(flags: number, nested: number, first: boolean): { src: string; globalFlags?: number } {
    let open = '(';
    let capture = true;
    let name: string | undefined;
    let inner = flags;
    if (this.match('?')) {
      const c = this.get();
      if (c === undefined) throw this.error('unexpected end of pattern');
      if (c === 'P') {
        if (this.match('<')) {
          name = this.getUntil('>', 'group name');
          this.checkGroupName(name);
          if (this.groupIndex.has(name)) throw this.error(`redefinition of group name '${name}'`);
        } else if (this.match('=')) {
          const ref = this.getUntil(')', 'group name');
          this.checkGroupName(ref);
          const gid = this.groupIndex.get(ref);
          if (gid === undefined) throw this.error(`unknown group name '${ref}'`);
          return { src: this.backref(gid, flags) };
        } else throw this.error(`unknown extension ?P${this.next ?? ''}`);
      } else if (c === ':') {
        open = '(?:';
        capture = false;
      } else if (c === '#') {
        while (this.next !== undefined && this.get() !== ')');
        if (this.src[this.pos - 1] !== ')') throw this.error('missing ), unterminated comment');
        return { src: '' };
      } else if (c === '=' || c === '!') {
        open = `(?${c}`;
        capture = false;
      } else if (c === '<') {
        const d = this.get();
        if (d !== '=' && d !== '!') throw this.error(`unknown extension ?<${d ?? ''}`);
        open = `(?<${d}`;
        capture = false;
      } else if (c === '(') throw this.error('conditional groups (?(...)...) are not supported by tsplay');
      else if (c === '>') throw this.error('atomic groups (?>...) are not supported by tsplay');
      else if (c in FLAG_BITS || c === '-' || c === 'u') {
        const f = this.inlineFlags(c);
        if (f.global) {
          if (!first) throw this.error('global flags not at the start of the expression');
          this.globalFlags |= f.add;
          return { src: '', globalFlags: f.add };
        }
        inner = (flags | f.add) & ~f.del;
        open = '(?:';
        capture = false;
      } else throw this.error(`unknown extension ?${c}`);
    }
    let index = 0;
    if (capture) {
      index = ++this.opened;
      if (name !== undefined) this.groupIndex.set(name, index);
    }
    const body = this.parseSub(inner, nested);
    if (!this.match(')')) throw this.error('missing ), unterminated subpattern');
    if (capture) this.closed.add(index);
    return { src: `${open}${body})` };
  }

  private inlineFlags(c: string): { global: boolean; add: number; del: number } {
    let add = 0;
    let del = 0;
    let ch: string | undefined = c;
    if (ch !== '-') {
      for (;;) {
        if (ch === 'u') throw this.error("bad inline flags: cannot use 'u' flag with a bytes pattern");
        add |= FLAG_BITS[ch]!;
        ch = this.get();
        if (ch === undefined) throw this.error('missing -, : or )');
        if (ch === ')' || ch === '-' || ch === ':') break;
        if (!(ch in FLAG_BITS)) throw this.error(/[A-Za-z]/.test(ch) ? 'unknown flag' : 'missing -, : or )');
      }
    }
    if (ch === ')') return { global: true, add, del };
    if (ch === '-') {
      ch = this.get();
      if (ch === undefined || !(ch in FLAG_BITS)) throw this.error('missing flag');
      for (;;) {
        if (ch === 'a' || ch === 'L') throw this.error("bad inline flags: cannot turn off flags 'a', 'u' and 'L'");
        del |= FLAG_BITS[ch]!;
        ch = this.get();
        if (ch === ':') break;
        if (ch === undefined || !(ch in FLAG_BITS)) throw this.error('missing :');
      }
    }
    if (add & del) throw this.error('bad inline flags: flag turned on and off');
    return { global: false, add, del };
  }

  private checkGroupName(name: string): void {
    if (!IDENTIFIER.test(name)) throw this.error(`bad character in group name '${name}'`);
  }

  private backref(gid: number, flags: number): string {
    if (!this.closed.has(gid)) throw this.error('cannot refer to an open group');
    if (flags & I) {
      if (!(this.globalFlags & I)) throw this.error('case-insensitive backreferences need a global (?i) in tsplay');
      this.caseInsensitiveBackref = true;
    }
    return `(?:\\${gid})`;
  }

  private escape(flags: number): Item {
    const c = this.get();
    if (c === undefined) throw this.error('bad escape (end of pattern)');
    switch (c) {
      case 'A':
        return { src: '^', kind: 'at' };
      case 'Z':
        return { src: '$', kind: 'at' };
      case 'b':
        return { src: '\\b', kind: 'at' };
      case 'B':
        return { src: '\\B', kind: 'at' };
      case 'd':
      case 'D':
      case 'w':
      case 'W':
        return { src: `\\${c}`, kind: 'atom' };
      case 's':
        return { src: '[\\t\\n\\v\\f\\r ]', kind: 'atom' };
      case 'S':
        return { src: '[^\\t\\n\\v\\f\\r ]', kind: 'atom' };
    }
    if (c in ESCAPES) return { src: literal(ESCAPES[c]!, flags), kind: 'atom' };
    if (c === 'x') {
      const h = this.getWhile(2, HEX);
      if (h.length !== 2) throw this.error(`incomplete escape \\x${h}`);
      return { src: literal(parseInt(h, 16), flags), kind: 'atom' };
    }
    if (c === '0') return { src: literal(parseInt(`0${this.getWhile(2, OCT)}`, 8), flags), kind: 'atom' };
    if (DIGIT.test(c)) {
      let digits = c;
      if (this.next !== undefined && DIGIT.test(this.next)) {
        digits += this.get();
        if (OCT.test(digits[0]!) && OCT.test(digits[1]!) && this.next !== undefined && OCT.test(this.next)) {
          digits += this.get();
          const v = parseInt(digits, 8);
          if (v > 0o377) throw this.error(`octal escape value \\${digits} outside of range 0-0o377`);
          return { src: literal(v, flags), kind: 'atom' };
        }
      }
      const gid = Number(digits);
      if (gid > this.opened) throw this.error(`invalid group reference ${gid}`);
      return { src: this.backref(gid, flags), kind: 'atom' };
    }
    if (ASCII_LETTER.test(c)) throw this.error(`bad escape \\${c}`);
    return { src: literal(c.charCodeAt(0), flags), kind: 'atom' };
  }

  /** One class member after a backslash: a code, or a JS class escape (\d, \s...). */
  private classEscape(): number | string {
    const c = this.get();
    if (c === undefined) throw this.error('bad escape (end of pattern)');
    if (c in ESCAPES) return ESCAPES[c]!;
    switch (c) {
      case 'd':
      case 'D':
      case 'w':
      case 'W':
        return `\\${c}`;
      case 's':
        return '\\t\\n\\v\\f\\r ';
      case 'S':
        return '\\x00-\\x08\\x0e-\\x1f\\x21-\\xff';
    }
    if (c === 'x') {
      const h = this.getWhile(2, HEX);
      if (h.length !== 2) throw this.error(`incomplete escape \\x${h}`);
      return parseInt(h, 16);
    }
    if (OCT.test(c)) {
      const digits = c + this.getWhile(2, OCT);
      const v = parseInt(digits, 8);
      if (v > 0o377) throw this.error(`octal escape value \\${digits} outside of range 0-0o377`);
      return v;
    }
    if (DIGIT.test(c) || ASCII_LETTER.test(c)) throw this.error(`bad escape \\${c}`);
    return c.charCodeAt(0);
  }

  private charClass(flags: number): string {
    const parts: ClassPart[] = [];
    const negate = this.match('^');
    for (;;) {
      let ch = this.get();
      if (ch === undefined) throw this.error('unterminated character set');
      if (ch === ']' && parts.length) break;
      const code1 = ch === '\\' ? this.classEscape() : ch.charCodeAt(0);
      if (this.match('-')) {
        ch = this.get();
        if (ch === undefined) throw this.error('unterminated character set');
        if (ch === ']') {
          parts.push(typeof code1 === 'number' ? { lo: code1, hi: code1 } : { escape: code1 });
          parts.push({ lo: 45, hi: 45 });
          break;
        }
        const code2 = ch === '\\' ? this.classEscape() : ch.charCodeAt(0);
        if (typeof code1 !== 'number' || typeof code2 !== 'number' || code2 < code1) throw this.error('bad character range');
        parts.push({ lo: code1, hi: code2 });
      } else parts.push(typeof code1 === 'number' ? { lo: code1, hi: code1 } : { escape: code1 });
    }
    const out: string[] = [];
    for (const p of parts) {
      if ('escape' in p) {
        out.push(p.escape);
        continue;
      }
      out.push(p.lo === p.hi ? hex(p.lo) : `${hex(p.lo)}-${hex(p.hi)}`);
      // Python's ignore-case sets match a char whose lower case is in the set: add the other case.
      if (flags & I) for (let c = p.lo; c <= p.hi; c++) if (isLetter(c)) out.push(hex(swapCase(c)));
    }
    return `[${negate ? '^' : ''}${out.join('')}]`;
  }
}

const cache = new Map<string, PyRegex>();

/** Compiles a Python pattern given as a binary string (see `toBinary`). */
export function compilePyRegex(pattern: string): PyRegex {
  let rx = cache.get(pattern);
  if (!rx) {
    const t = new Translator(pattern);
    const source = t.translate();
    let re: RegExp;
    try {
      re = new RegExp(source, t.caseInsensitiveBackref ? 'i' : '');
    } catch (e) {
      throw new PyRegexError(`cannot translate to a JavaScript regular expression: ${(e as Error).message}`);
    }
    rx = { re, groups: t.groups, groupIndex: t.groupIndex };
    cache.set(pattern, rx);
  }
  return rx;
}

type TemplatePart = string | number;

/**
 * Python's Match.expand(template) for a bytes template (binary string): \1, \g<1>, \g<name>,
 * octal and the escapes \a \b \f \n \r \t \v \\; other non-letter escapes stay as they are.
 */
export function expandTemplate(template: string, rx: PyRegex, m: RegExpExecArray): string {
  return parseTemplate(template, rx)
    .map((p) => (typeof p === 'number' ? m[p] ?? '' : p))
    .join('');
}

function parseTemplate(t: string, rx: PyRegex): TemplatePart[] {
  const parts: TemplatePart[] = [];
  let lit = '';
  let i = 0;
  const err = (msg: string) => new PyRegexError(`${msg} at position ${i}`);
  const addGroup = (index: number) => {
    if (index > rx.groups) throw err(`invalid group reference ${index}`);
    if (lit) parts.push(lit), (lit = '');
    parts.push(index);
  };
  while (i < t.length) {
    const ch = t[i++]!;
    if (ch !== '\\') {
      lit += ch;
      continue;
    }
    const c = t[i++];
    if (c === undefined) throw err('bad escape (end of pattern)');
    if (c === 'g') {
      if (t[i] !== '<') throw err('missing <');
      const end = t.indexOf('>', i + 1);
      if (end < 0) throw err('missing >, unterminated name');
      const name = t.slice(i + 1, end);
      i = end + 1;
      if (!name) throw err('missing group name');
      if (IDENTIFIER.test(name)) {
        const index = rx.groupIndex.get(name);
        if (index === undefined) throw err(`unknown group name '${name}'`);
        addGroup(index);
      } else if (/^[0-9]+$/.test(name)) addGroup(Number(name));
      else throw err(`bad character in group name '${name}'`);
    } else if (c === '0') {
      let digits = '0';
      if (t[i] !== undefined && OCT.test(t[i]!)) digits += t[i++];
      if (t[i] !== undefined && OCT.test(t[i]!)) digits += t[i++];
      lit += String.fromCharCode(parseInt(digits, 8) & 0xff);
    } else if (DIGIT.test(c)) {
      let digits = c;
      let octal = false;
      if (t[i] !== undefined && DIGIT.test(t[i]!)) {
        digits += t[i++];
        if (OCT.test(c) && OCT.test(digits[1]!) && t[i] !== undefined && OCT.test(t[i]!)) {
          digits += t[i++];
          octal = true;
          const v = parseInt(digits, 8);
          if (v > 0o377) throw err(`octal escape value \\${digits} outside of range 0-0o377`);
          lit += String.fromCharCode(v);
        }
      }
      if (!octal) addGroup(Number(digits));
    } else if (c in ESCAPES) lit += String.fromCharCode(ESCAPES[c]!);
    else if (ASCII_LETTER.test(c)) throw err(`bad escape \\${c}`);
    else lit += `\\${c}`;
  }
  if (lit) parts.push(lit);
  return parts;
}
