// fail: stops the host with a message (usually under `when:`); runs on the controller only.
import { ModuleError, defineModule } from '../sdk/index.js';

interface Args {
  msg: string;
}

export default defineModule<Args>({
  name: 'fail',
  summary: 'Fail the task with a message',
  description: 'Always fails; put a `when:` on it to fail on a condition.',
  schema: {
    type: 'object',
    additionalProperties: false,
    properties: {
      msg: { type: 'string', default: 'Failed as requested from task', description: 'The failure message.' },
    },
  },
  freeForm: 'msg',
  controllerOnly: true,
  examples: `- fail:
    msg: this playbook needs PostgreSQL 12 or later
  when: pg_version < 12`,

  async check(_ctx, a) {
    throw new ModuleError(a.msg, { msg: a.msg });
  },

  async apply() {
    // check always fails: there is nothing to apply.
  },
});
