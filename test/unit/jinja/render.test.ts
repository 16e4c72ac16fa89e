import { expect } from 'chai';
import { Renderer, TemplateSyntaxError, UndefinedError, absent, compileExpression, compileTemplate } from '../../../engine/jinja/index.js';

const vars: Record<string, unknown> = {
  x: 5,
  s: 'Hello World',
  l: [3, 1, 2],
  d: { b: 2, a: 1 },
  users: [{ name: 'ann', age: 31 }, { name: 'bob', age: 19 }],
  n: null,
  cfg: { port: 5432 },
};
const r = new Renderer({ resolve: (k) => (Object.prototype.hasOwnProperty.call(vars, k) ? vars[k] : absent) });

describe('jinja: rendering', () => {
  const cases: [string, unknown][] = [
    ['{{ x + 1 }}', 6],
    ['{{ x }} items', '5 items'],
    ['{{ s | lower }}', 'hello world'],
    ['{{ l | sort }}', [1, 2, 3]],
    ['{{ l | sort }}!', '[1, 2, 3]!'],
    ['{{ d }}.', "{'b': 2, 'a': 1}."],
    ['{{ d | dictsort }}.', "[('a', 1), ('b', 2)]."],
    ["{{ users | map(attribute='name') | join(',') }}", 'ann,bob'],
    ["{{ users | selectattr('age', 'gt', 20) | map(attribute='name') | list }}", ['ann']],
    ['{% for k, v in d.items() %}{{ k }}={{ v }};{% endfor %}', 'b=2;a=1;'],
    ["{{ missing | default('dflt') }}", 'dflt'],
    ["{{ cfg.prot | default(cfg.port) }}", 5432],
    ["{{ 'x' if x > 3 else 'y' }}", 'x'],
    ['{{ x is defined }} {{ nope is defined }} {{ cfg.nope is undefined }}', 'True False True'],
    ['{{ 4 / 2 }} {{ 7 // 2 }} {{ -7 % 3 }} {{ 2 ** 10 }}', '2.0 3 2 1024'],
    ["{{ '%05d|%s' % (x, s) }}", '00005|Hello World'],
    ["{{ s.split(' ') }}", ['Hello', 'World']],
    ['{{ n }}', null],
    ['{{ n }}!', '!'],
    ['{{ [n] }}!', '[None]!'],
    ['{% set ns = namespace(c=0) %}{% for i in l %}{% set ns.c = ns.c + i %}{% endfor %}{{ ns.c }}', '6'],
    ["{% macro m(a, b='B') %}[{{ a }}{{ b }}]{% endmacro %}{{ m(1) }}{{ m(2, b=3) }}", '[1B][23]'],
    ['a\n{% if true %}\nyes\n{% endif %}\nb', 'a\nyes\nb'],
    ['a  {%- if true -%}  yes  {%- endif %}  b', 'ayes  b'],
    ['{% raw %}{{ not templated }}{% endraw %}', '{{ not templated }}'],
    ['{# comment #}x', 'x'],
    ["{{ 'a' ~ 1 ~ none }}", 'a1None'],
    ['{{ [1, 2, 3][1:] }}', [2, 3]],
    ["{{ (1,) }} {{ (1, 'a') }}", "(1,) (1, 'a')"],
    ['{{ "it\'s" }} {{ [\'it\\\'s\'] }}', "it's [\"it\\\\'s\"]"],
    ["{{ {'a': [1, 2.5, true, none]} | to_json }}", '{"a": [1, 2.5, true, null]}'],
    ["{{ {'b': 1, 'a': {'c': [1, 2]}} | to_nice_json }}", '{\n    "a": {\n        "c": [\n            1,\n            2\n        ]\n    },\n    "b": 1\n}'],
    ["{{ {'b': 1, 'a': {'c': [1, 2]}} | to_yaml }}", 'a:\n  c: [1, 2]\nb: 1\n'],
    ["{{ '13' is version('9.6', '>') }} {{ '9.6' is version('10', '<') }}", 'True True'],
    ['{{ range(3) | list }}', [0, 1, 2]],
    ["{{ 3.0 }} {{ 2.5 | round }} {{ '42' | int + 1 }} {{ 'x' | int }}", '3.0 2.0 43 0'],
    ["{{ s | regex_replace('(\\w+) (\\w+)', '\\2 \\1') }}", 'World Hello'],
    ["{{ 'a.b.c' | regex_findall('[a-z]') }}", ['a', 'b', 'c']],
    ["{{ 'pg 15.4' | regex_search('(\\d+)\\.(\\d+)', '\\1') }}", ['15']],
    ["{{ {'a': 1} | combine({'b': 2}) | dict2items }}", [{ key: 'a', value: 1 }, { key: 'b', value: 2 }]],
    ['{{ [1, [2, [3]]] | flatten }}', [1, 2, 3]],
    ["{{ true | ternary('on', 'off') }}", 'on'],
    ["{{ 'a b' | quote }}", "'a b'"],
    ["{{ 'x' in ['x', 'y'] }} {{ 'z' not in 'xyz' }}", 'True False'],
    ['{% for i in [] %}x{% else %}empty{% endfor %}', 'empty'],
    ['{% for i in l %}{{ loop.index }}/{{ loop.length }}{% if not loop.last %},{% endif %}{% endfor %}', '1/3,2/3,3/3'],
    ['{% for i in l if i > 1 %}{{ i }}{% endfor %}', '32'],
    ["{{ ['b', 'A', 'c'] | sort }} {{ ['b', 'A'] | max }}", "['A', 'b', 'c'] b"],
    ['{% set t %}inner {{ x }}{% endset %}{{ t | upper }}', 'INNER 5'],
    ['{{ l | first }} {{ l | last }} {{ l | length }} {{ l | sum }} {{ l | min }}', '3 2 3 6 1'],
    ["{{ 'abc' | b64encode }} {{ 'YWJj' | b64decode }}", 'YWJj abc'],
    ["{{ 'abc' | hash('sha1') }}", 'a9993e364706816aba3e25717850c26c9cd0d89d'],
    ["{{ '/a/b/c.txt' | basename }} {{ '/a/b/c.txt' | dirname }}", 'c.txt /a/b'],
    ["{{ ['a', 'b'] | zip([1, 2]) | list }}", [['a', 1], ['b', 2]]],
    ["{{ 'yes' | bool }} {{ 'no' | bool }}", 'True False'],
    ["{{ 'line1\nline2' | indent(2) }}", 'line1\n  line2'],
    ["{{ x | string }} {{ '{:>4}'.format(x) }}", '5    5'],
  ];
  for (const [template, want] of cases) {
    it(template, () => {
      expect(r.renderValue(template)).to.deep.equal(want);
    });
  }
});

describe('jinja: undefined is an error at any depth', () => {
  it('names the undefined variable', () => {
    expect(() => r.renderValue('{{ nothing }}')).to.throw(UndefinedError, "'nothing' is undefined");
  });
  it('names the missing attribute and its path', () => {
    expect(() => r.renderValue('{{ cfg.prot }}')).to.throw(UndefinedError, "'cfg.prot' is undefined ('dict object' has no attribute 'prot')");
  });
  it('fails comparisons and conditions on undefined', () => {
    expect(() => r.test('cfg.prot == 1')).to.throw(UndefinedError);
    expect(() => r.test('nothing')).to.throw(UndefinedError);
  });
  it('index out of range is undefined', () => {
    expect(() => r.renderValue('{{ l[7] }}')).to.throw(UndefinedError, "has no element 7");
  });
});

describe('jinja: the evaluator reaches only data', () => {
  for (const expr of ['s.constructor', 'd.__proto__', "d['constructor']", 'l.constructor.constructor', 's.__class__', 'x.toString', 'l.map', "''.constructor"]) {
    it(`${expr} is undefined`, () => {
      expect(r.test(`${expr} is undefined`)).to.equal(true);
    });
  }
  it('cannot call what is not a template callable', () => {
    expect(() => r.renderValue("{{ d.get.call(1) }}")).to.throw();
    expect(() => r.renderValue('{{ s.constructor("x") }}')).to.throw(UndefinedError);
  });
});

describe('jinja: syntax errors', () => {
  const bad: [string, RegExp][] = [
    ['x ==== 2', /unexpected '=='/],
    ['x |', /expected a name, got end of expression/],
    ['foo(', /unexpected|expected/],
    ['a b', /unexpected 'b'/],
  ];
  for (const [expr, msg] of bad) {
    it(`bare ${expr}`, () => {
      expect(() => compileExpression(expr)).to.throw(TemplateSyntaxError, msg);
    });
  }
  it('unclosed blocks and unknown tags', () => {
    expect(() => compileTemplate('{% if x %}yes')).to.throw(TemplateSyntaxError, /expected '\{% elif %\}' or '\{% else %\}' or '\{% endif %\}'/);
    expect(() => compileTemplate('{% extends "base" %}')).to.throw(TemplateSyntaxError, /not supported/);
    expect(() => compileTemplate('{{ x }')).to.throw(TemplateSyntaxError);
  });
  it('gives the column of the error', () => {
    try {
      compileExpression('x == == 2');
      expect.fail();
    } catch (e) {
      expect((e as TemplateSyntaxError).where()).to.deep.equal({ line: 1, col: 6 });
    }
  });
});
