// pause: Ansible's pause — wait some seconds or minutes, or until the person running the
// playbook presses Enter (with an optional prompt whose answer is registered as user_input).
// Runs on the controller, once for all the play's hosts, as Ansible's does.
import { createInterface } from 'node:readline';
import { ModuleError, defineModule, readHiddenLine } from '../sdk/index.js';

interface Args {
  minutes?: number | string;
  seconds?: number | string;
  prompt?: string;
  echo: boolean;
}

/** Python's int() of an argument: a number truncated, or a string of digits. */
function toInt(v: number | string | undefined, key: string): number | undefined {
  if (v === undefined) return undefined;
  if (typeof v === 'number') return Math.trunc(v);
  if (/^\s*[+-]?\d+\s*$/.test(v)) return parseInt(v, 10);
  throw new ModuleError(`argument '${key}' is of type str and we were unable to convert to int: invalid literal for int() with base 10: '${v}'`);
}

/** Python's str() of a float rounded to 2 places (1 → "1.0"). */
const pyFloat = (x: number): string => {
  const r = Math.round(x * 100) / 100;
  return Number.isInteger(r) ? `${r}.0` : String(r);
};

/** Python's str(datetime.now()): local time, microseconds. */
function pyNow(d = new Date()): string {
  const p = (n: number, w = 2) => String(n).padStart(w, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())} ${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}.${p(d.getMilliseconds() * 1000, 6)}`;
}

/** One line typed at the terminal; without echo the keys are not shown. */
async function readAnswer(question: string, echo: boolean): Promise<string> {
  const input = process.stdin;
  process.stderr.write(question);
  if (echo) {
    const rl = createInterface({ input, output: process.stderr, terminal: false });
    try {
      for await (const line of rl) return line;
      return '';
    } finally {
      rl.close();
    }
  }
  return readHiddenLine(input, () => process.stderr.write('\n'), () => process.kill(process.pid, 'SIGINT'));
}

export default defineModule<Args>({
  name: 'pause',
  ansibleNames: ['ansible.builtin.pause'],
  controllerOnly: true,
  runOnce: true,
  summary: "Wait some seconds or minutes, or for Enter at a prompt (Ansible's pause)",
  description: [
    "Ansible's pause: `seconds` or `minutes` waits that long (at least one second); without them",
    'it waits until Enter is pressed at the terminal, showing `prompt`, and registers what was',
    'typed as `user_input` (not shown with `echo: false`). It runs once for all the hosts of the',
    'play. Waiting for an answer needs a terminal: when standard input is not one (cron, CI,',
    'a pipe), a pause without seconds/minutes fails with a message saying so, instead of',
    "Ansible's warning and no wait at all. The result holds start, stop, delta, stdout and",
    'user_input as in Ansible.',
  ].join('\n'),
  schema: {
    type: 'object',
    additionalProperties: false,
    properties: {
      minutes: { type: ['integer', 'number', 'string'], description: 'Minutes to wait (an integer; a number is truncated).' },
      seconds: { type: ['integer', 'number', 'string'], description: 'Seconds to wait (an integer; a number is truncated).' },
      prompt: { type: 'string', description: 'The text shown while waiting (or asking).' },
      echo: { type: 'boolean', default: true, description: 'Show the keys typed at the prompt.' },
    },
  },
  examples: [
    '- pause:',
    '    seconds: 30',
    '- pause:',
    '    prompt: "Standby rebuilt; type yes to promote it"',
    '  register: answer',
  ].join('\n'),
  async check(ctx, a) {
    if (a.minutes !== undefined && a.seconds !== undefined) throw new ModuleError('parameters are mutually exclusive: minutes|seconds');
    const minutes = toInt(a.minutes, 'minutes');
    let seconds = minutes !== undefined ? minutes * 60 : toInt(a.seconds, 'seconds');
    const unit = minutes !== undefined ? 'minutes' : 'seconds';
    const hidden = a.echo ? '' : ' (output is hidden)';
    const start = Date.now();
    const startText = pyNow();
    let userInput = '';
    if (seconds !== undefined) {
      if (seconds < 1) seconds = 1;
      ctx.log(`pausing for ${seconds} seconds${a.prompt ? `: ${a.prompt}` : ''}`);
      if (a.prompt) process.stderr.write(`${a.prompt}${hidden}\n`);
      await new Promise((r) => setTimeout(r, seconds! * 1000));
    } else {
      if (!process.stdin.isTTY) {
        throw new ModuleError(
          `pause waits for Enter at a terminal, but standard input is not a terminal${a.prompt ? ` (prompt: ${a.prompt})` : ''}: ` +
            'give seconds or minutes, or run tsplay from a terminal',
        );
      }
      userInput = await readAnswer(`${a.prompt ?? 'Press enter to continue, Ctrl+C to interrupt'}${hidden}:`, a.echo);
    }
    const stop = Date.now();
    const elapsed = (stop - start) / 1000;
    const stdout = `Paused for ${pyFloat(unit === 'minutes' ? elapsed / 60 : elapsed)} ${unit}`;
    return {
      changed: false,
      reason: stdout,
      result: { rc: 0, stderr: '', stdout, start: startText, stop: pyNow(), delta: Math.trunc(elapsed), echo: a.echo, user_input: userInput },
    };
  },
  async apply() {
    // check never reports a change.
  },
});
