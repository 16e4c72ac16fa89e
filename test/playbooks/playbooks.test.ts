// Static checks of the bundled playbooks that need no host: the engine's own syntax check,
// every `{{ }}` and bare expression compiles as JavaScript (the engine compiles the `{{ }}` in
// module arguments only when a task runs), every notify has its handler, every template exists.
import { expect } from 'chai';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { REPO, runCli } from '../support/cli.js';
import { loadYamlFile } from '../../engine/yaml-source.js';

const PLAYBOOKS = join(REPO, 'playbooks');
const playbookFiles = readdirSync(PLAYBOOKS).filter((f) => f.endsWith('.yml')).sort();
const varFiles = ['inventory/group_vars/all.yml', 'inventory/astra.yml'];

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => v !== null && typeof v === 'object' && !Array.isArray(v);

function load(rel: string): unknown[] {
  const { documents, problems } = loadYamlFile(join(REPO, rel));
  expect(problems.map((p) => `${p.file}:${p.line}: ${p.message}`), rel).to.deep.equal([]);
  return documents;
}

/** Every string in a YAML value, with where it is. */
function strings(v: unknown, path: string, out: { path: string; text: string }[] = []): { path: string; text: string }[] {
  if (typeof v === 'string') out.push({ path, text: v });
  else if (Array.isArray(v)) v.forEach((x, i) => strings(x, `${path}[${i}]`, out));
  else if (isObj(v)) for (const [k, x] of Object.entries(v)) strings(x, `${path}.${k}`, out);
  return out;
}

/** Compiles an expression the way the engine does (a sloppy-mode function over a scope). */
function compileError(expr: string): string | undefined {
  try {
    new Function('__scope', `with (__scope) { return (${expr}\n); }`);
    return undefined;
  } catch (e) {
    return (e as Error).message;
  }
}

/** Tasks of a play at any depth (blocks, rescue, always), handlers included. */
function tasksOf(play: Obj): Obj[] {
  const out: Obj[] = [];
  const walk = (list: unknown) => {
    if (!Array.isArray(list)) return;
    for (const t of list) {
      if (!isObj(t)) continue;
      out.push(t);
      walk(t.block);
      walk(t.rescue);
      walk(t.always);
    }
  };
  for (const key of ['pre_tasks', 'tasks', 'post_tasks', 'handlers']) walk(play[key]);
  return out;
}

const plays = playbookFiles.flatMap((f) =>
  load(`playbooks/${f}`).flatMap((doc) => (Array.isArray(doc) ? doc : [])).filter(isObj).filter((p) => 'hosts' in p).map((play) => ({ file: f, play })),
);

describe('bundled playbooks (static)', () => {
  for (const playbook of ['playbooks/site.yml', 'playbooks/drill-failover.yml']) {
    it(`${playbook} passes tsplay's syntax check`, async () => {
      const r = await runCli(['run', playbook, '--syntax-check']);
      expect(r.code, r.stdout + r.stderr).to.equal(0);
    });
  }

  it('every {{ }} expression in the playbooks and variables compiles', () => {
    const bad: string[] = [];
    for (const rel of [...playbookFiles.map((f) => `playbooks/${f}`), ...varFiles]) {
      for (const s of strings(load(rel), rel)) {
        for (const m of s.text.matchAll(/\{\{([\s\S]*?)\}\}/g)) {
          const err = compileError(m[1]!);
          if (err) bad.push(`${s.path}: {{${m[1]}}}: ${err}`);
        }
      }
    }
    expect(bad).to.deep.equal([]);
  });

  it('every bare expression (when, changed_when, failed_when, until, assert that) compiles', () => {
    const bad: string[] = [];
    for (const { file, play } of plays) {
      for (const t of tasksOf(play)) {
        const exprs: unknown[] = ['when', 'changed_when', 'failed_when', 'until'].flatMap((k) => (t[k] === undefined ? [] : [t[k]]).flat());
        if (isObj(t.assert)) exprs.push(...[t.assert.that].flat());
        for (const e of exprs) {
          if (typeof e !== 'string') continue;
          const err = compileError(e.replace(/^\s*\{\{([\s\S]*)\}\}\s*$/, '$1'));
          if (err) bad.push(`${file}: ${String(t.name)}: ${e}: ${err}`);
        }
      }
    }
    expect(bad).to.deep.equal([]);
  });

  it('every notify names a handler of its play', () => {
    const bad: string[] = [];
    for (const { file, play } of plays) {
      const handlers = new Set((Array.isArray(play.handlers) ? play.handlers : []).filter(isObj).map((h) => h.name));
      for (const t of tasksOf(play)) {
        for (const n of [t.notify ?? []].flat()) if (!handlers.has(n)) bad.push(`${file}: ${String(t.name)} notifies '${String(n)}'`);
      }
    }
    expect(bad).to.deep.equal([]);
  });

  it('every template a task uses exists in templates/', () => {
    const used = plays.flatMap(({ play }) => tasksOf(play)).flatMap((t) => (isObj(t.template) ? [String(t.template.src)] : []));
    expect(used).to.not.be.empty;
    for (const src of used) expect(existsSync(join(REPO, 'templates', src)), src).to.equal(true);
  });
});
