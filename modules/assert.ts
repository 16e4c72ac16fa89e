// assert: checks that expressions hold; runs on the controller only.
import { ModuleError, defineModule } from '../sdk/index.js';

interface Args {
  that: string | boolean | (string | boolean)[];
  fail_msg?: string;
  success_msg?: string;
  quiet: boolean;
}

export default defineModule<Args>({
  name: 'assert',
  summary: 'Fail unless every expression is true',
  description:
    'Each entry of `that` is a bare expression (JavaScript over the host\'s variables, as in `when:`) ' +
    'and must be truthy. The first false one fails the task with "Assertion failed: <expression>" ' +
    'and fail_msg. success_msg is the message when all hold (followed by the expressions unless quiet).',
  schema: {
    type: 'object',
    additionalProperties: false,
    required: ['that'],
    properties: {
      that: {
        type: ['string', 'boolean', 'array'],
        items: { type: ['string', 'boolean'] },
        description: 'An expression or a list of expressions that must all be true.',
      },
      fail_msg: { type: 'string', description: 'Message when an assertion fails.' },
      success_msg: { type: 'string', description: 'Message when all assertions hold.' },
      quiet: { type: 'boolean', default: false, description: 'Say less when all assertions hold.' },
    },
  },
  aliases: { msg: 'fail_msg' },
  controllerOnly: true,
  expressionArgs: ['that'],
  examples: `- assert:
    that:
      - vpn.rows.length == 3
      - "standby_write.msg.includes('read-only transaction')"
    fail_msg: the standby does not have the table`,

  async check(ctx, a) {
    const list = Array.isArray(a.that) ? a.that : [a.that];
    for (const expr of list) {
      // A boolean is an expression the runner already templated ("{{ … }}").
      const value = typeof expr === 'boolean' ? expr : ctx.evaluate(expr);
      if (!value) {
        const shown = String(expr);
        throw new ModuleError(`Assertion failed: ${shown}${a.fail_msg ? `: ${a.fail_msg}` : ''}`, { assertion: shown, evaluated_to: value ?? null, msg: a.fail_msg ?? `Assertion failed: ${shown}` });
      }
    }
    const msg = a.success_msg ?? 'All assertions passed';
    return { changed: false, reason: a.quiet ? msg : `${msg}: ${list.map(String).join('; ')}`, result: { msg } };
  },

  async apply() {
    // check never reports a change: there is nothing to apply.
  },
});
