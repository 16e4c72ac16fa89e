// command and shell for real on this machine (LocalConnection).
import { expect } from 'chai';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ModuleError } from '../../../engine/errors.js';
import command from '../../../modules/command.js';
import shell from '../../../modules/shell.js';
import { runRecorded } from './recording.js';

describe('command and shell (local)', () => {
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'tsplay-cmd-'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('command passes words literally: no variables, globs, pipes or redirections', async () => {
    const run = await runRecorded(command, { cmd: `printf '%s|' $HOME '*' "a b" x\\ y > out ; echo` });
    expect(run.first.changed && run.first.kind).to.equal('run');
    expect(run.result).to.deep.include({ rc: 0, stdout: '$HOME|*|a b|x y|>|out|;|echo|', stderr: '' });
    expect(run.result!.cmd).to.deep.equal(['printf', '%s|', '$HOME', '*', 'a b', 'x y', '>', 'out', ';', 'echo']);
  });

  it('command argv, chdir and stdin', async () => {
    writeFileSync(join(dir, 'f.txt'), '1\n2\n');
    const run = await runRecorded(command, { argv: ['cat', 'f.txt', '-'], chdir: dir, stdin: 'three' });
    expect(run.result).to.deep.include({ stdout: '1\n2\nthree', stdout_lines: ['1', '2', 'three'] });
  });

  it('creates/removes decide without running anything', async () => {
    writeFileSync(join(dir, 'made.conf'), '');
    const exists = await runRecorded(command, { cmd: 'false', creates: join(dir, '*.conf') });
    expect(exists.first).to.deep.include({ changed: false, reason: `${join(dir, '*.conf')} exists` });
    const relative = await runRecorded(command, { cmd: 'false', chdir: dir, creates: 'made.conf' });
    expect(relative.first.changed).to.equal(false);
    const missing = await runRecorded(command, { cmd: 'false', removes: join(dir, 'nothing here') });
    expect(missing.first).to.deep.include({ changed: false, reason: `${join(dir, 'nothing here')} does not exist` });
    expect(missing.checkRoundTrips).to.equal(1);
  });

  it('a non-zero rc fails with the result attached', async () => {
    try {
      await runRecorded(command, { cmd: 'ls /no/such/dir' });
      expect.fail('should fail');
    } catch (e) {
      expect(e).to.be.instanceOf(ModuleError);
      const err = e as ModuleError;
      expect(err.message).to.match(/non-zero return code 2: ls \/no\/such\/dir\n.*No such file/);
      expect(err.result).to.deep.include({ rc: 2, stdout: '' });
      expect(err.result.stderr_lines).to.have.length(1);
    }
  });

  it('shell interprets pipes, variables and redirections, with the chosen executable', async () => {
    const run = await runRecorded(shell, { cmd: 'X=5; echo "$X" | tr 5 6 > o.txt; cat o.txt; echo err >&2', chdir: dir });
    expect(run.result).to.deep.include({ rc: 0, stdout: '6', stderr: 'err', cmd: 'X=5; echo "$X" | tr 5 6 > o.txt; cat o.txt; echo err >&2' });
    const bash = await runRecorded(shell, { cmd: 'echo ${BASH_VERSION:+bash}', executable: '/bin/bash' });
    expect(bash.result).to.deep.include({ stdout: 'bash' });
    const exit = runRecorded(shell, { cmd: 'exit 3' });
    await exit.then(
      () => expect.fail('should fail'),
      (e: ModuleError) => expect(e.result).to.include({ rc: 3 }),
    );
  });
});
