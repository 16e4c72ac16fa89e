// getent against Ansible's getent on this machine's own databases: the same facts, the same failures.
import { expect } from 'chai';
import getent from '../../../modules/getent.js';
import { describeSideBySide } from './side-by-side.js';

describeSideBySide({
  title: 'getent vs ansible getent',
  module: getent,
  ansibleModule: 'getent',
  cases: [
    { name: 'passwd, one key', args: { database: 'passwd', key: 'root' } },
    { name: 'the whole group database', args: { database: 'group' } },
    { name: 'hosts, split at whitespace', args: { database: 'hosts', key: 'localhost' } },
    { name: 'services with split', args: { database: 'services', key: 'ssh', split: '/' } },
    { name: 'a uid as the key', args: { database: 'passwd', key: '0' } },
    { name: 'a missing key fails', args: { database: 'passwd', key: 'no-such-user-here' } },
    { name: 'a missing key with fail_key false', args: { database: 'passwd', key: 'no-such-user-here', fail_key: false } },
    { name: 'an unknown database fails', args: { database: 'no-such-db' } },
  ],
  compare(a, t) {
    expect(t.failed, t.msg).to.equal(!!a.failed);
    if (a.failed) return expect(t.msg).to.equal(a.msg);
    expect(t.result.ansible_facts).to.deep.equal(a.ansible_facts);
  },
});
