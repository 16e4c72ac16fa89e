// postgresql_query: psql's output for the manual's test table (created on the master, read on
// the standby, a write refused there).
import postgresqlQuery from '../../../modules/postgresql_query.js';
import { psqlRows, psqlTags } from '../../support/psql-output.js';
import type { CaseFile } from '../harness.js';

const CREATE = `CREATE TABLE VPN_proto (ID SERIAL PRIMARY KEY, name CHARACTER VARYING(30), tunnels_num INTEGER, crypts_num INTEGER, KZ_num INTEGER, key_start_date TIMESTAMP );
INSERT INTO VPN_proto VALUES (1, 'OpenVPN', 2, 2, 5, '2021-06-14 00:01:03');
INSERT INTO VPN_proto VALUES (2, 'SSTP', 1, 2, 1, '2021-05-04 04:01:00');
INSERT INTO VPN_proto VALUES (3, 'IPSec', 2, 2, 6, '2021-09-28 10:15:21');`;
const EXISTS = "SELECT to_regclass('vpn_proto') IS NOT NULL";
const READ_ONLY = 'ERROR:  25006: cannot execute INSERT in a read-only transaction\nLOCATION:  PreventCommandIfReadOnly, utility.c:414\n';

const cases: CaseFile = {
  module: postgresqlQuery,
  cases: [
    {
      name: 'the table is missing: check_query is false, the query runs, check_query is true after',
      args: { query: CREATE, check_query: EXISTS },
      before: [{ match: 'psql', stdout: psqlRows(['?column?'], [['f']]) }],
      after: [{ match: 'psql', stdout: psqlRows(['?column?'], [['t']]) }],
      expect: { changed: true, message: /^run: CREATE TABLE VPN_proto .* \(check_query is false\)$/, applies: [/sudo -H -n -u postgres -- \/bin\/sh -c 'LC_ALL=C PGAPPNAME=tsplay psql -X -q -v ON_ERROR_STOP=1 -d postgres -p 5432'/] },
    },
    {
      name: 'the table exists: no change',
      args: { query: CREATE, check_query: EXISTS },
      before: [{ match: 'psql', stdout: psqlRows(['?column?'], [['t']]) }],
      expect: { changed: false, message: /check_query is true: SELECT to_regclass\('vpn_proto'\) IS NOT NULL/ },
    },
    {
      name: 'check_query returning no row means the query is needed',
      args: { query: "INSERT INTO vpn_proto VALUES (4, 'WireGuard', 1, 1, 1, now())", check_query: 'SELECT 1 FROM vpn_proto WHERE id = 4', db: 'vpn', port: 5433 },
      before: [{ match: /psql .*-d vpn -p 5433/, stdout: psqlRows(['?column?'], []) }],
      after: [{ match: /psql .*-d vpn -p 5433/, stdout: psqlRows(['?column?'], [['1']]) }],
      expect: { changed: true, message: /check_query is false/ },
    },
    {
      name: 'reading the table on the standby: no change, rows in the result',
      args: { query: 'SELECT id, name, key_start_date FROM vpn_proto WHERE name <> %s ORDER BY id', positional_args: ["it's"] },
      before: [
        {
          match: 'psql',
          stdout: psqlRows(['id', 'name', 'key_start_date'], [['1', 'OpenVPN', '2021-06-14 00:01:03'], ['2', 'SSTP', '2021-05-04 04:01:00'], ['3', 'IPSec', null]]),
        },
      ],
      expect: { changed: false, message: /^read-only query: SELECT 3$/ },
    },
    {
      name: 'a write on the standby: check says it writes, apply fails with PostgreSQL\'s read-only error',
      args: { query: "INSERT INTO vpn_proto VALUES (5, 'L2TP', 1, 1, 1, now())" },
      before: [{ match: 'psql', code: 3, stderr: READ_ONLY }],
      expect: { changed: true, error: /h1: query failed: ERROR: {2}cannot execute INSERT in a read-only transaction \(SQLSTATE 25006\)$/ },
    },
    {
      name: 'a write on the primary without check_query is an action',
      args: { query: 'DELETE FROM vpn_proto WHERE id > 3' },
      before: [
        { match: 'read-only trial', code: 3, stderr: 'ERROR:  25006: cannot execute DELETE in a read-only transaction\nLOCATION:  PreventCommandIfReadOnly, utility.c:414\n' },
        { match: 'psql', stdout: psqlTags('DELETE 2') },
      ],
      expect: { changed: true, message: /^run: DELETE FROM vpn_proto WHERE id > 3 \(it writes\)$/, applies: [/PGAPPNAME=tsplay psql/] },
    },
    {
      name: 'a trial failing for another reason (e.g. a table an earlier task makes) says why; apply runs the query',
      args: { query: 'INSERT INTO new_table VALUES (1)' },
      before: [
        {
          match: 'read-only trial',
          code: 3,
          stderr: 'ERROR:  42P01: relation "new_table" does not exist\nLINE 1: INSERT INTO new_table VALUES (1)\n                    ^\nLOCATION:  parserOpenTable, parse_relation.c:1392\n',
        },
        { match: 'psql', stdout: psqlTags('INSERT 0 1') },
      ],
      expect: { changed: true, message: /run: .* \(a read-only trial failed: ERROR: {2}relation "new_table" does not exist \(SQLSTATE 42P01\)\)/ },
    },
    {
      name: 'psql cannot connect: the check fails instead of guessing',
      args: { query: 'SELECT 1', db: 'nope' },
      before: [{ match: 'psql', code: 2, stderr: 'psql: error: connection to server on socket "/var/run/postgresql/.s.PGSQL.5432" failed: FATAL:  database "nope" does not exist\n' }],
      expect: { changed: false, error: /cannot run SQL \(psql on port 5432, database nope, as postgres\): psql: error: .*database "nope" does not exist/ },
    },
    {
      name: 'a syntax error in check_query fails the check, with the position',
      args: { query: 'SELEC 1', check_query: 'SELECT false' },
      before: [
        { match: 'psql', code: 3, stderr: 'ERROR:  42601: syntax error at or near "SELEC"\nLINE 1: SELEC 1\n        ^\nLOCATION:  scanner_yyerror, scan.l:1188\n' },
      ],
      expect: { changed: false, error: /check_query failed .*syntax error at or near "SELEC" \(SQLSTATE 42601\)\nLINE 1: SELEC 1/ },
    },
    {
      name: 'CREATE DATABASE with autocommit, guarded by check_query',
      args: { query: 'CREATE DATABASE vpn', autocommit: true, check_query: "SELECT 1 FROM pg_database WHERE datname = 'vpn'" },
      before: [{ match: 'psql', stdout: psqlRows(['?column?'], []) }],
      after: [{ match: 'psql', stdout: psqlRows(['?column?'], [['1']]) }],
      expect: { changed: true },
    },
  ],
};

export default cases;
