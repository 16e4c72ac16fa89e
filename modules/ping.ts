// ping: Ansible's ping — proves that the host can be reached and runs a command, and returns
// `ping: pong` (or `data`). Ansible's needs a usable Python on the host; tsplay's needs sh. Its
// one probe travels with the read-ahead of the tasks around it.
import { ModuleError, defineModule, raw, type ProbeOutput } from '../sdk/index.js';

interface Args {
  data: string;
}

export default defineModule<Args>({
  name: 'ping',
  ansibleNames: ['ansible.builtin.ping'],
  speculative: true,
  summary: "Check that the host can be reached and runs sh; returns ping: pong (Ansible's ping)",
  description: [
    "Ansible's ping: not ICMP, a login that runs a command. The result is `ping: DATA` (`pong`",
    'by default) and never a change. `data: crash` makes the task fail, as it does in Ansible',
    '(there with a Python exception, "boom"). Where Ansible checks for a usable Python, tsplay',
    'checks that the host runs sh.',
  ].join('\n'),
  schema: {
    type: 'object',
    additionalProperties: false,
    properties: {
      data: { type: 'string', default: 'pong', description: "What `ping` returns; `crash` fails the task." },
    },
  },
  examples: ['- ping:', '- ping:', '    data: hello'].join('\n'),
  probes: () => ({ sh: raw('echo pong') }),
  async check(ctx, a, probed) {
    const { out, rc } = probed.sh as ProbeOutput;
    if (rc !== 0 || out !== 'pong\n') throw new ModuleError(`${ctx.host}'s shell did not answer 'echo pong' (exit ${rc}): ${out.trim() || 'no output'}`);
    if (a.data === 'crash') throw new ModuleError('boom');
    return { changed: false, reason: `ping: ${a.data}`, result: { ping: a.data } };
  },
  async apply() {
    // check never reports a change.
  },
});
