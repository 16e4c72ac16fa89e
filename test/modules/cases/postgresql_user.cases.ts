// postgresql_user: pg_authid as psql prints it; the SCRAM and md5 verifiers below were made by a
// real PostgreSQL 15 (CREATE ROLE … PASSWORD '…'), so the comparison is checked against the server's.
import postgresqlUser from '../../../modules/postgresql_user.js';
import { psqlRows } from '../../support/psql-output.js';
import type { CaseFile } from '../harness.js';

const COLS = ['rolpassword', 'rolsuper', 'rolinherit', 'rolcreaterole', 'rolcreatedb', 'rolcanlogin', 'rolreplication', 'rolbypassrls'];
/** CREATE ROLE … PASSWORD 'secret' with password_encryption scram-sha-256. */
const SCRAM_SECRET = 'SCRAM-SHA-256$4096:9/XYE3tnpqgHqDz3+8Av5g==$XHjvYjFapltIFqIonviD7+Ji8q9yl9vfxCMym92eX7U=:FqdhaEkBHN40Q2HFSoqiu8d1WIVZAvb629uBUhMGbP0=';
/** … PASSWORD 'pässwörd½' (SASLprep turns ½ into 1⁄2 before hashing). */
const SCRAM_NON_ASCII = 'SCRAM-SHA-256$4096:F63z+0bYdOycUix0PX/Hlg==$CUXFqAvxil8w8FmU/6PGLmavgySXeGtLr8KwKy9ERyo=:CezpYV0UO/s0tevRcEY+gfdPDZIvJ4aG23nQZKJFoSU=';
/** … PASSWORD 'N3w-pässword'. */
const SCRAM_NEW = 'SCRAM-SHA-256$4096:2p/dlY8USHpGcS43nHbZPw==$O0X+oBIJSt4IFEGGXSfFhIc0nz9oE4tzBZI1uXZ7BlE=:6gW5YCq6x6EbgFqnCwE5RxeTf8iGKv1myZluKjnL1WE=';
/** md5('secret' || 'u3') and md5('N3w-pässword' || 'postgres'). */
const MD5_U3 = 'md51988972405ce9f46030bb74a71130c7b';
const MD5_NEW_POSTGRES = 'md5f095719fd1677af9be026674a0d491c8';

function probe(enc: string, role?: (string | null)[]): string {
  return psqlRows(['enc'], [[enc]]) + psqlRows(COLS, role ? [role] : []);
}
const superuser = (pw: string | null) => [pw, 't', 't', 't', 't', 't', 't', 't'];
const plain = (pw: string | null, replication = 'f') => [pw, 'f', 't', 'f', 'f', 't', replication, 'f'];

const cases: CaseFile = {
  module: postgresqlUser,
  cases: [
    {
      name: 'SCRAM verifier of the same password: no change',
      args: { name: 'postgres', password: 'secret' },
      before: [{ match: 'psql', stdout: probe('scram-sha-256', superuser(SCRAM_SECRET)) }],
      expect: { changed: false, message: /role postgres exists, password matches the stored scram-sha-256 verifier/, never: ['secret'] },
    },
    {
      name: 'SCRAM verifier of a non-ASCII password (SASLprep): no change',
      args: { name: 'u2', password: 'pässwörd½' },
      before: [{ match: 'psql', stdout: probe('scram-sha-256', plain(SCRAM_NON_ASCII)) }],
      expect: { changed: false, never: ['pässwörd½'] },
    },
    {
      name: "the manual's ALTER USER postgres WITH PASSWORD: a new password, sent as a verifier",
      args: { name: 'postgres', password: 'N3w-pässword' },
      before: [{ match: 'psql', stdout: probe('scram-sha-256', superuser(SCRAM_SECRET)) }],
      after: [{ match: 'psql', stdout: probe('scram-sha-256', superuser(SCRAM_NEW)) }],
      expect: { changed: true, message: /would change role postgres: password \(stored scram-sha-256 verifier differs\)/, applies: [/psql -X -q -v ON_ERROR_STOP=1 -d postgres -p 5432/], never: ['N3w-pässword'] },
    },
    {
      name: 'md5 (PostgreSQL 9.6: password_encryption on): md5 verifier compared and set',
      args: { name: 'postgres', password: 'N3w-pässword' },
      before: [{ match: 'psql', stdout: probe('on', superuser('md5' + '0'.repeat(32))) }],
      after: [{ match: 'psql', stdout: probe('on', superuser(MD5_NEW_POSTGRES)) }],
      expect: { changed: true, message: /stored md5 verifier differs/, never: ['N3w-pässword'] },
    },
    {
      name: 'md5 verifier of the same password: no change',
      args: { name: 'u3', password: 'secret', port: 5433 },
      before: [{ match: /psql .*-p 5433/, stdout: probe('md5', plain(MD5_U3)) }],
      expect: { changed: false, message: /password matches the stored md5 verifier/ },
    },
    {
      name: 'a missing role is created with LOGIN and the flags',
      args: { name: 'replicator', password: 'secret', role_attr_flags: 'REPLICATION' },
      before: [{ match: 'psql', stdout: probe('scram-sha-256') }],
      after: [{ match: 'psql', stdout: probe('scram-sha-256', plain(SCRAM_SECRET, 't')) }],
      expect: { changed: true, message: /would create role replicator \(LOGIN REPLICATION, password as scram-sha-256 verifier\)/, never: ['secret'] },
    },
    {
      name: 'attributes differ, password equal: only the attributes change',
      args: { name: 'app', password: 'secret', role_attr_flags: ['replication', 'NOSUPERUSER'] },
      before: [{ match: 'psql', stdout: probe('scram-sha-256', plain(SCRAM_SECRET, 'f')) }],
      after: [{ match: 'psql', stdout: probe('scram-sha-256', plain(SCRAM_SECRET, 't')) }],
      expect: { changed: true, message: /^would change role app: attributes REPLICATION$/ },
    },
    {
      name: 'no password stored yet',
      args: { name: 'app', password: 'secret' },
      before: [{ match: 'psql', stdout: probe('scram-sha-256', plain(null)) }],
      after: [{ match: 'psql', stdout: probe('scram-sha-256', plain(SCRAM_SECRET)) }],
      expect: { changed: true, message: /password \(none set\)/ },
    },
    {
      name: 'an unknown attribute is refused',
      args: { name: 'app', role_attr_flags: 'LOGIN,SUPERPOWERS' },
      before: [],
      expect: { changed: false, error: /unknown role_attr_flags entry 'SUPERPOWERS'/ },
    },
    {
      name: 'the server is down: the failure names port, database and user, not the password',
      args: { name: 'postgres', password: 'secret' },
      before: [
        {
          match: 'psql',
          code: 2,
          stderr: 'psql: error: connection to server on socket "/var/run/postgresql/.s.PGSQL.5432" failed: No such file or directory\n\tIs the server running locally and accepting connections on that socket?\n',
        },
      ],
      expect: { changed: false, error: /h1: reading role postgres failed \(psql on port 5432, database postgres, as postgres\): psql: error: connection to server/, never: ['secret'] },
    },
  ],
};

export default cases;
