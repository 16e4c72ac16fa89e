// Conformance of tsplay's Jinja2 with Debian's ansible-core, byte for byte: every case of
// jinja-conformance/cases.ts is a template file, rendered by ansible-playbook (one run, one debug
// task per case through the template lookup, which renders as the template module does; one
// task each because a failing lookup fails a whole loop)
// and by tsplay's engine over the same variables. Outputs must be identical; where Ansible fails
// (an undefined variable, a type error, a syntax error) tsplay must fail too. Cases marked
// `differs` must still differ, so that the list of intended differences stays true.
import { expect } from 'chai';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { Renderer, absent } from '../../engine/jinja/index.js';
import { requireAnsible, runAnsiblePlaybook } from '../support/ansible.js';
import { cases, vars } from './jinja-conformance/cases.js';

/** Rendered text starts with this, so that Ansible never reads a result back as a list or dict. */
const MARK = '<<<';
const ENV = { TSPLAY_CONFORMANCE: 'conformance-env' };

interface Outcome {
  ok: boolean;
  text: string;
}

describe('Jinja2 conformance with ansible-core (byte for byte)', function () {
  this.timeout(180_000);
  let dir: string;
  const ansible: Outcome[] = [];

  before(async function () {
    requireAnsible(this, 'the Jinja2 conformance suite');
    dir = mkdtempSync(join(tmpdir(), 'tsplay-jinja-'));
    mkdirSync(join(dir, 'cases'));
    cases.forEach((c, i) => writeFileSync(join(dir, 'cases', `${i}.j2`), MARK + c.template));
    writeFileSync(join(dir, 'vars.json'), JSON.stringify(vars));
    writeFileSync(
      join(dir, 'site.yml'),
      stringify([
        {
          hosts: 'localhost',
          gather_facts: false,
          tasks: cases.map((_c, i) => ({ name: `case ${i}`, debug: { msg: `{{ lookup('template', 'cases/${i}.j2') }}` }, ignore_errors: true })),
        },
      ]),
    );
    const run = await runAnsiblePlaybook(join(dir, 'site.yml'), { tmp: dir, cwd: dir, args: ['-e', `@${join(dir, 'vars.json')}`], env: ENV });
    const results = (run.report.plays[0]?.tasks ?? []).map((t) => t.hosts.localhost as { msg?: unknown; failed?: boolean });
    expect(results, `${run.stderr}\n${JSON.stringify(run.report).slice(0, 3000)}`).to.have.length(cases.length);
    for (const r of results) {
      const msg = typeof r.msg === 'string' ? r.msg : JSON.stringify(r.msg);
      ansible.push(r.failed ? { ok: false, text: msg } : { ok: true, text: msg.startsWith(MARK) ? msg.slice(MARK.length) : `(unmarked) ${msg}` });
    }
  });

  after(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  function tsplay(i: number): Outcome {
    const saved = { ...process.env };
    Object.assign(process.env, ENV);
    try {
      const all = vars as Record<string, unknown>;
      const r = new Renderer({ resolve: (k) => (Object.prototype.hasOwnProperty.call(all, k) ? all[k] : absent), searchPath: [dir] });
      const text = r.renderFile(join(dir, 'cases', `${i}.j2`));
      return { ok: true, text: text.startsWith(MARK) ? text.slice(MARK.length) : text };
    } catch (e) {
      return { ok: false, text: (e as Error).message };
    } finally {
      for (const k of Object.keys(ENV)) if (saved[k] === undefined) delete process.env[k];
    }
  }

  it(`covers at least 150 templates (${cases.length})`, () => {
    expect(cases.length).to.be.at.least(150);
  });

  cases.forEach((c, i) => {
    const title = `#${i} ${c.template.length > 90 ? `${c.template.slice(0, 90)}…` : c.template}`;
    it(c.differs ? `${title} (differs on purpose: ${c.differs})` : title, () => {
      const want = ansible[i]!;
      const got = tsplay(i);
      if (c.differs) {
        expect(got, 'listed as an intended difference but renders as ansible-core does').not.to.deep.equal(want);
        return;
      }
      if (!want.ok) {
        expect(got.ok, `ansible-core fails (${want.text}), tsplay gives ${JSON.stringify(got.text)}`).to.equal(false);
        return;
      }
      expect(got.ok, `tsplay fails: ${got.text}`).to.equal(true);
      expect(got.text).to.equal(want.text);
    });
  });
});
