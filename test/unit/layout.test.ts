// The layout the README's Architecture section draws, held against the sources' imports: the
// engine imports nothing above it (modules, lab, the SDK, the CLI); bundled modules reach the
// engine only through the SDK; only cli/, the composition root, wires everything; and no
// imports go round in a circle, neither between files nor between the engine's parts.
import { expect } from 'chai';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import ts from 'typescript';
import { PACKAGE_ROOT } from '../../engine/install-paths.js';

/** What each top folder may import (besides itself and packages). */
const MAY_IMPORT: Record<string, string[]> = {
  engine: [],
  sdk: ['engine'],
  modules: ['sdk'],
  lab: ['engine'],
  cli: ['engine', 'sdk', 'modules', 'lab'],
};

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((n) => {
    const p = join(dir, n);
    if (statSync(p).isDirectory()) return sources(p);
    return p.endsWith('.ts') && !p.endsWith('.d.ts') ? [p] : [];
  });
}

/** Every import of the sources (static, dynamic, type-only, re-exports), as [from, to], paths from the root. */
function imports(): [string, string][] {
  const edges: [string, string][] = [];
  for (const file of Object.keys(MAY_IMPORT).flatMap((top) => sources(join(PACKAGE_ROOT, top)))) {
    for (const i of ts.preProcessFile(readFileSync(file, 'utf8'), true, true).importedFiles) {
      if (!i.fileName.startsWith('.')) continue;
      edges.push([relative(PACKAGE_ROOT, file), relative(PACKAGE_ROOT, resolve(dirname(file), i.fileName)).replace(/\.js$/, '.ts')]);
    }
  }
  return edges;
}

/** The circles of a graph, each as a path that ends where it starts. */
function circles(edges: [string, string][]): string[] {
  const next = new Map<string, Set<string>>();
  for (const [a, b] of edges) if (a !== b) next.set(a, (next.get(a) ?? new Set()).add(b));
  const done = new Set<string>();
  const path: string[] = [];
  const found: string[] = [];
  const visit = (n: string) => {
    path.push(n);
    for (const m of next.get(n) ?? []) {
      if (path.includes(m)) found.push([...path.slice(path.indexOf(m)), m].join(' → '));
      else if (!done.has(m)) visit(m);
    }
    path.pop();
    done.add(n);
  };
  for (const n of next.keys()) if (!done.has(n)) visit(n);
  return found;
}

const top = (p: string) => p.split('/')[0]!;
/** An engine part: a subfolder, or a file at the engine's root. */
const part = (p: string) => p.split('/').slice(0, 2).join('/');

describe('layout: the direction of imports', () => {
  const edges = imports();

  it('finds the imports it checks', () => {
    expect(edges).to.deep.include(['cli/program.ts', 'modules/index.ts']);
    expect(edges).to.deep.include(['engine/runner/run-state.ts', 'engine/output/reporter.ts']);
  });

  it('each top folder imports only what lies below it', () => {
    const wrong = edges.filter(([a, b]) => top(a) !== top(b) && !MAY_IMPORT[top(a)]!.includes(top(b)));
    expect(wrong.map(([a, b]) => `${a} → ${b}`)).to.deep.equal([]);
  });

  it('no file imports itself through others', () => {
    expect(circles(edges)).to.deep.equal([]);
  });

  it("no circle between the engine's parts (runner, output, playbook, jinja, …)", () => {
    const inEngine = edges.filter(([a, b]) => top(a) === 'engine' && top(b) === 'engine').map(([a, b]): [string, string] => [part(a), part(b)]);
    expect(circles(inEngine)).to.deep.equal([]);
  });
});
