// debug: a message or an expression's value; nothing is sent to the host. (What it prints, the
// `output` of its result, is checked in test/modules/local/controller.test.ts.)
import debug from '../../../modules/debug.js';
import type { CaseFile } from '../harness.js';

const cases: CaseFile = {
  module: debug,
  cases: [
    {
      name: 'msg',
      args: { msg: 'standby slave streams' },
      before: [],
      expect: { changed: false, message: /^message shown$/, checkRoundTrips: 0 },
    },
    {
      name: 'var: an expression over the variables',
      args: { var: 'vpn.rows.map(r => r.name)' },
      vars: { vpn: { rows: [{ name: 'OpenVPN' }, { name: 'SSTP' }] } },
      before: [],
      expect: { changed: false, message: /^vpn\.rows\.map\(r => r\.name\) shown$/ },
    },
    {
      name: 'verbosity above the run: skipped',
      args: { msg: 'details', verbosity: 2 },
      vars: { ansible_verbosity: 1 },
      before: [],
      expect: { changed: false, message: /^skipped \(verbosity 2 > 1\)$/ },
    },
  ],
};

export default cases;
