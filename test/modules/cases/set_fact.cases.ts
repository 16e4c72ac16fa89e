// set_fact: every argument becomes a fact; nothing is sent to the host.
import setFact from '../../../modules/set_fact.js';
import type { CaseFile } from '../harness.js';

const cases: CaseFile = {
  module: setFact,
  cases: [
    {
      name: 'two facts',
      args: { pg_version: '15', data_directory: '/var/lib/postgresql/15/main' },
      before: [],
      expect: { changed: false, message: /^set 2 facts: pg_version, data_directory$/, checkRoundTrips: 0 },
    },
    {
      name: 'one fact of any type',
      args: { backends: [{ host: '10.213.0.10', port: 5432 }] },
      before: [],
      expect: { changed: false, message: /^set 1 fact: backends$/ },
    },
  ],
};

export default cases;
