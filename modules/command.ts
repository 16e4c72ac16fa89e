// command: runs a program with its arguments, without a shell: the free-form line is split into
// words as sh would split it, but $VAR, globs, pipes and redirections are not interpreted.
import { ModuleError, cmd, defineModule } from '../sdk/index.js';
import { checkRun, type RunArgs, runArgsSchema, runCommand, runProbes, splitWords } from './lib/run-command.js';

interface Args extends RunArgs {
  cmd?: string;
  argv?: string[];
}

function words(a: Args): string[] {
  if (a.cmd !== undefined && a.argv !== undefined) throw new ModuleError('command: give either cmd (free form) or argv, not both');
  const w = a.argv ?? splitWords(a.cmd ?? '');
  if (w.length === 0) throw new ModuleError('command: no command given (cmd or argv)');
  return w;
}

export default defineModule<Args>({
  name: 'command',
  summary: 'Run a command on the host, without a shell',
  description:
    'Runs cmd (the free form: `command: ls -l /etc`) or argv (a list of words) without shell ' +
    'interpretation: each word is quoted, so $VAR, *, |, ; and > are passed literally (use shell for them). ' +
    'chdir changes directory first; creates/removes (globs allowed) skip the command when the path ' +
    'exists / does not exist. It is an action: check reports "run" ("would run" in a dry run) unless creates/removes says ' +
    'there is nothing to do.\n\nresult: cmd (the words), rc, stdout, stderr, stdout_lines, stderr_lines. ' +
    'A non-zero rc fails the task with that result (register, failed_when and ignore_errors see it).',
  schema: {
    type: 'object',
    additionalProperties: false,
    properties: {
      cmd: { type: 'string', description: 'The command line (free form), split into words without expansion.' },
      argv: { type: 'array', items: { type: 'string' }, minItems: 1, description: 'The command as a list of words.' },
      ...runArgsSchema,
    },
  },
  freeForm: 'cmd',
  examples: `- command: pg_lsclusters
  register: clusters
- command:
    argv: [pg_ctlcluster, "15", main, start]
- command: ssh-keygen -q -N '' -f /var/lib/postgresql/.ssh/id_rsa
  args:
    creates: /var/lib/postgresql/.ssh/id_rsa`,

  probes: runProbes,
  async check(_ctx, a, probed) {
    return checkRun(a, probed, cmd(...words(a)));
  },

  async apply(ctx, a) {
    const w = words(a);
    return { result: await runCommand(ctx, a, cmd(...w), w) };
  },
});
