// Ansible's INI inventory format: sections, children declared later, inline host variables read
// as Python literals, [g:vars] values, ranges and ports, shlex splitting, and its errors.
import { expect } from 'chai';
import type { SourceProblem } from '../../../engine/errors.js';
import { iniValue, parseIniInventory, shlexSplit } from '../../../engine/inventory/ini.js';

const parse = (text: string) => {
  const problems: SourceProblem[] = [];
  const inv = parseIniInventory(text, 'hosts', problems);
  return { inv, problems };
};

describe('inventory/ini', () => {
  it('splits host lines as shlex.split(comments=True) does', () => {
    expect(shlexSplit(`h1 a=1 b="x y" c='it''s' d=a\\ b # comment`)).to.deep.equal(['h1', 'a=1', 'b=x y', 'c=its', 'd=a b']);
    expect(shlexSplit('h1 x=a#b')).to.deep.equal(['h1', 'x=a']);
    expect(shlexSplit(`h "a\\"b\\\\c\\d" 'e\\f' ""`)).to.deep.equal(['h', 'a"b\\c\\d', 'e\\f', '']);
    expect(() => shlexSplit('h x="open')).to.throw('No closing quotation');
  });

  it('reads groups, hosts before any section as ungrouped, children declared further down, vars', () => {
    const { inv, problems } = parse(`
# comment
loose.example.com
; another comment
[db:children]
primary
replicas

[primary]
db1 ansible_host=10.0.0.1 ansible_port=2222 pg_version=15 tags="[1, 2]"

[replicas]
db[2:3]:2200 sync=True
[db:vars]
pg_port = 5432
owner=postgres admin
quoted = "5432"
[all:vars]
ansible_user=root
`);
    expect(problems).to.deep.equal([]);
    expect(inv.groups.get('ungrouped')!.hosts).to.deep.equal(['loose.example.com']);
    expect(inv.groups.get('db')!.children).to.deep.equal(['primary', 'replicas']);
    expect(inv.groups.get('replicas')!.hosts).to.deep.equal(['db2', 'db3']);
    expect(inv.hosts.get('db1')).to.deep.equal({ ansible_host: '10.0.0.1', ansible_port: 2222, pg_version: 15, tags: [1, 2] });
    expect(inv.hosts.get('db3')).to.deep.equal({ ansible_port: 2200, sync: true });
    expect(inv.groups.get('db')!.vars).to.deep.equal({ pg_port: 5432, owner: 'postgres admin', quoted: '5432' });
    expect(inv.groups.get('all')!.vars).to.deep.equal({ ansible_user: 'root' });
    expect(inv.edges.map((e) => `${e.parent}>${e.child}@${e.at?.line}`)).to.deep.equal(['db>primary@6', 'db>replicas@7']);
  });

  it('reports every problem with its line and a caret, as Ansible words them', () => {
    const { problems } = parse('[g:hosts2]\n[bad name]\n[g]\nh1 novalue\nh2 x="open\nh3:\n[g:vars]\njustaname\n[p:children]\nnowhere\n[lonely:vars]\na=1\n');
    expect(problems.map((p) => `${p.line}:${p.col} ${p.message}`)).to.deep.equal([
      '1:1 Section [g:hosts2] has unknown type: hosts2',
      "2:1 Invalid section entry: '[bad name]'",
      '4:4 Expected key=value host variable assignment, got: novalue',
      "5:1 Error parsing host definition 'h2 x=\"open': No closing quotation",
      "6:1 Invalid host pattern 'h3:' supplied, ending in ':' is not allowed, this character is reserved to provide a port.",
      '8:1 Expected key=value, got: justaname',
      '10:1 Section [p:children] includes undefined group: nowhere',
      '11:1 Section [lonely:vars] not valid for undefined group: lonely',
    ]);
    expect(problems[2]!.sourceLine).to.equal('h1 novalue');
  });

  it('keeps text that is not a Python literal, and never quotes the lines of a decrypted file', () => {
    expect(iniValue('/var/lib/postgresql')).to.equal('/var/lib/postgresql');
    expect(iniValue('yes')).to.equal('yes');
    const problems: SourceProblem[] = [];
    parseIniInventory('[g]\nh secret_line\n', 'vault', problems, { secret: true });
    expect(problems[0]!.sourceLine).to.equal(undefined);
  });
});
