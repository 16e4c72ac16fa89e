// pg_client: which queries are actions, and failures that name host:port but not the password.
// (Reads against a real server: test/modules/local/postgresql.test.ts.)
import pgClient from '../../../modules/pg_client.js';
import type { CaseFile } from '../harness.js';

/** A loopback port where nothing listens (TCP port 1). */
const closed = { host: '127.0.0.1', port: 1, user: 'postgres', password: 'Pg-s3cret', connect_timeout: 2 };

const cases: CaseFile = {
  module: pgClient,
  cases: [
    {
      name: 'writes through the balancer are an action; a refused connection names host:port, never the password',
      args: { ...closed, queries: ["INSERT INTO vpn_proto VALUES (4, 'WireGuard', 1, 1, 1, now())"] },
      before: [],
      expect: { changed: true, error: /^pg_client: 127\.0\.0\.1:1 \(database postgres, user postgres\): connect ECONNREFUSED 127\.0\.0\.1:1$/, never: ['Pg-s3cret'], checkRoundTrips: 0 },
    },
    {
      name: 'reads are run by check (here: refused)',
      args: { ...closed, queries: 'SELECT name FROM vpn_proto -- comment: delete' },
      before: [],
      expect: { changed: false, error: /ECONNREFUSED/, never: ['Pg-s3cret'] },
    },
    {
      name: 'SELECT … FOR UPDATE is not read-only',
      args: { ...closed, queries: ['SELECT 1', 'SELECT * FROM vpn_proto FOR UPDATE'] },
      before: [],
      expect: { changed: true, error: /ECONNREFUSED/ },
    },
    {
      name: 'an empty query list is refused',
      args: { ...closed, queries: [] },
      before: [],
      expect: { changed: false, error: /queries is empty/ },
    },
  ],
};

export default cases;
