// Jinja2's lexer: template text, `{{ }}`, `{% %}`, `{# #}` and `{% raw %}`, with whitespace
// control (`-` strips, `+` keeps) and trim_blocks as Ansible configures it (the first newline
// after a block or comment tag is dropped; lstrip_blocks is off). Inside tags it yields
// Jinja2's expression tokens; block and variable ends are only seen outside brackets.
import { TemplateError } from './values.js';

export type TokenType = 'data' | 'var_begin' | 'var_end' | 'block_begin' | 'block_end' | 'name' | 'string' | 'int' | 'float' | 'op' | 'eof';

export interface Token {
  type: TokenType;
  value: string;
  /** Offset in the template source. */
  pos: number;
  /** For strings: the decoded value. For numbers: the value. */
  literal?: string | number;
}

export interface LexOptions {
  /** Ansible templates task arguments and vars with backslashes in `{{ }}` strings kept as written. */
  rawVarStrings?: boolean;
}

/** A syntax error at an offset of the template source. */
export class TemplateSyntaxError extends TemplateError {
  override name = 'TemplateSyntaxError';
  constructor(message: string, readonly pos: number, readonly source: string) {
    super(message);
  }
  /** 1-based line and column of the error inside the template. */
  where(): { line: number; col: number } {
    const before = this.source.slice(0, this.pos);
    const line = before.split('\n').length;
    return { line, col: this.pos - before.lastIndexOf('\n') };
  }
}

const OPERATORS = ['//', '**', '==', '!=', '<=', '>=', '+', '-', '*', '/', '%', '~', '<', '>', '=', '(', ')', '[', ']', '{', '}', ',', '.', ':', '|', ';'];
const FLOAT = /(?:\d+_)*\d+(?:(?:\.(?:\d+_)*\d+)?[eE][+-]?(?:\d+_)*\d+|\.(?:\d+_)*\d+)/y;
const INT = /0[xX](?:_?[0-9a-fA-F])+|0[oO](?:_?[0-7])+|0[bB](?:_?[01])+|(?:\d+_)*\d+/y;
const NAME = /[a-zA-Z_][a-zA-Z0-9_]*/y;
const STRING = /'([^'\\]*(?:\\[\s\S][^'\\]*)*)'|"([^"\\]*(?:\\[\s\S][^"\\]*)*)"/y;
const SPACE = /\s+/y;
const BEGIN = /\{([{%#])([-+]?)/g;
const RAW_START = /\{%([-+]?)\s*raw\s*([-+]?)%\}/y;
const RAW_END = /\{%([-+]?)\s*endraw\s*([-+]?)%\}/g;

const SIMPLE_ESCAPES: Record<string, string> = { n: '\n', t: '\t', r: '\r', '\\': '\\', "'": "'", '"': '"', a: '\x07', b: '\b', f: '\f', v: '\v', '\n': '' };

/** Python's string literal escapes. */
export function unescape(s: string): string {
  return s.replace(/\\(x[0-9a-fA-F]{2}|u[0-9a-fA-F]{4}|U[0-9a-fA-F]{8}|[0-7]{1,3}|[\s\S])/g, (m, e: string) => {
    if (e in SIMPLE_ESCAPES) return SIMPLE_ESCAPES[e]!;
    if (/^[xuU]/.test(e) && e.length > 1) return String.fromCodePoint(parseInt(e.slice(1), 16));
    if (/^[0-7]+$/.test(e)) return String.fromCodePoint(parseInt(e, 8));
    return m;
  });
}

function match(re: RegExp, src: string, pos: number): string | undefined {
  re.lastIndex = pos;
  const m = re.exec(src);
  return m ? m[0] : undefined;
}

export function tokenize(src: string, opts: LexOptions = {}): Token[] {
  const out: Token[] = [];
  let pos = 0;
  /** Whitespace after the previous tag is stripped (`-%}`). */
  let lstripNext = false;
  const pushData = (text: string, at: number, rstrip: boolean) => {
    if (lstripNext) text = text.replace(/^\s+/, '');
    if (rstrip) text = text.replace(/\s+$/, '');
    lstripNext = false;
    if (text) out.push({ type: 'data', value: text, pos: at });
  };
  /** After a block or comment end: `-` strips all whitespace, otherwise trim_blocks drops one newline. */
  const afterBlock = (end: number, marker: string): number => {
    if (marker === '-') lstripNext = true;
    else if (marker !== '+' && src[end] === '\n') return end + 1;
    else if (marker !== '+' && src.startsWith('\r\n', end)) return end + 2;
    return end;
  };
  while (pos < src.length) {
    BEGIN.lastIndex = pos;
    const m = BEGIN.exec(src);
    if (!m) {
      pushData(src.slice(pos), pos, false);
      break;
    }
    const kind = m[1]!;
    const strip = m[2] === '-';
    const start = m.index;
    if (kind === '%') {
      RAW_START.lastIndex = start;
      const raw = RAW_START.exec(src);
      if (raw) {
        pushData(src.slice(pos, start), pos, raw[1] === '-');
        RAW_END.lastIndex = start + raw[0].length;
        const end = RAW_END.exec(src);
        if (!end) throw new TemplateSyntaxError("missing end of raw directive ('{% endraw %}')", start, src);
        let body = src.slice(start + raw[0].length, end.index);
        if (raw[2] === '-') body = body.replace(/^\s+/, '');
        else if (raw[2] !== '+' && body.startsWith('\n')) body = body.slice(1);
        if (end[1] === '-') body = body.replace(/\s+$/, '');
        if (body) out.push({ type: 'data', value: body, pos: start + raw[0].length });
        pos = afterBlock(end.index + end[0].length, end[2]!);
        continue;
      }
    }
    pushData(src.slice(pos, start), pos, strip);
    pos = start + 2 + m[2]!.length;
    if (kind === '#') {
      const end = src.indexOf('#}', pos);
      if (end < 0) throw new TemplateSyntaxError('missing end of comment tag', start, src);
      pos = afterBlock(end + 2, src[end - 1] === '-' || src[end - 1] === '+' ? src[end - 1]! : '');
      continue;
    }
    const isVar = kind === '{';
    out.push({ type: isVar ? 'var_begin' : 'block_begin', value: m[0], pos: start });
    pos = lexTag(src, pos, isVar, out, opts, start);
    const endTok = out[out.length - 1]!;
    const marker = endTok.value[0] === '-' || endTok.value[0] === '+' ? endTok.value[0] : '';
    if (isVar) {
      if (marker === '-') lstripNext = true;
    } else pos = afterBlock(pos, marker);
  }
  out.push({ type: 'eof', value: '', pos: src.length });
  return out;
}

/** Tokens of one tag up to and including its end; returns the offset after the end. */
function lexTag(src: string, pos: number, isVar: boolean, out: Token[], opts: LexOptions, start: number): number {
  const close = isVar ? '}}' : '%}';
  const balance: string[] = [];
  for (;;) {
    const ws = match(SPACE, src, pos);
    if (ws) pos += ws.length;
    if (pos >= src.length) throw new TemplateSyntaxError(`unexpected end of template, expected '${close}'`, start, src);
    if (!balance.length) {
      for (const end of [`-${close}`, `+${close}`, close]) {
        if (src.startsWith(end, pos) && !(end[0] === '+' && isVar)) {
          out.push({ type: isVar ? 'var_end' : 'block_end', value: end, pos });
          return pos + end.length;
        }
      }
    }
    let t: string | undefined;
    if ((t = match(FLOAT, src, pos)) && src[pos - 1] !== '.') {
      out.push({ type: 'float', value: t, pos, literal: Number(t.replace(/_/g, '')) });
    } else if ((t = match(INT, src, pos))) {
      const clean = t.replace(/_/g, '');
      const n = /^0[oO]/.test(clean) ? parseInt(clean.slice(2), 8) : /^0[bB]/.test(clean) ? parseInt(clean.slice(2), 2) : Number(clean);
      out.push({ type: 'int', value: t, pos, literal: n });
    } else if ((t = match(NAME, src, pos))) {
      out.push({ type: 'name', value: t, pos });
    } else if ((t = match(STRING, src, pos))) {
      const body = t.slice(1, -1);
      out.push({ type: 'string', value: t, pos, literal: isVar && opts.rawVarStrings ? body : unescape(body) });
    } else {
      t = OPERATORS.find((o) => src.startsWith(o, pos));
      if (!t) {
        if (src[pos] === "'" || src[pos] === '"') throw new TemplateSyntaxError('unterminated string', pos, src);
        throw new TemplateSyntaxError(`unexpected char ${JSON.stringify(src[pos])}`, pos, src);
      }
      if ('([{'.includes(t)) balance.push(t);
      else if (')]}'.includes(t)) {
        const open = balance.pop();
        if (open === undefined || '([{'.indexOf(open) !== ')]}'.indexOf(t)) throw new TemplateSyntaxError(`unexpected '${t}'`, pos, src);
      }
      out.push({ type: 'op', value: t, pos });
    }
    pos += t.length;
  }
}
