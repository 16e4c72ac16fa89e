// fail: always fails with its message.
import fail from '../../../modules/fail.js';
import type { CaseFile } from '../harness.js';

const cases: CaseFile = {
  module: fail,
  cases: [
    { name: 'msg', args: { msg: 'PostgreSQL 12 or later needed' }, before: [], expect: { changed: false, error: /^PostgreSQL 12 or later needed$/, checkRoundTrips: 0 } },
    { name: 'default message', args: {}, before: [], expect: { changed: false, error: /^Failed as requested from task$/ } },
  ],
};

export default cases;
