import { expect } from 'chai';
import { join } from 'node:path';
import { UsageError } from '../../../engine/errors.js';
import { parseExtraVars } from '../../../cli/extra-vars.js';
import { playbookDir, removePlaybookDirs } from '../../support/cli.js';

describe('--extra-vars', () => {
  after(removePlaybookDirs);

  it('k=v pairs are strings; quotes keep spaces; templates stay whole', () => {
    expect(parseExtraVars(['a=1 b="two words" c=\'x y\' d={{ e }}'])).to.deep.equal({ a: '1', b: 'two words', c: 'x y', d: '{{ e }}' });
    expect(parseExtraVars(['path=/srv/{{ inventory_hostname }}/data'])).to.deep.equal({ path: '/srv/{{ inventory_hostname }}/data' });
  });

  it('inline JSON and YAML keep their types', () => {
    expect(parseExtraVars(['{"n": 5, "list": [1, "a"], "obj": {"x": true}}'])).to.deep.equal({ n: 5, list: [1, 'a'], obj: { x: true } });
    expect(parseExtraVars(['---\nport: 5433\nenabled: yes\n'])).to.deep.equal({ port: 5433, enabled: true });
  });

  it('@file reads YAML or JSON; keys are taken as written (n: is a name)', () => {
    const dir = playbookDir({ 'vars.yml': 'n: 7\ny: n\non: 1\nlist: [a, b]\n', 'vars.json': '{"j": {"k": null}}', 'empty.yml': '' });
    expect(parseExtraVars([`@${join(dir, 'vars.yml')}`])).to.deep.equal({ n: 7, y: 'n', on: 1, list: ['a', 'b'] });
    expect(parseExtraVars([`@${join(dir, 'vars.json')}`])).to.deep.equal({ j: { k: null } });
    expect(parseExtraVars([`@${join(dir, 'empty.yml')}`])).to.deep.equal({});
  });

  it('later values win', () => {
    expect(parseExtraVars(['a=1 b=1', '{"b": 2, "c": 2}', 'c=3'])).to.deep.equal({ a: '1', b: 2, c: '3' });
  });

  it('refuses what is not a mapping of variables, saying where', () => {
    const dir = playbookDir({ 'list.yml': '- a\n- b\n', 'broken.yml': 'a: [1,\n' });
    expect(() => parseExtraVars(['just text'])).to.throw(UsageError, "--extra-vars: expected key=value pairs, inline YAML/JSON or @file, got 'just text'");
    expect(() => parseExtraVars([`@${join(dir, 'nope.yml')}`])).to.throw(UsageError, /cannot read .*nope\.yml: ENOENT/);
    expect(() => parseExtraVars([`@${join(dir, 'list.yml')}`])).to.throw(UsageError, /must be a mapping of variables/);
    expect(() => parseExtraVars([`@${join(dir, 'broken.yml')}`])).to.throw(UsageError, /broken\.yml:\d+:\d+: YAML syntax error/);
    expect(() => parseExtraVars(['{"a": '])).to.throw(UsageError, /--extra-vars:1:\d+: YAML syntax error/);
  });
});
