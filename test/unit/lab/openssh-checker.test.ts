// The OpenSSH option-set checker itself: what it must refuse under 7.4 (Astra Linux SE 1.6) and
// accept under today's OpenSSH, so that the command-line test built on it can fail.
import { expect } from 'chai';
import { checkOpenSshCommand, optionSet } from '../../../lab/openssh/checker.js';
import { sshCommandLines } from '../../support/ssh-command-lines.js';

describe('OpenSSH option-set checker', () => {
  it('reads the option sets extracted from openssh-portable V_7_4_P1 and V_10_5_P1', () => {
    expect(optionSet('V_7_4_P1').source).to.match(/^openssh-portable V_7_4_P1 \(4a354fc2/);
    expect(optionSet('V_7_4_P1').options.stricthostkeychecking!.values).to.deep.equal(['true', 'false', 'yes', 'no', 'ask']);
    expect(optionSet('V_10_5_P1').options.stricthostkeychecking!.values).to.include('accept-new');
  });

  it('StrictHostKeyChecking=accept-new: refused by 7.4 (it came in 7.6), accepted today', () => {
    const argv = ['ssh', '-o', 'BatchMode=yes', '-o', 'StrictHostKeyChecking=accept-new', 'postgres@10.0.0.2', 'true'];
    expect(checkOpenSshCommand(argv, 'V_7_4_P1')).to.deep.equal(['ssh -o StrictHostKeyChecking=accept-new: OpenSSH V_7_4_P1 accepts only true, false, yes, no, ask']);
    expect(checkOpenSshCommand(argv, 'V_10_5_P1')).to.deep.equal([]);
  });

  it('unknown -o keywords, bad values and option letters are reported', () => {
    expect(checkOpenSshCommand(['ssh', '-o', 'PubkeyAcceptedAlgorithms=+ssh-rsa', 'h'], 'V_7_4_P1')[0]).to.match(/Bad configuration option/);
    expect(checkOpenSshCommand(['ssh', '-o', 'ConnectTimeout=ten', 'h'], 'V_7_4_P1')).to.deep.equal(['ssh -o ConnectTimeout=ten: not a time']);
    expect(checkOpenSshCommand(['ssh', '-B', 'eth0', 'h'], 'V_7_4_P1')).to.deep.equal(['ssh: unknown option -B']);
    expect(checkOpenSshCommand(['ssh', '-B', 'eth0', 'h'], 'V_10_5_P1')).to.deep.equal([]);
    expect(checkOpenSshCommand(['ssh', '-o'], 'V_7_4_P1')).to.include('ssh: option -o requires an argument');
  });

  it('ssh reads options after the destination too, and stops at the remote command', () => {
    expect(checkOpenSshCommand(['ssh', 'h', '-o', 'StrictHostKeyChecking=accept-new', 'ls', '-Z'], 'V_7_4_P1')).to.have.length(1);
    expect(checkOpenSshCommand(['ssh', '-T', 'h', 'pg_lsclusters', '-h'], 'V_7_4_P1')).to.deep.equal([]);
  });

  it('ssh-keygen -c is refused under 7.4 (PEM RSA keys), key types and formats are checked', () => {
    expect(checkOpenSshCommand(['ssh-keygen', '-q', '-c', '-C', 'x', '-f', 'k'], 'V_7_4_P1')[0]).to.match(/-c: OpenSSH 7.4/);
    expect(checkOpenSshCommand(['ssh-keygen', '-q', '-c', '-C', 'x', '-f', 'k'], 'V_10_5_P1')).to.deep.equal([]);
    expect(checkOpenSshCommand(['ssh-keygen', '-t', 'dsa', '-f', 'k'], 'V_10_5_P1')[0]).to.match(/unknown key type/);
    expect(checkOpenSshCommand(['ssh-keygen', '-t', 'ed25519', '-m', 'PEM', '-f', 'k'], 'V_7_4_P1')).to.deep.equal([]);
    expect(checkOpenSshCommand(['ssh-keyscan', '-t', 'ed25519,ecdsa-sk', 'h'], 'V_7_4_P1')[0]).to.match(/ecdsa-sk: unknown key type/);
    expect(checkOpenSshCommand(['ssh-keyscan', '-D', 'h'], 'V_7_4_P1')).to.deep.equal(['ssh-keyscan: unknown option -D']);
  });
});

describe('ssh command lines inside sh scripts', () => {
  it('finds ssh in pipelines, $( ), nested -e words and variable assignments; skips here-documents', () => {
    const script = [
      'cd / && ssh-keygen -l -f /k.pub | head -1',
      "x=$(ssh -T -o BatchMode=yes h 'a; b') || exit 1",
      "rsync -a -e 'ssh -o ConnectTimeout=10' \"$D/\" h:/d/",
      'ssh_cmd="ssh -i $ssh_key postgres@$host"',
      "psql <<'END'",
      'ssh -o Bogus=1 not-a-command',
      '\\! ssh-keyscan -t rsa h',
      'END',
      'echo ssh -X ignored',
    ].join('\n');
    expect(sshCommandLines(script)).to.deep.equal([
      ['ssh-keyscan', '-t', 'rsa', 'h'],
      ['ssh-keygen', '-l', '-f', '/k.pub'],
      ['ssh', '-T', '-o', 'BatchMode=yes', 'h', 'a; b'],
      ['ssh', '-o', 'ConnectTimeout=10', '$RSYNC_DESTINATION'],
      ['ssh', '-i', '$ssh_key', 'postgres@$host'],
    ]);
  });
});
