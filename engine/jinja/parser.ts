// Jinja2's grammar, as jinja2/parser.py has it: statements by recursive descent, expressions by
// precedence levels (conditional, or, and, not, comparisons, + -, ~, * / // %, **, unary, postfix
// and filters/tests). Unsupported constructs are syntax errors that name them.
import type { Expr, Node, Target } from './ast.js';
import { type Token, TemplateSyntaxError } from './lexer.js';
import { PyFloat } from './values.js';

const COMPARE = new Set(['==', '!=', '<', '>', '<=', '>=']);
const CONSTANTS: Record<string, unknown> = { true: true, True: true, false: false, False: false, none: null, None: null };
const UNSUPPORTED: Record<string, string> = {
  extends: 'template inheritance ({% extends %}) is not supported',
  block: 'template blocks ({% block %}) are not supported',
  import: '{% import %} is not supported: define the macro in the same template',
  from: '{% from … import %} is not supported: define the macro in the same template',
  autoescape: '{% autoescape %} is not supported (Ansible does not escape)',
  trans: '{% trans %} (i18n) is not supported',
};
/** Tokens that may start a test's argument given without parentheses (`is divisibleby 3`). */
const TEST_ARG_START = new Set(['name', 'string', 'int', 'float']);

/** Ends of a block body: the closing tags that the caller accepts. */
type Ends = readonly string[];

export class Parser {
  private i = 0;
  /** Set while parsing a for loop's body (break/continue are allowed there). */
  private loops = 0;
  /** A bare expression (`when:`): its end is not a `}}` the user wrote. */
  private bare = false;

  constructor(private tokens: Token[], private source: string) {}

  private get tok(): Token {
    return this.tokens[this.i]!;
  }
  private peek(n = 1): Token {
    return this.tokens[Math.min(this.i + n, this.tokens.length - 1)]!;
  }
  private next(): Token {
    return this.tokens[this.i++]!;
  }
  error(message: string, pos = this.tok.pos): TemplateSyntaxError {
    return new TemplateSyntaxError(message, pos, this.source);
  }
  private describe(t: Token): string {
    if (t.type === 'eof') return 'end of template';
    if (t.type === 'var_end' && this.bare) return 'end of expression';
    if (t.type === 'var_end' || t.type === 'block_end') return `end of ${t.type === 'var_end' ? 'print statement' : 'statement block'} '${t.value}'`;
    return `'${t.value}'`;
  }
  private isOp(v: string, t = this.tok): boolean {
    return t.type === 'op' && t.value === v;
  }
  private isName(v: string, t = this.tok): boolean {
    return t.type === 'name' && t.value === v;
  }
  private expectOp(v: string): Token {
    if (!this.isOp(v)) throw this.error(`expected '${v}', got ${this.describe(this.tok)}`);
    return this.next();
  }
  private expectName(v?: string): Token {
    if (this.tok.type !== 'name' || (v !== undefined && this.tok.value !== v)) throw this.error(`expected ${v ? `'${v}'` : 'a name'}, got ${this.describe(this.tok)}`);
    return this.next();
  }
  private expectType(type: Token['type']): Token {
    if (this.tok.type !== type) throw this.error(`unexpected ${this.describe(this.tok)}`);
    return this.next();
  }

  /** The whole template. */
  parseTemplate(): Node[] {
    const body = this.subparse([]);
    this.expectType('eof');
    return body;
  }

  /** Nodes up to one of the given closing tags (left unconsumed, after its `{%`). */
  private subparse(ends: Ends): Node[] {
    const body: Node[] = [];
    for (;;) {
      const t = this.tok;
      if (t.type === 'eof') {
        if (ends.length) throw this.error(`unexpected end of template: expected ${ends.map((e) => `'{% ${e} %}'`).join(' or ')}`);
        return body;
      }
      if (t.type === 'data') {
        body.push({ kind: 'text', value: this.next().value });
      } else if (t.type === 'var_begin') {
        this.next();
        const expr = this.parseTuple();
        this.expectType('var_end');
        body.push({ kind: 'emit', pos: t.pos, expr });
      } else if (t.type === 'block_begin') {
        const name = this.peek();
        if (name.type === 'name' && ends.includes(name.value)) {
          this.next();
          return body;
        }
        this.next();
        body.push(this.statement());
      } else throw this.error(`unexpected ${this.describe(t)}`);
    }
  }

  private endBlock(): void {
    this.expectType('block_end');
  }

  private statement(): Node {
    const t = this.tok;
    if (t.type !== 'name') throw this.error('tag name expected');
    if (t.value in UNSUPPORTED) throw this.error(UNSUPPORTED[t.value]!);
    this.next();
    switch (t.value) {
      case 'if':
        return this.parseIf();
      case 'for':
        return this.parseFor(t.pos);
      case 'set':
        return this.parseSet(t.pos);
      case 'macro':
        return this.parseMacro(t.pos);
      case 'call':
        return this.parseCallBlock(t.pos);
      case 'filter': {
        const filters = this.parseFilterChain();
        this.endBlock();
        const body = this.subparse(['endfilter']);
        this.next();
        this.endBlock();
        return { kind: 'filterblock', pos: t.pos, filters, body };
      }
      case 'with': {
        const assigns: [Target, Expr][] = [];
        while (!this.isType('block_end')) {
          if (assigns.length) this.expectOp(',');
          const target = this.parseAssignTarget(false);
          this.expectOp('=');
          assigns.push([target, this.parseExpression()]);
        }
        this.endBlock();
        const body = this.subparse(['endwith']);
        this.next();
        this.endBlock();
        return { kind: 'with', pos: t.pos, assigns, body };
      }
      case 'include': {
        const template = this.parseExpression();
        let ignoreMissing = false;
        if (this.isName('ignore') && this.isName('missing', this.peek())) {
          this.i += 2;
          ignoreMissing = true;
        }
        if (this.isName('with') || this.isName('without')) {
          this.next();
          this.expectName('context');
        }
        this.endBlock();
        return { kind: 'include', pos: t.pos, template, ignoreMissing };
      }
      case 'do': {
        const expr = this.parseTuple();
        this.endBlock();
        return { kind: 'do', pos: t.pos, expr };
      }
      case 'break':
      case 'continue':
        if (!this.loops) throw this.error(`'${t.value}' outside of a loop`, t.pos);
        this.endBlock();
        return { kind: t.value, pos: t.pos };
      default:
        throw this.error(`encountered unknown tag '${t.value}'`, t.pos);
    }
  }

  private isType(type: Token['type']): boolean {
    return this.tok.type === type;
  }

  private parseIf(): Node {
    const branches: { test: Expr; body: Node[] }[] = [];
    let elseBody: Node[] | undefined;
    let test = this.parseTuple(false);
    for (;;) {
      this.endBlock();
      const body = this.subparse(['elif', 'else', 'endif']);
      branches.push({ test, body });
      const end = this.next().value;
      if (end === 'elif') {
        test = this.parseTuple(false);
        continue;
      }
      if (end === 'else') {
        this.endBlock();
        elseBody = this.subparse(['endif']);
        this.next();
      }
      this.endBlock();
      return { kind: 'if', branches, else: elseBody };
    }
  }

  private parseFor(pos: number): Node {
    const target = this.parseAssignTarget(true);
    this.expectName('in');
    const iter = this.parseTuple(false, true);
    let filter: Expr | undefined;
    if (this.isName('if')) {
      this.next();
      filter = this.parseExpression();
    }
    const recursive = this.isName('recursive');
    if (recursive) throw this.error('recursive loops are not supported');
    this.endBlock();
    this.loops++;
    const body = this.subparse(['endfor', 'else']);
    this.loops--;
    let elseBody: Node[] | undefined;
    if (this.next().value === 'else') {
      this.endBlock();
      elseBody = this.subparse(['endfor']);
      this.next();
    }
    this.endBlock();
    return { kind: 'for', pos, target, iter, filter, body, else: elseBody, recursive };
  }

  private parseSet(pos: number): Node {
    const target = this.parseAssignTarget(true, true);
    if (this.isOp('=')) {
      this.next();
      const value = this.parseTuple();
      this.endBlock();
      return { kind: 'set', pos, target, value };
    }
    const filters = this.isOp('|') ? this.parseFilterChain() : [];
    this.endBlock();
    const body = this.subparse(['endset']);
    this.next();
    this.endBlock();
    return { kind: 'setblock', pos, target, filters, body };
  }

  /** `| f(x) | g` after a block tag's name: filters applied to the block's output. */
  private parseFilterChain(): Expr[] {
    const filters: Expr[] = [];
    if (!this.isOp('|')) filters.push(this.parseFilter({ kind: 'name', pos: this.tok.pos, name: '\0block' }));
    while (this.isOp('|')) {
      this.next();
      filters.push(this.parseFilter({ kind: 'name', pos: this.tok.pos, name: '\0block' }));
    }
    return filters;
  }

  private parseParams(): { name: string; default?: Expr }[] {
    const params: { name: string; default?: Expr }[] = [];
    this.expectOp('(');
    while (!this.isOp(')')) {
      if (params.length) this.expectOp(',');
      const name = this.expectName().value;
      let def: Expr | undefined;
      if (this.isOp('=')) {
        this.next();
        def = this.parseExpression();
      } else if (params.some((p) => p.default)) throw this.error('non-default argument follows default argument');
      params.push({ name, default: def });
    }
    this.next();
    return params;
  }

  private parseMacro(pos: number): Node {
    const name = this.expectName().value;
    const params = this.parseParams();
    this.endBlock();
    const body = this.subparse(['endmacro']);
    this.next();
    this.endBlock();
    return { kind: 'macro', pos, name, params, body };
  }

  private parseCallBlock(pos: number): Node {
    const params = this.isOp('(') ? this.parseParams() : [];
    const call = this.parseExpression();
    if (call.kind !== 'call') throw this.error('expected a call after {% call %}', pos);
    this.endBlock();
    const body = this.subparse(['endcall']);
    this.next();
    this.endBlock();
    return { kind: 'callblock', pos, call, params, body };
  }

  private parseAssignTarget(allowTuple: boolean, allowNs = false): Target {
    const one = (): Target => {
      const name = this.expectName().value;
      if (allowNs && this.isOp('.')) {
        this.next();
        return { kind: 'nsattr', name, attr: this.expectName().value };
      }
      return { kind: 'name', name };
    };
    if (allowTuple && this.isOp('(')) {
      this.next();
      const items = [one()];
      while (this.isOp(',')) {
        this.next();
        if (this.isOp(')')) break;
        items.push(one());
      }
      this.expectOp(')');
      return { kind: 'tuple', items };
    }
    const first = one();
    if (!allowTuple || !this.isOp(',')) return first;
    const items = [first];
    while (this.isOp(',')) {
      this.next();
      if (this.tok.type !== 'name') break;
      items.push(one());
    }
    return { kind: 'tuple', items };
  }

  // ---- expressions ----

  /** The tokens of a bare expression wrapped as one `{{ … }}` (its begin already dropped). */
  parseExpressionTokens(): Expr {
    this.bare = true;
    const e = this.parseTuple();
    if (this.tok.type !== 'var_end' || this.peek().type !== 'eof') throw this.error(`unexpected ${this.describe(this.tok.type === 'var_end' ? this.peek() : this.tok)}`);
    return e;
  }

  /** An expression, or a tuple when commas follow (`{{ a, b }}`). */
  parseTuple(withCond = true, forIter = false): Expr {
    const pos = this.tok.pos;
    const first = withCond ? this.parseExpression() : this.parseOr();
    if (!this.isOp(',')) return first;
    const items = [first];
    while (this.isOp(',')) {
      this.next();
      if (this.tupleEnds(forIter)) break;
      items.push(withCond ? this.parseExpression() : this.parseOr());
    }
    return { kind: 'tuple', pos, items };
  }

  private tupleEnds(forIter: boolean): boolean {
    const t = this.tok;
    return t.type === 'var_end' || t.type === 'block_end' || t.type === 'eof' || (forIter && (this.isName('if') || this.isName('recursive'))) || this.isOp(')');
  }

  parseExpression(): Expr {
    const pos = this.tok.pos;
    const expr = this.parseOr();
    if (!this.isName('if')) return expr;
    this.next();
    const test = this.parseOr();
    let elseExpr: Expr | undefined;
    if (this.isName('else')) {
      this.next();
      elseExpr = this.parseExpression();
    }
    return { kind: 'cond', pos, test, then: expr, else: elseExpr };
  }

  private parseOr(): Expr {
    let left = this.parseAnd();
    while (this.isName('or')) {
      const pos = this.next().pos;
      left = { kind: 'binary', pos, op: 'or', left, right: this.parseAnd() };
    }
    return left;
  }

  private parseAnd(): Expr {
    let left = this.parseNot();
    while (this.isName('and')) {
      const pos = this.next().pos;
      left = { kind: 'binary', pos, op: 'and', left, right: this.parseNot() };
    }
    return left;
  }

  private parseNot(): Expr {
    if (this.isName('not')) {
      const pos = this.next().pos;
      return { kind: 'unary', pos, op: 'not', expr: this.parseNot() };
    }
    return this.parseCompare();
  }

  private parseCompare(): Expr {
    const pos = this.tok.pos;
    const first = this.parseMath1();
    const ops: { op: string; expr: Expr }[] = [];
    for (;;) {
      if (this.tok.type === 'op' && COMPARE.has(this.tok.value)) ops.push({ op: this.next().value, expr: this.parseMath1() });
      else if (this.isName('in')) {
        this.next();
        ops.push({ op: 'in', expr: this.parseMath1() });
      } else if (this.isName('not') && this.isName('in', this.peek())) {
        this.i += 2;
        ops.push({ op: 'notin', expr: this.parseMath1() });
      } else break;
    }
    return ops.length ? { kind: 'compare', pos, first, ops } : first;
  }

  private binaryLevel(ops: string[], inner: () => Expr): Expr {
    let left = inner();
    while (this.tok.type === 'op' && ops.includes(this.tok.value)) {
      const t = this.next();
      left = { kind: 'binary', pos: t.pos, op: t.value, left, right: inner() };
    }
    return left;
  }

  private parseMath1 = (): Expr => this.binaryLevel(['+', '-'], this.parseConcat);
  private parseConcat = (): Expr => this.binaryLevel(['~'], this.parseMath2);
  private parseMath2 = (): Expr => this.binaryLevel(['*', '/', '//', '%'], this.parsePow);
  private parsePow = (): Expr => this.binaryLevel(['**'], () => this.parseUnary(true));

  private parseUnary(withFilter: boolean): Expr {
    const t = this.tok;
    let node: Expr;
    if (this.isOp('-') || this.isOp('+')) {
      this.next();
      node = { kind: 'unary', pos: t.pos, op: t.value as '-' | '+', expr: this.parseUnary(false) };
    } else node = this.parsePrimary();
    node = this.parsePostfix(node);
    return withFilter ? this.parseFilterExpr(node) : node;
  }

  private parsePrimary(): Expr {
    const t = this.tok;
    if (t.type === 'name') {
      this.next();
      if (t.value in CONSTANTS) return { kind: 'const', pos: t.pos, value: CONSTANTS[t.value] };
      return { kind: 'name', pos: t.pos, name: t.value };
    }
    if (t.type === 'string') {
      let value = '';
      while (this.tok.type === 'string') value += this.next().literal as string;
      return { kind: 'const', pos: t.pos, value };
    }
    if (t.type === 'int' || t.type === 'float') {
      this.next();
      const n = t.literal as number;
      return { kind: 'const', pos: t.pos, value: t.type === 'float' && Number.isInteger(n) ? new PyFloat(n) : n };
    }
    if (this.isOp('(')) {
      this.next();
      if (this.isOp(')')) {
        this.next();
        return { kind: 'tuple', pos: t.pos, items: [] };
      }
      const first = this.parseExpression();
      if (this.isOp(')')) {
        this.next();
        return first;
      }
      const items = [first];
      while (this.isOp(',')) {
        this.next();
        if (this.isOp(')')) break;
        items.push(this.parseExpression());
      }
      this.expectOp(')');
      return { kind: 'tuple', pos: t.pos, items };
    }
    if (this.isOp('[')) {
      this.next();
      const items: Expr[] = [];
      while (!this.isOp(']')) {
        if (items.length) this.expectOp(',');
        if (this.isOp(']')) break;
        items.push(this.parseExpression());
      }
      this.next();
      return { kind: 'list', pos: t.pos, items };
    }
    if (this.isOp('{')) {
      this.next();
      const pairs: [Expr, Expr][] = [];
      while (!this.isOp('}')) {
        if (pairs.length) this.expectOp(',');
        if (this.isOp('}')) break;
        const k = this.parseExpression();
        this.expectOp(':');
        pairs.push([k, this.parseExpression()]);
      }
      this.next();
      return { kind: 'dict', pos: t.pos, pairs };
    }
    if (t.type === 'var_end' || t.type === 'block_end' || t.type === 'eof') throw this.error(`expected an expression, got ${this.describe(t)}`);
    throw this.error(`unexpected ${this.describe(t)}`);
  }

  private parsePostfix(node: Expr): Expr {
    for (;;) {
      const t = this.tok;
      if (this.isOp('.')) {
        this.next();
        const a = this.tok;
        if (a.type === 'name') {
          this.next();
          node = { kind: 'attr', pos: t.pos, obj: node, attr: a.value };
        } else if (a.type === 'int') {
          this.next();
          node = { kind: 'item', pos: t.pos, obj: node, index: { kind: 'const', pos: a.pos, value: a.literal } };
        } else throw this.error(`expected an attribute name after '.', got ${this.describe(a)}`);
      } else if (this.isOp('[')) {
        this.next();
        node = this.parseSubscript(node, t.pos);
      } else if (this.isOp('(')) {
        node = { kind: 'call', pos: t.pos, fn: node, ...this.parseCallArgs() };
      } else return node;
    }
  }

  private parseSubscript(obj: Expr, pos: number): Expr {
    const part = (): Expr | undefined => (this.isOp(':') || this.isOp(']') ? undefined : this.parseExpression());
    const start = part();
    if (this.isOp(']')) {
      this.next();
      if (!start) throw this.error('expected a subscript');
      return { kind: 'item', pos, obj, index: start };
    }
    this.expectOp(':');
    const stop = part();
    let step: Expr | undefined;
    if (this.isOp(':')) {
      this.next();
      step = part();
    }
    this.expectOp(']');
    return { kind: 'slice', pos, obj, start, stop, step };
  }

  private parseCallArgs(): { args: Expr[]; kwargs: [string, Expr][] } {
    this.expectOp('(');
    const args: Expr[] = [];
    const kwargs: [string, Expr][] = [];
    while (!this.isOp(')')) {
      if (args.length || kwargs.length) {
        this.expectOp(',');
        if (this.isOp(')')) break;
      }
      if (this.isOp('*') || this.isOp('**')) throw this.error('*args and **kwargs in calls are not supported');
      if (this.tok.type === 'name' && this.isOp('=', this.peek())) {
        const name = this.next().value;
        this.next();
        kwargs.push([name, this.parseExpression()]);
      } else {
        if (kwargs.length) throw this.error('positional argument follows keyword argument');
        args.push(this.parseExpression());
      }
    }
    this.next();
    return { args, kwargs };
  }

  private dottedName(): string {
    let name = this.expectName().value;
    while (this.isOp('.') && this.peek().type === 'name') {
      this.next();
      name += `.${this.next().value}`;
    }
    return name;
  }

  private parseFilter(node: Expr): Expr {
    const pos = this.tok.pos;
    const name = this.dottedName();
    const { args, kwargs } = this.isOp('(') ? this.parseCallArgs() : { args: [], kwargs: [] };
    return { kind: 'filter', pos, expr: node, name, args, kwargs };
  }

  private parseFilterExpr(node: Expr): Expr {
    for (;;) {
      if (this.isOp('|')) {
        this.next();
        node = this.parseFilter(node);
      } else if (this.isName('is')) {
        const pos = this.next().pos;
        const negated = this.isName('not');
        if (negated) this.next();
        const name = this.dottedName();
        let args: Expr[] = [];
        let kwargs: [string, Expr][] = [];
        if (this.isOp('(')) ({ args, kwargs } = this.parseCallArgs());
        else if ((TEST_ARG_START.has(this.tok.type) || this.isOp('[') || this.isOp('{') || this.isOp('-')) && !['else', 'or', 'and', 'if', 'not', 'is', 'in'].includes(this.tok.value)) {
          args = [this.parsePostfix(this.parseUnaryArg())];
        }
        node = { kind: 'test', pos, expr: node, name, args, kwargs, negated };
      } else if (this.isOp('(')) {
        node = { kind: 'call', pos: this.tok.pos, fn: node, ...this.parseCallArgs() };
      } else return node;
    }
  }

  private parseUnaryArg(): Expr {
    if (this.isOp('-')) {
      const pos = this.next().pos;
      return { kind: 'unary', pos, op: '-', expr: this.parsePrimary() };
    }
    return this.parsePrimary();
  }
}
