// set_fact: sets host variables for the rest of the play; runs on the controller only.
import { defineModule } from '../sdk/index.js';

export default defineModule<Record<string, unknown>>({
  name: 'set_fact',
  summary: 'Set host variables (facts) for the following tasks',
  description: 'Every argument becomes a variable of the host, for the tasks that follow. The values are already templated by the runner.',
  schema: {
    type: 'object',
    additionalProperties: true,
    minProperties: 1,
    description: 'Any variable names and their values.',
  },
  controllerOnly: true,
  examples: `- set_fact:
    pg_version: "15"
    data_directory: "/var/lib/postgresql/{{ pg_version }}/main"`,

  async check(_ctx, args) {
    const n = Object.keys(args).length;
    return { changed: false, reason: `set ${n} fact${n === 1 ? '' : 's'}: ${Object.keys(args).join(', ')}`, facts: { ...args } };
  },

  async apply() {
    // check never reports a change: the facts travel with its result.
  },
});
