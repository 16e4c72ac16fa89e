import { expect } from 'chai';
import { UndefinedVariableError } from '../../engine/errors.js';
import { Evaluator, ExpressionError, hasTemplate, stringify } from '../../engine/expressions.js';
import { hostvarsObject, LayeredVars } from '../../engine/runner/host-vars.js';

const scope = (...layers: Record<string, unknown>[]) => new Evaluator(new LayeredVars(layers));

describe('expressions', () => {
  describe('render', () => {
    const ev = scope({ port: 5432, name: 'db', list: [1, 2], flag: false, nothing: null });

    it('a string that is one {{ expr }} keeps the value\'s type', () => {
      expect(ev.render('{{ port }}')).to.equal(5432);
      expect(ev.render('  {{ port + 1 }}  ')).to.equal(5433);
      expect(ev.render('{{ list }}')).to.deep.equal([1, 2]);
      expect(ev.render('{{ flag }}')).to.equal(false);
      expect(ev.render('{{ nothing }}')).to.equal(null);
      expect(ev.render('{{ ({ a: port }) }}')).to.deep.equal({ a: 5432 });
      expect(ev.render('{{ list.map((x) => x * 10) }}')).to.deep.equal([10, 20]);
    });

    it('text around or between templates interpolates into a string', () => {
      expect(ev.render('port={{ port }}')).to.equal('port=5432');
      expect(ev.render('{{ name }}:{{ port }}')).to.equal('db:5432');
      expect(ev.render('{{ name }}{{ port }}')).to.equal('db5432');
      expect(ev.render('list={{ list }} none={{ nothing }}.')).to.equal('list=[1,2] none=.');
      expect(ev.render('no template')).to.equal('no template');
    });

    it('renders deeply through lists and mappings, leaving other values alone', () => {
      expect(ev.render({ a: ['{{ port }}', { b: 'x{{ name }}' }], n: 1, t: true })).to.deep.equal({ a: [5432, { b: 'xdb' }], n: 1, t: true });
    });

    it('JavaScript globals are available, assignments are not', () => {
      expect(ev.render('{{ Math.max(port, 6000) }}')).to.equal(6000);
      expect(ev.render('{{ JSON.stringify({ p: port }) }}')).to.equal('{"p":5432}');
      expect(() => ev.render('{{ port = 1 }}')).to.throw(ExpressionError, /cannot assign/);
    });

    it('a syntax error names the expression', () => {
      expect(() => ev.render('{{ port + }}')).to.throw(ExpressionError, /invalid expression 'port \+'/);
    });

    it('a runtime error names the expression', () => {
      expect(() => ev.render('{{ nothing.length }}')).to.throw(ExpressionError, /error in expression 'nothing.length'/);
    });
  });

  describe('variables', () => {
    it('an undefined variable throws an error that names it', () => {
      const ev = scope({ a: 1 });
      const err = (() => {
        try {
          ev.render('{{ a + missing_one }}');
        } catch (e) {
          return e;
        }
      })();
      expect(err).to.be.instanceOf(UndefinedVariableError);
      expect((err as UndefinedVariableError).variable).to.equal('missing_one');
      expect((err as Error).message).to.equal("undefined variable 'missing_one'");
      // Names the innermost undefined variable, reached through another.
      expect(() => scope({ b: '{{ c }}' }).render('{{ b }}')).to.throw(UndefinedVariableError, "'c'");
    });

    it('variables are templated lazily, when used, in terms of others', () => {
      const ev = scope({ base: '/srv/{{ host }}', data: '{{ base }}/data', port: '{{ base_port + 1 }}' }, { host: 'db1', base_port: 5432 });
      expect(ev.render('{{ data }}')).to.equal('/srv/db1/data');
      expect(ev.get('port')).to.equal(5433);
      // An unused variable that would fail does not matter.
      expect(scope({ broken: '{{ nope }}', ok: 1 }).render('{{ ok }}')).to.equal(1);
    });

    it('a variable defined in terms of itself is an error, directly or in a cycle', () => {
      expect(() => scope({ a: '{{ a }}' }).render('{{ a }}')).to.throw(ExpressionError, "variable 'a' is defined in terms of itself");
      expect(() => scope({ a: '{{ b }}', b: 'x{{ a }}' }).render('{{ a }}')).to.throw(ExpressionError, /defined in terms of itself/);
      // The same variable twice in one expression is not a cycle.
      expect(scope({ a: '{{ b }}', b: 2 }).render('{{ a + a }}')).to.equal(4);
    });

    it('higher layers win', () => {
      expect(scope({ x: 'low' }, { x: 'high' }).render('{{ x }}')).to.equal('high');
      expect(scope({ x: 'low', y: '{{ x }}' }, { x: 'high' }).render('{{ y }}')).to.equal('high');
    });

    it('vars.x ?? default and defined(x) test for a variable without failing', () => {
      const ev = scope({ present: 0, empty: null });
      expect(ev.render("{{ vars.absent ?? 'd' }}")).to.equal('d');
      expect(ev.render("{{ vars.present ?? 'd' }}")).to.equal(0);
      expect(ev.render("{{ vars.empty ?? 'd' }}")).to.equal('d');
      expect(ev.render("{{ defined('present') }}")).to.equal(true);
      expect(ev.render("{{ defined('absent') }}")).to.equal(false);
      expect(ev.render("{{ 'present' in vars }}")).to.equal(true);
      expect(Object.keys(ev.varsObject()).sort()).to.deep.equal(['empty', 'present']);
    });

    it('vars templates its values on access', () => {
      const ev = scope({ a: '{{ b * 2 }}', b: 21 });
      expect(ev.render('{{ vars.a }}')).to.equal(42);
      expect((ev.varsObject() as Record<string, unknown>).a).to.equal(42);
    });

    it("hostvars: each host's variables, templated in that host's own scope", () => {
      const hosts: Record<string, Record<string, unknown>> = {
        db1: { inventory_hostname: 'db1', port: 5432, url: '{{ inventory_hostname }}:{{ port }}' },
        db2: { inventory_hostname: 'db2', port: 5433, url: '{{ inventory_hostname }}:{{ port }}' },
      };
      let hostvars: Record<string, unknown> = {};
      const scopeOf = (h: string) => (hosts[h] ? scope(hosts[h]!, { hostvars }) : undefined);
      hostvars = hostvarsObject(scopeOf);
      const ev = scopeOf('db1')!;
      expect(ev.render("{{ hostvars['db2'].url }}")).to.equal('db2:5433');
      expect(ev.render('{{ hostvars.db1.port }}')).to.equal(5432);
      expect(ev.render("{{ 'db2' in hostvars }}")).to.equal(true);
      expect(ev.render("{{ 'db3' in hostvars }}")).to.equal(false);
      expect(ev.render("{{ hostvars['db2'].missing ?? 'none' }}")).to.equal('none');
    });
  });

  describe('test (when)', () => {
    const ev = scope({ n: 3, s: 'primary' });

    it('bare expressions, booleans, lists (all must hold) and {{ }}-wrapped expressions', () => {
      expect(ev.test('n > 2')).to.equal(true);
      expect(ev.test("s === 'standby'")).to.equal(false);
      expect(ev.test(true)).to.equal(true);
      expect(ev.test(false)).to.equal(false);
      expect(ev.test([])).to.equal(true);
      expect(ev.test(['n > 2', "s === 'primary'"])).to.equal(true);
      expect(ev.test(['n > 2', 'n > 5'])).to.equal(false);
      expect(ev.test('{{ n === 3 }}')).to.equal(true);
      expect(ev.test('n')).to.equal(true);
      expect(ev.test("''")).to.equal(false);
    });

    it('an undefined variable in a condition is an error, not false', () => {
      expect(() => ev.test('nope > 1')).to.throw(UndefinedVariableError);
    });
  });

  it('hasTemplate and stringify', () => {
    expect(hasTemplate('a {{ b }}')).to.equal(true);
    expect(hasTemplate(['x', { y: '{{ z }}' }])).to.equal(true);
    expect(hasTemplate({ y: 'z' })).to.equal(false);
    expect(hasTemplate(5)).to.equal(false);
    expect(stringify(undefined)).to.equal('');
    expect(stringify(null)).to.equal('');
    expect(stringify({ a: [1] })).to.equal('{"a":[1]}');
    expect(stringify(false)).to.equal('false');
  });
});
