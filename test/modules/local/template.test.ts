// template for real: EJS rendered with host vars, put on a temp file through LocalConnection.
import { expect } from 'chai';
import { chmodSync, lstatSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import template from '../../../modules/template.js';
import type { Change } from '../../../engine/module-api.js';
import { runLocal } from './local-run.js';

describe('template (local runs)', () => {
  let dir = '';
  let playbooks = '';
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'tsplay-template-'));
    playbooks = join(dir, 'project', 'playbooks');
    mkdirSync(join(playbooks, 'templates'), { recursive: true });
    mkdirSync(join(dir, 'project', 'templates'));
    writeFileSync(join(playbooks, 'templates', 'pgpool.conf.ejs'), "port = <%- port %>\nbackend_hostname0 = '<%- hosts[0] %>'\n<% if (ssl) { %>ssl = on\n<% } %>");
    writeFileSync(join(dir, 'project', 'templates', 'shared.ejs'), 'shared <%- name %>\n');
    writeFileSync(join(playbooks, 'beside.ejs'), 'beside\n');
    writeFileSync(join(playbooks, 'templates', 'escaped.ejs'), 'raw <%- v %> escaped <%= v %>\n');
    writeFileSync(join(playbooks, 'templates', 'missing.ejs'), 'a\nb = <%- nosuch %>\n');
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const vars = { port: 9999, hosts: ['10.0.0.1'], ssl: true, name: 'x', v: "a'<b>&" };

  it('renders with the host variables, writes, then finds nothing to do', async () => {
    const dest = join(dir, 'pgpool.conf');
    const r = await runLocal(template, { src: 'pgpool.conf.ejs', dest, mode: '0640' }, { vars, baseDir: playbooks });
    expect(r.checkRoundTrips).to.equal(1);
    expect((r.first as Change).description).to.equal(`create ${dest}`);
    expect(r.second?.changed).to.equal(false);
    expect(readFileSync(dest, 'utf8')).to.equal("port = 9999\nbackend_hostname0 = '10.0.0.1'\nssl = on\n");
    expect(statSync(dest).mode & 0o7777).to.equal(0o640);
  });

  it('shows the diff and writes nothing in check mode', async () => {
    const dest = join(dir, 'pgpool.conf');
    writeFileSync(dest, 'port = 5432\n');
    const r = await runLocal(template, { src: 'pgpool.conf.ejs', dest }, { vars, baseDir: playbooks, checkMode: true });
    expect((r.first as Change).diffs).to.deep.equal([{ path: dest, before: 'port = 5432\n', after: "port = 9999\nbackend_hostname0 = '10.0.0.1'\nssl = on\n" }]);
    expect(readFileSync(dest, 'utf8')).to.equal('port = 5432\n');
  });

  it('keeps the mode of a file it replaces', async () => {
    const dest = join(dir, 'pgpool.conf');
    writeFileSync(dest, 'old\n');
    chmodSync(dest, 0o600);
    await runLocal(template, { src: 'pgpool.conf.ejs', dest }, { vars, baseDir: playbooks });
    expect(statSync(dest).mode & 0o7777).to.equal(0o600);
  });

  it('finds templates in ../templates/ and beside the playbook', async () => {
    const a = join(dir, 'a');
    const b = join(dir, 'b');
    await runLocal(template, { src: 'shared.ejs', dest: a }, { vars, baseDir: playbooks });
    await runLocal(template, { src: 'beside.ejs', dest: b }, { vars, baseDir: playbooks });
    expect(readFileSync(a, 'utf8')).to.equal('shared x\n');
    expect(readFileSync(b, 'utf8')).to.equal('beside\n');
  });

  it('<%- inserts raw, <%= HTML-escapes', async () => {
    const dest = join(dir, 'e');
    await runLocal(template, { src: 'escaped.ejs', dest }, { vars, baseDir: playbooks });
    expect(readFileSync(dest, 'utf8')).to.equal("raw a'<b>& escaped a&#39;&lt;b&gt;&amp;\n");
  });

  it('names the template, the line and the variable when one is missing', async () => {
    await runLocal(template, { src: 'missing.ejs', dest: join(dir, 'm') }, { vars, baseDir: playbooks }).then(
      () => expect.fail('should fail'),
      (e: Error) => {
        expect(e.name).to.equal('ModuleError');
        expect(e.message.split('\n')[0]).to.equal(`template ${join(playbooks, 'templates', 'missing.ejs')} line 2: undefined variable 'nosuch'`);
      },
    );
  });

  it('a template that is not UTF-8 is an error naming the file, not a silent U+FFFD', async () => {
    const file = join(playbooks, 'templates', 'latin1.ejs');
    writeFileSync(file, Buffer.from('caf\xe9 = <%- port %>\n', 'latin1'));
    const dest = join(dir, 'out.conf');
    await runLocal(template, { src: 'latin1.ejs', dest }, { vars, baseDir: playbooks }).then(
      () => expect.fail('should fail'),
      (e: Error) => expect(e.message).to.match(new RegExp(`^template ${file} is not valid UTF-8 \\(byte 0xe9 at line 1, column 4\\)`)),
    );
  });

  for (const [encoding, text, bytes] of [
    ['latin1', 'café', [0x63, 0x61, 0x66, 0xe9]],
    ['cp1251', 'Привет', [0xcf, 0xf0, 0xe8, 0xe2, 0xe5, 0xf2]],
    ['koi8-r', 'Привет', [0xf0, 0xd2, 0xc9, 0xd7, 0xc5, 0xd4]],
  ] as const) {
    it(`output_encoding: ${encoding} writes the rendered text in that encoding (and finds nothing to do again)`, async () => {
      writeFileSync(join(playbooks, 'templates', 'word.ejs'), `<%- word %>\n`);
      const dest = join(dir, `${encoding}.txt`);
      const r = await runLocal(template, { src: 'word.ejs', dest, output_encoding: encoding }, { vars: { word: text }, baseDir: playbooks });
      expect(r.second?.changed).to.equal(false);
      expect([...readFileSync(dest)]).to.deep.equal([...bytes, 0x0a]);
    });
  }

  it('output_encoding: a character the encoding lacks is an error naming it', async () => {
    writeFileSync(join(playbooks, 'templates', 'word.ejs'), `<%- word %>\n`);
    await runLocal(template, { src: 'word.ejs', dest: join(dir, 'x'), output_encoding: 'koi8-r' }, { vars: { word: 'naïve €' }, baseDir: playbooks }).then(
      () => expect.fail('should fail'),
      (e: Error) => expect(e.message).to.match(/cannot be written in koi8-r: 'ï' \(U\+00EF\) at line 1/),
    );
  });

  it("replaces a link at dest with a file; follow: true writes the link's target", async () => {
    const target = join(dir, 'target.conf');
    writeFileSync(target, 'theirs\n', { mode: 0o600 });
    const link = join(dir, 'link.conf');
    symlinkSync(target, link);
    const r = await runLocal(template, { src: 'shared.ejs', dest: link }, { vars, baseDir: playbooks });
    expect((r.first as Change).description).to.match(/^replace the link .*link\.conf → .*target\.conf with a file/);
    expect(r.second?.changed).to.equal(false);
    expect(lstatSync(link).isFile()).to.equal(true);
    expect(readFileSync(link, 'utf8')).to.equal('shared x\n');
    expect(readFileSync(target, 'utf8')).to.equal('theirs\n');
    const link2 = join(dir, 'link2.conf');
    symlinkSync(target, link2);
    const f = await runLocal(template, { src: 'shared.ejs', dest: link2, follow: true }, { vars, baseDir: playbooks });
    expect(f.second?.changed).to.equal(false);
    expect(lstatSync(link2).isSymbolicLink()).to.equal(true);
    expect([readFileSync(target, 'utf8'), statSync(target).mode & 0o777]).to.deep.equal(['shared x\n', 0o600]);
  });

  it('says where it looked for a template it cannot find', async () => {
    await runLocal(template, { src: 'nope.ejs', dest: join(dir, 'm') }, { vars, baseDir: playbooks }).then(
      () => expect.fail('should fail'),
      (e: Error) => expect(e.message).to.contain(join(playbooks, 'templates', 'nope.ejs')),
    );
  });
});
