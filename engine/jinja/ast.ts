// Jinja2's syntax tree: expressions and template statements. Each node keeps its offset in the
// source for error messages.

export type Expr =
  | { kind: 'const'; pos: number; value: unknown }
  | { kind: 'name'; pos: number; name: string }
  | { kind: 'attr'; pos: number; obj: Expr; attr: string }
  | { kind: 'item'; pos: number; obj: Expr; index: Expr }
  | { kind: 'slice'; pos: number; obj: Expr; start?: Expr; stop?: Expr; step?: Expr }
  | { kind: 'call'; pos: number; fn: Expr; args: Expr[]; kwargs: [string, Expr][] }
  | { kind: 'filter'; pos: number; expr: Expr; name: string; args: Expr[]; kwargs: [string, Expr][] }
  | { kind: 'test'; pos: number; expr: Expr; name: string; args: Expr[]; kwargs: [string, Expr][]; negated: boolean }
  | { kind: 'unary'; pos: number; op: '-' | '+' | 'not'; expr: Expr }
  | { kind: 'binary'; pos: number; op: string; left: Expr; right: Expr }
  | { kind: 'compare'; pos: number; first: Expr; ops: { op: string; expr: Expr }[] }
  | { kind: 'cond'; pos: number; test: Expr; then: Expr; else?: Expr }
  | { kind: 'list'; pos: number; items: Expr[] }
  | { kind: 'tuple'; pos: number; items: Expr[] }
  | { kind: 'dict'; pos: number; pairs: [Expr, Expr][] };

/** An assignment target: `x`, `a, b`, `ns.attr`. */
export type Target = { kind: 'name'; name: string } | { kind: 'tuple'; items: Target[] } | { kind: 'nsattr'; name: string; attr: string };

export type Node =
  | { kind: 'text'; value: string }
  | { kind: 'emit'; pos: number; expr: Expr }
  | { kind: 'if'; branches: { test: Expr; body: Node[] }[]; else?: Node[] }
  | { kind: 'for'; pos: number; target: Target; iter: Expr; filter?: Expr; body: Node[]; else?: Node[]; recursive: boolean }
  | { kind: 'set'; pos: number; target: Target; value: Expr }
  | { kind: 'setblock'; pos: number; target: Target; filters: Expr[]; body: Node[] }
  | { kind: 'macro'; pos: number; name: string; params: { name: string; default?: Expr }[]; body: Node[] }
  | { kind: 'callblock'; pos: number; call: Expr; params: { name: string; default?: Expr }[]; body: Node[] }
  | { kind: 'filterblock'; pos: number; filters: Expr[]; body: Node[] }
  | { kind: 'with'; pos: number; assigns: [Target, Expr][]; body: Node[] }
  | { kind: 'include'; pos: number; template: Expr; ignoreMissing: boolean }
  | { kind: 'do'; pos: number; expr: Expr }
  | { kind: 'break' | 'continue'; pos: number };
