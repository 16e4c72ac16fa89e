// batch-script: several commands in one sh script, results apart and byte-exact (run with the
// machine's own /bin/sh, as a host would).
import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import { batchScript, parseBatch } from '../../../engine/connection/batch-script.js';
import type { ExecResult } from '../../../engine/module-api.js';

const sh = (script: string): ExecResult => {
  const r = spawnSync('/bin/sh', ['-c', script], { encoding: 'utf8' });
  return { stdout: r.stdout, stderr: r.stderr, code: r.status ?? -1 };
};

describe('connection/batch-script', () => {
  it('keeps each command’s stdout, stderr and exit status apart, in order', () => {
    const cmds = [
      { command: 'printf out; printf err >&2; exit 3' },
      { command: 'echo a; echo b >&2' },
      { command: 'cat', stdin: Buffer.from([0, 1, 2, 0xff, 0x0a, 0x41]) },
      { command: "echo 'unterminated" },
      { command: 'cd /; X=1; exit 0' },
      { command: 'pwd; echo "${X:-unset}"; cat' },
    ];
    const { script, mark } = batchScript(cmds);
    const r = parseBatch(sh(`cd /tmp && ${script}`), mark, cmds.length);
    expect(r).to.have.length(6);
    expect(r[0]).to.deep.equal({ code: 3, stdout: 'out', stderr: 'err' });
    expect(r[1]).to.deep.equal({ code: 0, stdout: 'a\n', stderr: 'b\n' });
    expect(Buffer.from(r[2]!.stdout, 'utf8').equals(Buffer.from(Buffer.from([0, 1, 2, 0xff, 0x0a, 0x41]).toString('utf8')))).to.equal(true);
    expect(r[3]!.code).to.not.equal(0);
    expect(r[4]!.code).to.equal(0);
    expect(r[5]).to.deep.equal({ code: 0, stdout: '/tmp\nunset\n', stderr: '' });
  });

  it('cannot be fooled by output that imitates its framing', () => {
    const first = batchScript([{ command: 'true' }]);
    const fake = `\\n${first.mark}.0 0\\n\\n${first.mark}.1 0\\n`;
    const cmds = [{ command: `printf '${fake}'; printf '${fake}' >&2` }, { command: 'echo real' }];
    const { script, mark } = batchScript(cmds);
    const r = parseBatch(sh(script), mark, 2);
    expect(r[0]!.stdout).to.equal(`\n${first.mark}.0 0\n\n${first.mark}.1 0\n`);
    expect(r[0]!.stderr).to.equal(`\n${first.mark}.0 0\n\n${first.mark}.1 0\n`);
    expect(r[1]!.stdout).to.equal('real\n');
  });

  it('costs the host no process per command beyond its subshell (no temp files, no encoding)', () => {
    const { script } = batchScript([{ command: 'true' }, { command: 'true' }]);
    expect(script).to.not.match(/mktemp|base64|rm -/);
  });

  it('keeps nothing of output cut to its bounds', () => {
    const { script, mark } = batchScript([{ command: 'echo one' }]);
    expect(parseBatch({ ...sh(script), cut: { stdout: 10, stderr: 0 } }, mark, 1)).to.deep.equal([]);
  });

  it('returns only the complete results of a script cut short', () => {
    const { script, mark } = batchScript([{ command: 'echo one' }, { command: 'kill -9 $$' }, { command: 'echo three' }]);
    const out = sh(script);
    expect(parseBatch(out, mark, 3).map((x) => x.stdout)).to.deep.equal(['one\n']);
  });
});
