// assert: expressions over the host's variables, evaluated on the controller; nothing is sent to the host.
import assertModule from '../../../modules/assert.js';
import type { CaseFile } from '../harness.js';

const vars = { vpn: { rows: [{ name: 'OpenVPN' }, { name: 'SSTP' }, { name: 'IPSec' }] }, standby_write: { msg: 'ERROR:  cannot execute INSERT in a read-only transaction (SQLSTATE 25006)' } };

const cases: CaseFile = {
  module: assertModule,
  cases: [
    {
      name: 'every expression holds',
      args: { that: ['vpn.rows | length == 3', "'read-only transaction' in standby_write.msg"], success_msg: 'replication works' },
      vars,
      before: [],
      expect: { changed: false, message: /^replication works: vpn\.rows \| length == 3; 'read-only transaction' in standby_write\.msg$/, checkRoundTrips: 0 },
    },
    {
      name: 'quiet: just the message',
      args: { that: 'vpn.rows[0].name == "OpenVPN"', quiet: true },
      vars,
      before: [],
      expect: { changed: false, message: /^All assertions passed$/ },
    },
    {
      name: 'the first false expression fails, with fail_msg',
      args: { that: ['vpn.rows | length > 0', 'vpn.rows | length == 4'], fail_msg: 'the standby lacks a row' },
      vars,
      before: [],
      expect: { changed: false, error: /^Assertion failed: vpn\.rows \| length == 4: the standby lacks a row$/ },
    },
    {
      name: 'an undefined name is an error naming it, not a false assertion',
      args: { that: 'vpn.rowz | length > 0' },
      vars,
      before: [],
      expect: { changed: false, error: /'vpn\.rowz' is undefined/ },
    },
    {
      name: 'msg is an alias of fail_msg; an already templated false fails',
      args: { that: false, msg: 'templated to false' },
      before: [],
      expect: { changed: false, error: /^Assertion failed: false: templated to false$/ },
    },
  ],
};

export default cases;
