// with_X items as Ansible's lookups give them (the cases ansible-core was asked in
// test/integration/loops-ansible.test.ts, plus the corners that print differently).
import { expect } from 'chai';
import { sequenceItems, withItems } from '../../../engine/playbook/with-loops.js';

describe('with_X loops', () => {
  it('items flattens one level, list none, indexed_items pairs', () => {
    expect(withItems('items', ['a', ['b', ['c']]], '/')).to.deep.equal(['a', 'b', ['c']]);
    expect(withItems('items', 'solo', '/')).to.deep.equal(['solo']);
    expect(withItems('list', ['a', ['b']], '/')).to.deep.equal(['a', ['b']]);
    expect(withItems('indexed_items', ['x', 'y'], '/')).to.deep.equal([[0, 'x'], [1, 'y']]);
  });

  it('dict, nested, together (the shorter padded with null)', () => {
    expect(withItems('dict', { a: 1 }, '/')).to.deep.equal([{ key: 'a', value: 1 }]);
    expect(() => withItems('dict', [1], '/')).to.throw('with_dict expects a dict, got a list');
    expect(withItems('nested', [['a', 'b'], [1]], '/')).to.deep.equal([['a', 1], ['b', 1]]);
    expect(withItems('together', [['a', 'b'], [1]], '/')).to.deep.equal([['a', 1], ['b', null]]);
  });

  it('subelements: nested keys, skip_missing, errors', () => {
    const users = [{ n: 'a', k: { list: [1, 2] } }, { n: 'b' }];
    expect(withItems('subelements', [users, 'k.list', { skip_missing: true }], '/')).to.deep.equal([[users[0], 1], [users[0], 2]]);
    expect(() => withItems('subelements', [users, 'k.list'], '/')).to.throw("could not find 'k.list' key");
    expect(() => withItems('subelements', [[{ k: 1 }], 'k'], '/')).to.throw('should point to a list');
  });

  it('sequence: key=value and shortcut forms, formats, hex, errors', () => {
    expect(sequenceItems('start=0 end=10 stride=5')).to.deep.equal(['0', '5', '10']);
    expect(sequenceItems('count=3 start=4')).to.deep.equal(['4', '5', '6']);
    expect(sequenceItems('count=0')).to.deep.equal([]);
    expect(sequenceItems('4:host%02d')).to.deep.equal(['host01', 'host02', 'host03', 'host04']);
    expect(sequenceItems('0x0a-0x0c:%x')).to.deep.equal(['a', 'b', 'c']);
    expect(() => sequenceItems('start=1')).to.throw('must specify count or end');
    expect(() => sequenceItems('end=3 count=2')).to.throw("can't specify both count and end");
    expect(() => sequenceItems('end=3 format=plain')).to.throw('bad formatting string');
    expect(() => sequenceItems('colour=red')).to.throw('unrecognized arguments to with_sequence');
  });
});
