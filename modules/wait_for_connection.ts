// wait_for_connection: Ansible's wait_for_connection — wait until the host answers a command
// over a new connection (after a reboot, a network change, a host coming up), trying every
// `sleep` seconds for up to `timeout` seconds. Runs from the controller, as Ansible's does.
import { ConnectionError, ModuleError, defineModule, type HostCommands } from '../sdk/index.js';

interface Args {
  connect_timeout: number;
  delay: number;
  sleep: number;
  timeout: number;
}

const pause = (s: number) => new Promise((r) => setTimeout(r, s * 1000));

/** The promise, or a rejection after `seconds`. */
function within<T>(p: Promise<T>, seconds: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} took more than ${seconds}s`)), seconds * 1000);
  });
  return Promise.race([p, late]).finally(() => clearTimeout(timer));
}

export default defineModule<Args>({
  name: 'wait_for_connection',
  controllerOnly: true,
  ansibleNames: ['ansible.builtin.wait_for_connection'],
  summary: "Wait until the host can be reached and runs a command (Ansible's wait_for_connection)",
  description: [
    "Ansible's wait_for_connection: after `delay` seconds, closes the host's connection and",
    'tries a new one that runs `true`, every `sleep` seconds until it works or `timeout` seconds',
    'have passed (each try limited to `connect_timeout`). Where Ansible runs its ping module',
    '(which needs Python), tsplay needs only sh. The registered result has `elapsed` (seconds).',
  ].join('\n'),
  schema: {
    type: 'object',
    additionalProperties: false,
    properties: {
      connect_timeout: { type: 'integer', minimum: 1, default: 5, description: 'Seconds one try may take.' },
      delay: { type: 'integer', minimum: 0, default: 0, description: 'Seconds to wait before the first try.' },
      sleep: { type: 'integer', minimum: 1, default: 1, description: 'Seconds between tries.' },
      timeout: { type: 'integer', minimum: 1, default: 600, description: 'Seconds to wait in all.' },
    },
  },
  examples: ['- wait_for_connection:', '    delay: 10', '    timeout: 300'].join('\n'),
  async check(ctx, a) {
    if (!ctx.reconnect) throw new ModuleError('wait_for_connection needs the runner (this context cannot open connections)');
    const started = Date.now();
    if (a.delay) await pause(a.delay);
    let last = '';
    for (let attempt = 1; ; attempt++) {
      try {
        const host: HostCommands = await within(ctx.reconnect(), a.connect_timeout, 'connecting');
        const r = await within(host.exec('true'), a.connect_timeout, 'running true');
        if (r.code === 0) {
          const elapsed = Math.trunc((Date.now() - started) / 1000);
          return { changed: false, reason: `${ctx.host} answered after ${attempt} attempt(s)`, result: { elapsed } };
        }
        last = `true exited ${r.code}: ${r.stderr.trim()}`;
      } catch (e) {
        if (!(e instanceof ConnectionError) && !(e instanceof Error && /took more than/.test(e.message))) throw e;
        last = e instanceof ConnectionError ? e.reason : e.message;
      }
      ctx.log(`wait_for_connection: attempt ${attempt} failed: ${last}`);
      if ((Date.now() - started) / 1000 + a.sleep > a.timeout) break;
      await pause(a.sleep);
    }
    const elapsed = Math.trunc((Date.now() - started) / 1000);
    throw new ModuleError(`timed out waiting for connection: ${last}`, { elapsed });
  },
  async apply() {
    // check never reports a change.
  },
});
