// shell: runs a command line through a shell (pipes, redirections, variables and globs work).
import { defineModule, quote } from '../sdk/index.js';
import { checkRun, type RunArgs, runArgsSchema, runCommand, runProbes } from './lib/run-command.js';

interface Args extends RunArgs {
  cmd: string;
  executable: string;
}

export default defineModule<Args>({
  name: 'shell',
  summary: 'Run a command line through a shell on the host',
  description:
    'Runs cmd (the free form: `shell: ls /etc | wc -l`) with `executable -c` (default /bin/sh), so ' +
    'pipes, redirections, variables and globs work. chdir, creates, removes and stdin as for command. ' +
    'It is an action: check reports "run" ("would run" in a dry run) unless creates/removes says there is nothing to do.\n\n' +
    'result: cmd, rc, stdout, stderr, stdout_lines, stderr_lines; a non-zero rc fails the task with that result.',
  schema: {
    type: 'object',
    additionalProperties: false,
    required: ['cmd'],
    properties: {
      cmd: { type: 'string', minLength: 1, description: 'The shell command line (free form).' },
      executable: { type: 'string', default: '/bin/sh', description: 'The shell that runs cmd (with -c).' },
      ...runArgsSchema,
    },
  },
  freeForm: 'cmd',
  examples: `- shell: pg_lsclusters | grep -c online
  register: online
- shell: set -o pipefail; ps -ef | grep '[w]al sender'
  args:
    executable: /bin/bash`,

  probes: runProbes,
  async check(_ctx, a, probed) {
    return checkRun(a, probed, a.cmd);
  },

  async apply(ctx, a) {
    return { result: await runCommand(ctx, a, `${quote(a.executable)} -c ${quote(a.cmd)}`, a.cmd) };
  },
});
