// wait_for_connection against Ansible's on the local connection: the same result (elapsed,
// delay included) for a host that is up.
import { expect } from 'chai';
import waitForConnection from '../../../modules/wait_for_connection.js';
import { describeSideBySide } from './side-by-side.js';

const ARGS = [{ timeout: 10 }, { delay: 1, timeout: 10, sleep: 1, connect_timeout: 5 }];

describeSideBySide({
  title: 'wait_for_connection vs ansible wait_for_connection',
  module: waitForConnection,
  ansibleModule: 'wait_for_connection',
  cases: ARGS.map((args) => ({ name: JSON.stringify(args), args })),
  compare(a, t) {
    expect(t.failed, t.msg).to.equal(!!a.failed);
    expect(t.changed).to.equal(!!a.changed);
    expect(t.result.elapsed).to.equal(a.elapsed);
  },
});
