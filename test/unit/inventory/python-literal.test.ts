// INI inventory values are read as Python literals, as ast.literal_eval reads them in Ansible.
import { expect } from 'chai';
import { NOT_LITERAL, pythonLiteral } from '../../../engine/inventory/python-literal.js';

describe('inventory/python-literal', () => {
  it('reads numbers, strings, booleans, None, lists, tuples and dicts', () => {
    const cases: [string, unknown][] = [
      ['42', 42], ['-7', -7], ['1_000', 1000], ['0x1F', 31], ['0o17', 15], ['0b101', 5], ['1.5', 1.5], ['1e3', 1000], ['.5', 0.5], ['0', 0],
      ['"a b"', 'a b'], ["'it''s'", 'its'], ["'a\\nb'", 'a\nb'], ['"\\x41\\u00e9"', 'Aé'], ['u"x"', 'x'],
      ['True', true], ['False', false], ['None', null],
      ['[1, "two", [3]]', [1, 'two', [3]]], ['(1, 2)', [1, 2]], ['(1,)', [1]], ['(5)', 5], ['[]', []],
      ['{"a": 1, \'b\': [2]}', { a: 1, b: [2] }], ['{1: "x"}', { 1: 'x' }], ['{}', {}],
    ];
    for (const [text, value] of cases) expect(pythonLiteral(text), text).to.deep.equal(value);
  });

  it('refuses what literal_eval refuses: names, leading zeros, expressions, leading spaces, open brackets', () => {
    for (const text of ['yes', 'true', 'hello world', '010', '08', '1+1', ' 1', '[1, 2', "'open", 'abc.def', '10.0.0.1', '/etc/x', '1j', '{1, 2}'])
      expect(pythonLiteral(text), text).to.equal(NOT_LITERAL);
  });
});
