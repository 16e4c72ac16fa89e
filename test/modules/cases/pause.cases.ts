// pause fixtures: it waits on the controller and contacts no host.
import pause from '../../../modules/pause.js';
import type { CaseFile } from '../harness.js';

const cases: CaseFile = {
  module: pause,
  cases: [
    { name: 'seconds: waits and says how long', args: { seconds: 1 }, before: [], expect: { changed: false, message: /^Paused for 1(\.\d+)? seconds$/, checkRoundTrips: 0 } },
    { name: 'seconds below 1 wait 1 (a string, as YAML may give)', args: { seconds: '0' }, before: [], expect: { changed: false, message: /^Paused for 1(\.\d+)? seconds$/, checkRoundTrips: 0 } },
    { name: 'minutes and seconds together are refused', args: { seconds: 1, minutes: 1 }, before: [], expect: { changed: false, error: /mutually exclusive: minutes\|seconds/, checkRoundTrips: 0 } },
    { name: 'a bad number is refused', args: { minutes: 'soon' }, before: [], expect: { changed: false, error: /unable to convert to int/, checkRoundTrips: 0 } },
    {
      name: 'a prompt without a terminal is a clear error',
      args: { prompt: 'Promote the standby?' },
      before: [],
      expect: { changed: false, error: /standard input is not a terminal \(prompt: Promote the standby\?\): give seconds or minutes/, checkRoundTrips: 0 },
    },
  ],
};

export default cases;
