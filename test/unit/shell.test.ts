import { expect } from 'chai';
import { LocalConnection } from '../../engine/connection/local.js';
import { cmd, quote, sections, splitSections } from '../../engine/shell.js';

const sh = new LocalConnection('local');

describe('shell', () => {
  describe('quote', () => {
    it('leaves safe words alone and single-quotes the rest', () => {
      expect(quote('/etc/postgresql/15/main/pg_hba.conf')).to.equal('/etc/postgresql/15/main/pg_hba.conf');
      expect(quote(5432)).to.equal('5432');
      expect(quote('')).to.equal("''");
      expect(quote('a b')).to.equal("'a b'");
      expect(quote("it's")).to.equal("'it'\\''s'");
      expect(quote('$HOME')).to.equal("'$HOME'");
    });

    it('sh reads every quoted word back exactly', async () => {
      const words = ["it's", 'a  b', '$(id) `id` $HOME', '*', 'line1\nline2', '"\\', '-n', '', 'é ü 漢'];
      const r = await sh.exec(`printf '%s\\0' ${words.map(quote).join(' ')}`);
      expect(r.stdout.split('\0').slice(0, -1)).to.deep.equal(words);
    });

    it('cmd quotes and joins words', () => {
      expect(cmd('pg_ctlcluster', 15, 'main', 'start')).to.equal('pg_ctlcluster 15 main start');
      expect(cmd('echo', 'a b', "c'd")).to.equal("echo 'a b' 'c'\\''d'");
    });
  });

  describe('sections', () => {
    it('runs several probes in one command and splits their output and exit codes, an exit ending only its probe', async () => {
      const r = await sh.exec(sections({ one: 'echo first; echo second', failing: 'echo oops >&2; exit 3', empty: 'true', last: 'printf no-newline' }));
      expect(sh.roundTrips).to.be.greaterThan(0);
      const s = splitSections(r.stdout);
      expect(s).to.deep.equal({
        one: { out: 'first\nsecond\n', rc: 0 },
        failing: { out: 'oops\n', rc: 3 },
        empty: { out: '', rc: 0 },
        last: { out: 'no-newline', rc: 0 },
      });
    });

    it('a probe whose output lacks a trailing newline does not swallow the next section', async () => {
      const r = await sh.exec(sections({ a: 'printf abc', b: 'printf def', c: 'echo ghi' }));
      const s = splitSections(r.stdout);
      expect([s.a, s.b, s.c]).to.deep.equal([
        { out: 'abc', rc: 0 },
        { out: 'def', rc: 0 },
        { out: 'ghi\n', rc: 0 },
      ]);
    });

    it('ignores anything before the first section and marks a cut-off section rc -1', () => {
      const s = splitSections('login banner\n@@tsplay@@ a\nx\n@@tsplay@@rc 0\n@@tsplay@@ b\npartial');
      expect(s).to.deep.equal({ a: { out: 'x\n', rc: 0 }, b: { out: 'partial', rc: -1 } });
    });

    it('one section per probe, in order', () => {
      const script = sections({ x: 'cat /etc/hostname', y: 'id -un' });
      expect(script.split('\n')).to.have.length(2);
      expect(script).to.match(/^echo '@@tsplay@@ x'; \( cat \/etc\/hostname \) 2>&1; echo "@@tsplay@@rc \$\?"\n/);
    });
  });
});
