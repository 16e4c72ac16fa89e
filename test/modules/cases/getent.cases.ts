// getent fixtures: getent's output and exit status.
import getent from '../../../modules/getent.js';
import type { CaseFile } from '../harness.js';

const cases: CaseFile = {
  module: getent,
  cases: [
    {
      name: 'passwd entry split at colons',
      args: { database: 'passwd', key: 'postgres' },
      before: [{ match: 'getent passwd postgres', stdout: 'postgres:x:108:114:PostgreSQL administrator,,,:/var/lib/postgresql:/bin/bash\n' }],
      expect: { changed: false, message: /^1 entries of passwd$/ },
    },
    {
      name: 'hosts split at whitespace, with a service',
      args: { database: 'hosts', service: 'files' },
      before: [{ match: 'getent hosts -s files', stdout: '127.0.0.1       localhost\n::1             localhost ip6-localhost\n' }],
      expect: { changed: false, message: /^2 entries of hosts$/ },
    },
    {
      name: 'a missing key fails',
      args: { database: 'group', key: 'nobodyhere' },
      before: [{ match: 'getent group', code: 2 }],
      expect: { changed: false, error: /^One or more supplied key could not be found in the database\.$/ },
    },
    {
      name: 'a missing key with fail_key false is null',
      args: { database: 'group', key: 'nobodyhere', fail_key: false },
      before: [{ match: 'getent group', code: 2 }],
      expect: { changed: false, message: /could not be found/ },
    },
    {
      name: 'an unknown database fails',
      args: { database: 'nodb' },
      before: [{ match: 'getent nodb', code: 1 }],
      expect: { changed: false, error: /database unknown/ },
    },
  ],
};

export default cases;
