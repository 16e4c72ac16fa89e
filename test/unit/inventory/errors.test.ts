import { expect } from 'chai';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { ValidationError } from '../../../engine/errors.js';
import { loadInventory } from '../../../engine/inventory/index.js';
import { removeTrees, tree } from './temp-tree.js';

/** Loads an inventory that must fail and returns its problems as `line:col message` lines. */
function problems(files: Record<string, string>, file = 'inv.yml'): { where: string; message: string; hint?: string; text: string }[] {
  const dir = tree(files);
  try {
    loadInventory(join(dir, file));
  } catch (e) {
    expect(e).to.be.instanceOf(ValidationError);
    const err = e as ValidationError;
    return err.problems.map((p) => ({ where: `${p.file.split('/').pop()}:${p.line}:${p.col}`, message: p.message, hint: p.hint, text: err.message }));
  }
  throw new Error('the inventory loaded without an error');
}

describe('inventory: errors', () => {
  after(removeTrees);

  it('reports a missing inventory', () => {
    expect(() => loadInventory('/nonexistent/tsplay/inv.yml')).to.throw(ValidationError, /inventory not found/);
  });

  it('reads an empty directory as an empty inventory, as Ansible does', () => {
    const dir = tree({});
    mkdirSync(join(dir, 'inv'));
    expect([...loadInventory(join(dir, 'inv')).hosts.keys()]).to.deep.equal([]);
  });

  it('reports every structural problem at once, each at its line and column', () => {
    const found = problems({
      'inv.yml': [
        'all:', //                         1
        '  hosts:', //                     2
        '    web1:', //                    3
        '  webservers:', //                4  unknown key
        '    hosts: {w: {}}', //           5
        '  children:', //                  6
        '    db:', //                      7
        '      hosts: [db1, db2]', //      8  hosts as a list
        '    cache:', //                   9
        '      vars: memcached', //        10 vars not a mapping
        '      hosts:', //                 11
        '        c1: 10.0.0.9', //         12 host vars not a mapping
        '',
      ].join('\n'),
    });
    expect(found.map((p) => p.where)).to.deep.equal(['inv.yml:4:3', 'inv.yml:8:14', 'inv.yml:10:13', 'inv.yml:12:13']);
    expect(found[0]!.message).to.equal("unknown key 'webservers' in group 'all'");
    expect(found[0]!.hint).to.equal("'webservers' looks like a group: list it under children: of 'all'");
    expect(found[1]!.message).to.equal("'hosts' of group 'db' must be a mapping, found a list");
    expect(found[1]!.hint).to.contain('db1: {}, db2: {}');
    expect(found[2]!.message).to.match(/'vars' of group 'cache' must be a mapping, found string 'memcached'/);
    expect(found[3]!.message).to.match(/variables of host 'c1' must be a mapping/);
    // The message shows the offending line with a caret under the column.
    expect(found[0]!.text).to.contain('4 |   webservers:\n');
  });

  it('hints where an unknown key in a group belongs', () => {
    const [p] = problems({ 'inv.yml': 'all:\n  hosts:\n    h:\n  ansible_user: admin\n' });
    expect(p!.where).to.equal('inv.yml:4:3');
    expect(p!.hint).to.match(/only hosts, vars and children.*vars: \(vars: \{ansible_user: \.\.\.\}\)/);
  });

  it('reports a group that is its own ancestor, at the entry closing the loop', () => {
    const found = problems({
      'inv.yml': ['all:', '  children:', '    a:', '      children:', '        b:', '          children:', '            a:', ''].join('\n'),
    });
    expect(found).to.have.length(1);
    expect(found[0]!.where).to.equal('inv.yml:7:13');
    expect(found[0]!.message).to.equal("group 'a' is its own ancestor: a → b → a");
    expect(found[0]!.hint).to.equal("remove 'a' from the children of 'b'");
  });

  it('reports a cycle spread over separate definitions of the groups', () => {
    const found = problems({ 'inv.yml': 'x:\n  children:\n    y:\ny:\n  children:\n    x:\n' });
    expect(found.map((p) => [p.where, p.message])).to.deep.equal([['inv.yml:6:5', "group 'x' is its own ancestor: x → y → x"]]);
  });

  it("refuses 'all' as a child group", () => {
    const found = problems({ 'inv.yml': 'web:\n  children:\n    all:\n' });
    expect(found.map((p) => [p.where, p.message])).to.deep.equal([['inv.yml:3:5', "group 'all' cannot be a child of 'web'"]]);
  });

  it('reports bad host ranges', () => {
    const found = problems({ 'inv.yml': "all:\n  hosts:\n    web[01:5]:\n    db[3:1]:\n    'x[1:2':\n" });
    expect(found.map((p) => p.where)).to.deep.equal(['inv.yml:3:5', 'inv.yml:4:5', 'inv.yml:5:5']);
    expect(found[0]!.message).to.match(/same number of digits/);
    expect(found[1]!.message).to.match(/runs backwards/);
    expect(found[2]!.message).to.match(/without '\]'/);
  });

  it('reports YAML syntax errors and a non-mapping inventory', () => {
    expect(problems({ 'inv.yml': 'all:\n  hosts:\n    a: {b: 1\n' })[0]!.message).to.match(/^YAML syntax error/);
    const ini = problems({ 'inv.yml': '- web1\n- web2\n' });
    expect(ini[0]!.where).to.equal('inv.yml:1:1');
    expect(ini[0]!.message).to.match(/must be a mapping of groups, found a list/);
  });

  it('reports problems in group_vars and host_vars files with their own positions', () => {
    const found = problems({
      'inv.yml': 'all:\n  hosts:\n    h1:\n  children:\n    web:\n      hosts:\n        h1:\n',
      'group_vars/web/main.yml': '- not\n- a mapping\n',
      'host_vars/h1.yml': 'a: 1\na: 2\n',
    });
    expect(found.map((p) => p.where)).to.deep.equal(['main.yml:1:1', 'h1.yml:2:1']);
    expect(found[0]!.message).to.match(/variables for 'web' must be a mapping/);
    expect(found[1]!.message).to.match(/^YAML syntax error: Map keys must be unique/);
  });
});
