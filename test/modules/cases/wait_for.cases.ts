// wait_for: check runs the remote loop and reports what it printed ("ok MS" / "timeout MS").
import waitFor from '../../../modules/wait_for.js';
import type { CaseFile } from '../harness.js';

const cases: CaseFile = {
  module: waitFor,
  cases: [
    {
      name: 'the standby accepts connections: no change, with the time it took',
      args: { port: 5432 },
      before: [{ match: /port_open\(\) \{ timeout 5 bash -c 'exec 3<>"\/dev\/tcp\/\$0\/\$1"' 127\.0\.0\.1 5432/, stdout: 'ok 412\n' }],
      expect: { changed: false, message: /^port 5432 on 127\.0\.0\.1 is open after 0\.4 s$/ },
    },
    {
      name: 'state stopped waits for the port to close',
      args: { port: 9898, state: 'stopped', timeout: 30 },
      before: [{ match: /if ! port_open; then r=ok/, stdout: 'ok 2051\n' }],
      expect: { changed: false, message: /^port 9898 on 127\.0\.0\.1 is closed after 2\.1 s$/ },
    },
    {
      name: 'a log line matching a pattern',
      args: { path: '/var/log/postgresql/postgresql-15-main.log', search_regex: 'started streaming WAL', sleep: 2 },
      before: [{ match: /grep -Eq -e 'started streaming WAL' \/var\/log\/postgresql\/postgresql-15-main\.log/, stdout: 'ok 6004\n' }],
      expect: { changed: false, message: /matches \/started streaming WAL\/ after 6\.0 s$/ },
    },
    {
      name: 'a timeout fails, naming what was awaited',
      args: { host: '10.213.0.10', port: 5432, timeout: 10 },
      before: [{ match: 'deadline', stdout: 'timeout 10023\n' }],
      expect: { changed: false, error: /^h1: timeout after 10\.0 s: port 5432 on 10\.213\.0\.10 is not open$/ },
    },
    {
      name: 'a remote address without bash or nc cannot be tested',
      args: { host: '10.213.0.10', port: 5432 },
      before: [{ match: /neither bash nor nc on this host to test 10\.213\.0\.10:5432/, code: 3, stderr: 'neither bash nor nc on this host to test 10.213.0.10:5432\n' }],
      expect: { changed: false, error: /neither bash nor nc/ },
    },
    {
      name: 'neither port nor path: waits timeout seconds',
      args: { timeout: 3, delay: 1 },
      before: [{ match: /^sleep 4$/ }],
      expect: { changed: false, message: /^waited 4 s$/ },
    },
    {
      name: 'search_regex needs a path',
      args: { port: 5432, search_regex: 'x' },
      before: [],
      expect: { changed: false, error: /search_regex needs path/ },
    },
  ],
};

export default cases;
