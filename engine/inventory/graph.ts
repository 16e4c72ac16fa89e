// The group graph: cycle detection (with the edge to blame), depth and ancestors.
import type { SourceProblem } from '../errors.js';
import { problemAt } from '../yaml-source.js';
import type { ParsedEdge } from './parse.js';

/** One problem per cycle, at the `children:` entry that closes it. */
export function findCycles(groupNames: Iterable<string>, edges: ParsedEdge[]): SourceProblem[] {
  const out = new Map<string, ParsedEdge[]>();
  for (const e of edges) out.set(e.parent, [...(out.get(e.parent) ?? []), e]);
  const state = new Map<string, 'open' | 'done'>();
  const path: string[] = [];
  const problems: SourceProblem[] = [];
  const visit = (g: string): void => {
    state.set(g, 'open');
    path.push(g);
    for (const e of out.get(g) ?? []) {
      const s = state.get(e.child);
      if (s === 'open') {
        const loop = [...path.slice(path.indexOf(e.child)), e.child].join(' → ');
        problems.push(
          problemAt(e.at, `group '${e.child}' is its own ancestor: ${loop}`, `remove '${e.child}' from the children of '${e.parent}'`),
        );
      } else if (!s) visit(e.child);
    }
    path.pop();
    state.set(g, 'done');
  };
  for (const g of groupNames) if (!state.has(g)) visit(g);
  return problems;
}

/** Longest distance from 'all' (Ansible's group depth, which orders variable precedence). */
export function groupDepths(parentsOf: (group: string) => string[], groupNames: Iterable<string>): Map<string, number> {
  const depth = new Map<string, number>();
  const of = (g: string): number => {
    let d = depth.get(g);
    if (d === undefined) {
      d = Math.max(-1, ...parentsOf(g).map(of)) + 1;
      depth.set(g, d);
    }
    return d;
  };
  for (const g of groupNames) of(g);
  return depth;
}

/** A group and every group above it. */
export function withAncestors(parentsOf: (group: string) => string[], start: Iterable<string>): Set<string> {
  const seen = new Set<string>();
  const stack = [...start];
  while (stack.length) {
    const g = stack.pop()!;
    if (seen.has(g)) continue;
    seen.add(g);
    stack.push(...parentsOf(g));
  }
  return seen;
}
