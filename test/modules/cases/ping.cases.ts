// ping fixtures: the host's sh answers `echo pong`, or does not.
import ping from '../../../modules/ping.js';
import { probeReply } from '../../support/section-replies.js';
import type { CaseFile } from '../harness.js';

const answers = probeReply('echo pong', { sh: 'pong\n' });

const cases: CaseFile = {
  module: ping,
  cases: [
    { name: 'pong by default, in one round trip', args: {}, before: [answers], expect: { changed: false, message: /^ping: pong$/ } },
    { name: 'data is returned as given', args: { data: 'hello' }, before: [answers], expect: { changed: false, message: /^ping: hello$/ } },
    { name: "data: crash fails the task, as Ansible's does", args: { data: 'crash' }, before: [answers], expect: { changed: false, error: /^boom$/ } },
    {
      name: 'a host whose shell does not answer fails with what it printed',
      args: {},
      before: [probeReply('echo pong', { sh: { out: 'sh: 1: echo: I/O error\n', rc: 2 } })],
      expect: { changed: false, error: /did not answer 'echo pong' \(exit 2\): sh: 1: echo: I\/O error/ },
    },
  ],
};

export default cases;
