// debug: prints a message or a variable's value; runs on the controller only.
import { defineModule } from '../sdk/index.js';

interface Args {
  msg?: unknown;
  var?: string;
  verbosity: number;
}

const show = (v: unknown): string => (typeof v === 'string' ? v : JSON.stringify(v, null, 2) ?? 'undefined');

export default defineModule<Args>({
  name: 'debug',
  summary: 'Print a message or the value of an expression',
  description:
    'msg is printed as given (already templated); var is a bare expression (a variable name, ' +
    '`result.rows[0]`…) evaluated like `when:`. verbosity: shown only when the run\'s verbosity ' +
    '(ansible_verbosity, -v count) is at least this.',
  schema: {
    type: 'object',
    additionalProperties: false,
    properties: {
      msg: { description: 'The message (any value); default "Hello world!".' },
      var: { type: 'string', minLength: 1, description: 'An expression whose value is printed.' },
      verbosity: { type: 'integer', minimum: 0, default: 0, description: 'Minimum verbosity at which this is shown.' },
    },
  },
  controllerOnly: true,
  expressionArgs: ['var'],
  examples: `- debug:
    msg: "standby {{ inventory_hostname }} is {{ state.rows[0].status }}"
- debug:
    var: vpn.rows`,

  async check(ctx, a) {
    const verbosity = Number(ctx.vars.ansible_verbosity ?? 0);
    if (a.verbosity > verbosity) return { changed: false, reason: `skipped (verbosity ${a.verbosity} > ${verbosity})` };
    if (a.var !== undefined) {
      let value: unknown;
      try {
        value = ctx.evaluate(a.var);
      } catch (e) {
        value = `VARIABLE IS NOT DEFINED! (${(e as Error).message})`;
      }
      return { changed: false, reason: `${a.var} shown`, output: `${a.var}: ${show(value)}`, result: { [a.var]: value } };
    }
    const msg = a.msg ?? 'Hello world!';
    return { changed: false, reason: 'message shown', output: show(msg), result: { msg } };
  },

  async apply() {
    // check never reports a change: there is nothing to apply.
  },
});
