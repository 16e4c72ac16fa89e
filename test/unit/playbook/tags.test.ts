import { expect } from 'chai';
import { splitTagArgs, type TagFilter, tagsSelect } from '../../../engine/playbook/tags.js';

const f = (only: string[] = [], skip: string[] = []): TagFilter => ({ only, skip });

describe('tag selection', () => {
  it('without --tags everything runs but never-tagged tasks', () => {
    expect(tagsSelect([], f())).to.equal(true);
    expect(tagsSelect(['a'], f())).to.equal(true);
    expect(tagsSelect(['always'], f())).to.equal(true);
    expect(tagsSelect(['never'], f())).to.equal(false);
    expect(tagsSelect(['never', 'debug'], f())).to.equal(false);
  });

  it('--tags runs the tasks with one of the tags, and always-tagged ones', () => {
    expect(tagsSelect(['a'], f(['a']))).to.equal(true);
    expect(tagsSelect(['a', 'b'], f(['b', 'c']))).to.equal(true);
    expect(tagsSelect(['b'], f(['a']))).to.equal(false);
    expect(tagsSelect([], f(['a']))).to.equal(false);
    expect(tagsSelect(['always'], f(['a']))).to.equal(true);
    expect(tagsSelect(['always', 'x'], f(['a']))).to.equal(true);
  });

  it('never-tagged tasks run only when one of their other tags, or never, is asked for', () => {
    expect(tagsSelect(['never', 'debug'], f(['debug']))).to.equal(true);
    expect(tagsSelect(['never', 'debug'], f(['never']))).to.equal(true);
    expect(tagsSelect(['never'], f(['never']))).to.equal(true);
    expect(tagsSelect(['never', 'debug'], f(['all']))).to.equal(false);
    expect(tagsSelect(['never', 'debug'], f(['tagged']))).to.equal(false);
    expect(tagsSelect(['never', 'debug'], f(['debug'], ['debug']))).to.equal(false);
  });

  it('tagged, untagged and all', () => {
    expect(tagsSelect(['a'], f(['tagged']))).to.equal(true);
    expect(tagsSelect([], f(['tagged']))).to.equal(false);
    expect(tagsSelect([], f(['untagged']))).to.equal(true);
    expect(tagsSelect(['a'], f(['untagged']))).to.equal(false);
    expect(tagsSelect(['a'], f(['all']))).to.equal(true);
    expect(tagsSelect([], f(['all']))).to.equal(true);
  });

  it('--skip-tags wins over --tags and over always, by name', () => {
    expect(tagsSelect(['a'], f([], ['a']))).to.equal(false);
    expect(tagsSelect(['a', 'b'], f(['a'], ['b']))).to.equal(false);
    expect(tagsSelect(['always'], f([], ['always']))).to.equal(false);
    expect(tagsSelect(['always'], f(['a'], ['always']))).to.equal(false);
    expect(tagsSelect(['always', 'x'], f([], ['x']))).to.equal(false);
    expect(tagsSelect([], f([], ['a']))).to.equal(true);
  });

  it('--skip-tags tagged / untagged', () => {
    expect(tagsSelect(['a'], f([], ['tagged']))).to.equal(false);
    expect(tagsSelect([], f([], ['tagged']))).to.equal(true);
    expect(tagsSelect([], f([], ['untagged']))).to.equal(false);
    expect(tagsSelect(['a'], f([], ['untagged']))).to.equal(true);
  });

  it('splits repeated comma lists', () => {
    expect(splitTagArgs(['a,b', ' c , ,d', ''])).to.deep.equal(['a', 'b', 'c', 'd']);
    expect(splitTagArgs([])).to.deep.equal([]);
  });
});
