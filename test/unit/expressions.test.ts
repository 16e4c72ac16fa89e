import { expect } from 'chai';
import { Evaluator, ExpressionError, expressionHint, expressionProblems, hasTemplate, stringify, templateProblems } from '../../engine/expressions.js';
import { UndefinedError } from '../../engine/jinja/index.js';
import { dataLayer, hostvarsMapping, LayeredVars } from '../../engine/runner/host-vars.js';

const scope = (...layers: Record<string, unknown>[]) => new Evaluator(new LayeredVars(layers));

describe('expressions (Jinja2)', () => {
  describe('render', () => {
    const ev = scope({ port: 5432, name: 'db', list: [1, 2], flag: false, nothing: null });

    it("a string that is one {{ expr }} keeps the value's type", () => {
      expect(ev.render('{{ port }}')).to.equal(5432);
      expect(ev.render('{{ port + 1 }}')).to.equal(5433);
      expect(ev.render('{{ list }}')).to.deep.equal([1, 2]);
      expect(ev.render('{{ flag }}')).to.equal(false);
      expect(ev.render('{{ nothing }}')).to.equal(null);
      expect(ev.render("{{ {'a': port} }}")).to.deep.equal({ a: 5432 });
      expect(ev.render('{{ list | map("int") | list }}')).to.deep.equal([1, 2]);
      expect(ev.render('{{ 4 / 2 }}')).to.equal(2);
    });

    it("text around or between templates interpolates, with Python's rendering of values", () => {
      expect(ev.render('port={{ port }}')).to.equal('port=5432');
      expect(ev.render('{{ name }}:{{ port }}')).to.equal('db:5432');
      expect(ev.render('list={{ list }} none={{ nothing }}.')).to.equal('list=[1, 2] none=.');
      expect(ev.render('flag={{ flag }}')).to.equal('flag=False');
      expect(ev.render('no template')).to.equal('no template');
    });

    it('renders deeply through lists and mappings, leaving other values alone; keys set to omit go', () => {
      expect(ev.render({ a: ['{{ port }}', { b: 'x{{ name }}' }], n: 1, t: true })).to.deep.equal({ a: [5432, { b: 'xdb' }], n: 1, t: true });
      expect(ev.render({ a: 1, b: '{{ omit }}' })).to.deep.equal({ a: 1 });
    });

    it('Ansible filters and tests; no JavaScript', () => {
      expect(ev.render("{{ missing_one | default('x') }}")).to.equal('x');
      expect(ev.render('{{ port is defined }}')).to.equal(true);
      expect(ev.render("{{ '5' | int + 1 }}")).to.equal(6);
      expect(ev.render("{{ 'a' in ['a'] }}")).to.equal(true);
      expect(() => ev.render('{{ Math.max(port, 6000) }}')).to.throw(UndefinedError, /'Math' is undefined/);
      expect(() => ev.render('{{ list.constructor }}')).to.throw(UndefinedError);
    });

    it('a syntax error is a load-time problem with its column', () => {
      expect(templateProblems('{{ port + }}')[0]).to.match(/column/);
      expect(templateProblems({ a: ['{{ x | no_such_filter }}'] })).to.deep.equal(["no filter named 'no_such_filter'"]);
      expect(expressionProblems('x is no_such_test')).to.deep.equal(["no test named 'no_such_test'"]);
      expect(expressionProblems('x ==')).to.have.length(1);
      expect(expressionProblems('{{ x == 1 }}')).to.deep.equal([]);
    });
  });

  describe('variables', () => {
    it('an undefined variable fails naming it, at any depth', () => {
      expect(() => scope({ a: 1 }).render('{{ a + missing_one }}')).to.throw(UndefinedError, "'missing_one' is undefined");
      expect(() => scope({ cfg: { port: 1 } }).render('{{ cfg.prot }}')).to.throw(UndefinedError, /'cfg.prot' is undefined/);
      // Names the innermost undefined variable, reached through another.
      expect(() => scope({ b: '{{ c }}' }).render('{{ b }}')).to.throw(UndefinedError, "'c'");
    });

    it('variables are templated lazily, when used, in terms of others', () => {
      const ev = scope({ base: '/srv/{{ host }}', data: '{{ base }}/data', port: '{{ base_port + 1 }}' }, { host: 'db1', base_port: 5432 });
      expect(ev.render('{{ data }}')).to.equal('/srv/db1/data');
      expect(ev.render('{{ port }}')).to.equal(5433);
      // An unused variable that would fail does not matter.
      expect(scope({ broken: '{{ nope }}', ok: 1 }).render('{{ ok }}')).to.equal(1);
    });

    it('a variable defined in terms of itself is an error, directly or in a cycle', () => {
      expect(() => scope({ a: '{{ a }}' }).render('{{ a }}')).to.throw(ExpressionError, "variable 'a' is defined in terms of itself");
      expect(() => scope({ a: '{{ b }}', b: 'x{{ a }}' }).render('{{ a }}')).to.throw(ExpressionError, /defined in terms of itself/);
      expect(scope({ a: '{{ b }}', b: 2 }).render('{{ a + a }}')).to.equal(4);
    });

    it('higher layers win', () => {
      expect(scope({ x: 'low' }, { x: 'high' }).render('{{ x }}')).to.equal('high');
      expect(scope({ x: 'low', y: '{{ x }}' }, { x: 'high' }).render('{{ y }}')).to.equal('high');
    });

    it('vars: every variable, templated on access; also seen from JavaScript', () => {
      const ev = scope({ a: '{{ b * 2 }}', b: 21 });
      expect(ev.render('{{ vars.a }}')).to.equal(42);
      expect(ev.render("{{ vars['b'] }}")).to.equal(21);
      expect(ev.render("{{ 'a' in vars }}")).to.equal(true);
      expect(ev.varsObject().a).to.equal(42);
      expect(Object.keys(ev.varsObject()).sort()).to.deep.equal(['a', 'b']);
    });

    it("hostvars: each host's variables, templated in that host's own scope", () => {
      const hosts: Record<string, Record<string, unknown>> = {
        db1: { inventory_hostname: 'db1', port: 5432, url: '{{ inventory_hostname }}:{{ port }}' },
        db2: { inventory_hostname: 'db2', port: 5433, url: '{{ inventory_hostname }}:{{ port }}' },
      };
      const hostvars = hostvarsMapping((h) => (hosts[h] ? scopeOf(h) : undefined), () => Object.keys(hosts));
      const scopeOf = (h: string) => scope(hosts[h]!, { hostvars });
      const ev = scopeOf('db1');
      expect(ev.render("{{ hostvars['db2'].url }}")).to.equal('db2:5433');
      expect(ev.render('{{ hostvars.db1.port }}')).to.equal(5432);
      expect(ev.render("{{ 'db2' in hostvars }}")).to.equal(true);
      expect(ev.render("{{ 'db3' in hostvars }}")).to.equal(false);
      expect(ev.render("{{ hostvars['db2'].missing | default('none') }}")).to.equal('none');
      expect((ev.varsObject().hostvars as Record<string, Record<string, unknown>>).db2!.url).to.equal('db2:5433');
    });
  });

  describe('host data is data', () => {
    const hostile = "{{ lookup('pipe', 'id > pwned') }}{% for x in range(3) %}x{% endfor %}";

    it('a value in a data layer (registered result, fact, loop item) is never templated again', () => {
      const ev = scope({ greeting: 'hi' }, dataLayer({ r: { stdout: hostile, stdout_lines: [hostile] }, fact: '{{ greeting }}' }));
      expect(ev.render('{{ r.stdout }}')).to.equal(hostile);
      expect(ev.render('{{ r.stdout_lines | length }}')).to.equal(1);
      expect(ev.render('out: {{ r.stdout }}')).to.equal(`out: ${hostile}`);
      expect(ev.render('{{ fact }}')).to.equal('{{ greeting }}');
      expect(ev.varsObject().fact).to.equal('{{ greeting }}');
      // A variable defined by the playbook in terms of host data gets the data as it is.
      expect(scope(dataLayer({ r: { stdout: hostile } }), { shown: '{{ r.stdout }}' }).render('{{ shown }}')).to.equal(hostile);
    });
  });

  describe('test (when)', () => {
    const ev = scope({ n: 3, s: 'primary' });

    it('bare expressions, booleans, lists (all must hold) and {{ }}-wrapped expressions', () => {
      expect(ev.test('n > 2')).to.equal(true);
      expect(ev.test("s == 'standby'")).to.equal(false);
      expect(ev.test(true)).to.equal(true);
      expect(ev.test(false)).to.equal(false);
      expect(ev.test([])).to.equal(true);
      expect(ev.test(['n > 2', "s == 'primary'"])).to.equal(true);
      expect(ev.test(['n > 2', 'n > 5'])).to.equal(false);
      expect(ev.test('{{ n == 3 }}')).to.equal(true);
      expect(ev.test('n')).to.equal(true);
      expect(ev.test("''")).to.equal(false);
      expect(ev.test('nope is not defined')).to.equal(true);
    });

    it('an undefined variable in a condition is an error, not false', () => {
      expect(() => ev.test('nope > 1')).to.throw(UndefinedError);
    });
  });

  it('hints for JavaScript habits, at load time and at run time', () => {
    expect(expressionHint("a === 'b'")).to.equal('Jinja2 compares with == and !=');
    expect(expressionHint('a && !b')).to.equal('Jinja2 says and, or, not');
    expect(expressionHint("vars.x ?? 'd'")).to.match(/default\(y\)/);
    expect(expressionHint('xs.map(x => x.name)')).to.match(/no functions/);
    expect(expressionHint("a ? 'x' : 'y'")).to.match(/ternary/);
    expect(expressionHint('a != b')).to.match(/^expressions are Jinja2/);
    expect(() => scope({ xs: [1] }).render('{{ xs.length }}')).to.throw(UndefinedError, /'xs.length' is undefined .*in Jinja2: x \| length/);
  });

  it('hasTemplate and stringify', () => {
    expect(hasTemplate('a {{ b }}')).to.equal(true);
    expect(hasTemplate('{% if x %}y{% endif %}')).to.equal(true);
    expect(hasTemplate(['x', { y: '{{ z }}' }])).to.equal(true);
    expect(hasTemplate({ y: 'z' })).to.equal(false);
    expect(hasTemplate(5)).to.equal(false);
    expect(stringify(undefined)).to.equal('');
    expect(stringify(null)).to.equal('');
    expect(stringify({ a: [1] })).to.equal("{'a': [1]}");
    expect(stringify(false)).to.equal('False');
  });
});
