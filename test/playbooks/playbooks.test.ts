// Static checks of the bundled playbooks that need no host: the engine's own syntax check,
// every template string and bare expression parses as Jinja2 and names only filters and tests
// that exist, every notify has its handler, every template exists and parses.
import { expect } from 'chai';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO, runCli } from '../support/cli.js';
import { compileExpression, compileTemplate, isTemplate, syntaxErrorText, TemplateSyntaxError, unknownNames } from '../../engine/jinja/index.js';
import { loadPlugins } from '../../engine/jinja/plugins.js';
import { loadYamlFile } from '../../engine/yaml-source.js';

const PLAYBOOKS = join(REPO, 'playbooks');
const playbookFiles = readdirSync(PLAYBOOKS).filter((f) => f.endsWith('.yml')).sort();
const varFiles = ['inventory/group_vars/all.yml', 'inventory/astra.yml', 'inventory/lab.yml', 'inventory/lab-postgres10.yml', 'examples/custom-module/site.yml'];
const TEMPLATES = join(REPO, 'templates');
const templateFiles = readdirSync(TEMPLATES).sort();
// The playbooks' own filters and tests (filter_plugins/, test_plugins/ beside them), if any.
const plugins = await loadPlugins([PLAYBOOKS]);

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

/** Parses Jinja2 as the engine does: why it does not parse, or the filters and tests it names that do not exist. */
function jinjaProblems(compile: () => Parameters<typeof unknownNames>[0]): string[] {
  try {
    return unknownNames(compile(), plugins);
  } catch (e) {
    if (e instanceof TemplateSyntaxError) return [syntaxErrorText(e)];
    throw e;
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

/** The bare expressions of a task: when, changed_when, failed_when, until and assert's that. */
function bareExpressions(t: Obj): string[] {
  const exprs: unknown[] = ['when', 'changed_when', 'failed_when', 'until'].flatMap((k) => (t[k] === undefined ? [] : [t[k]]).flat());
  if (isObj(t.assert)) exprs.push(...[t.assert.that].flat());
  return exprs.filter((e): e is string => typeof e === 'string');
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

  it('every template string in the playbooks and variables is Jinja2 with known filters and tests', () => {
    const bad: string[] = [];
    let checked = 0;
    for (const rel of [...playbookFiles.map((f) => `playbooks/${f}`), ...varFiles]) {
      for (const s of strings(load(rel), rel)) {
        if (!isTemplate(s.text)) continue;
        checked++;
        for (const p of jinjaProblems(() => compileTemplate(s.text, 'var').nodes)) bad.push(`${s.path}: ${s.text}: ${p}`);
      }
    }
    expect(bad).to.deep.equal([]);
    expect(checked).to.be.greaterThan(100);
  });

  it('no JavaScript is left in the playbooks, variables and templates (arrow functions, ===, ??, JSON., .length)', () => {
    const bad: string[] = [];
    const js = /=>|===|!==|\?\?|JSON\.|Date\.now|\.length\b|\bdefined\(/;
    for (const rel of [...playbookFiles.map((f) => `playbooks/${f}`), ...varFiles]) {
      for (const s of strings(load(rel), rel)) if (isTemplate(s.text) && js.test(s.text)) bad.push(`${s.path}: ${s.text}`);
    }
    for (const { file, play } of plays) {
      for (const t of tasksOf(play)) for (const e of bareExpressions(t)) if (js.test(e)) bad.push(`${file}: ${String(t.name)}: ${e}`);
    }
    expect(bad).to.deep.equal([]);
  });

  it('every template in templates/ is a Jinja2 file (.j2) that parses with known filters and tests', () => {
    expect(templateFiles).to.not.be.empty;
    const bad: string[] = [];
    for (const f of templateFiles) {
      if (!f.endsWith('.j2')) bad.push(`${f}: not a .j2 template`);
      for (const p of jinjaProblems(() => compileTemplate(readFileSync(join(TEMPLATES, f), 'utf8'), 'file').nodes)) bad.push(`${f}: ${p}`);
    }
    expect(bad).to.deep.equal([]);
  });

  it('every bare expression (when, changed_when, failed_when, until, assert that) is a Jinja2 expression with known filters and tests', () => {
    const bad: string[] = [];
    let checked = 0;
    for (const { file, play } of plays) {
      for (const t of tasksOf(play)) {
        for (const e of bareExpressions(t)) {
          checked++;
          for (const p of jinjaProblems(() => compileExpression(e.replace(/^\s*\{\{([\s\S]*)\}\}\s*$/, '$1')))) bad.push(`${file}: ${String(t.name)}: ${e}: ${p}`);
        }
      }
    }
    expect(bad).to.deep.equal([]);
    expect(checked).to.be.greaterThan(100);
  });

  it('every notify names a handler of its play (by name or listen)', () => {
    const bad: string[] = [];
    for (const { file, play } of plays) {
      const handlers = new Set((Array.isArray(play.handlers) ? play.handlers : []).filter(isObj).flatMap((h) => [h.name, ...[h.listen ?? []].flat()]));
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
