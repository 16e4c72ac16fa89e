// ping against Ansible's ping on the local connection: the same result, the same failure.
import { expect } from 'chai';
import ping from '../../../modules/ping.js';
import { describeSideBySide } from './side-by-side.js';

describeSideBySide({
  title: 'ping vs ansible ping',
  module: ping,
  ansibleModule: 'ping',
  cases: [
    { name: 'no arguments', args: {} },
    { name: 'data', args: { data: 'hello there' } },
    { name: 'data: crash fails', args: { data: 'crash' } },
  ],
  compare(a, t) {
    expect(t.failed, t.msg).to.equal(!!a.failed);
    if (a.failed) return;
    expect(t.result.ping).to.equal(a.ping);
    expect(t.changed).to.equal(a.changed);
  },
});
