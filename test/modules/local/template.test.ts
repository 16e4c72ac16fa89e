// template for real: EJS rendered with host vars, put on a temp file through LocalConnection.
import { expect } from 'chai';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
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

  it('says where it looked for a template it cannot find', async () => {
    await runLocal(template, { src: 'nope.ejs', dest: join(dir, 'm') }, { vars, baseDir: playbooks }).then(
      () => expect.fail('should fail'),
      (e: Error) => expect(e.message).to.contain(join(playbooks, 'templates', 'nope.ejs')),
    );
  });
});
