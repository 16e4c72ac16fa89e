// wait_for: waits, on the host itself, for a port to open or close or a file to appear, vanish
// or contain a pattern. The whole wait is ONE remote sh loop; it changes nothing, so check does
// the waiting (as Ansible does, in check mode too) and reports how long it took.
import { ModuleError, defineModule, quote } from '../sdk/index.js';

type State = 'started' | 'stopped' | 'present' | 'absent';

export interface WaitForArgs {
  host: string;
  port?: number;
  path?: string;
  search_regex?: string;
  state: State;
  timeout: number;
  delay: number;
  sleep: number;
  connect_timeout: number;
  msg?: string;
}

const LOCAL_HOSTS = /^(127\.\d+\.\d+\.\d+|localhost|0\.0\.0\.0|::1?|\[::1?\])$/;

/**
 * Defines `port_open` in sh: bash's /dev/tcp when bash exists, else `nc -z`, else (for local
 * addresses only) a LISTEN entry in /proc/net/tcp{,6}.
 */
function portProbe(host: string, port: number, connectTimeout: number): string {
  const hex = port.toString(16).toUpperCase().padStart(4, '0');
  const fallback = LOCAL_HOSTS.test(host)
    ? `port_open() { grep -Eq '^ *[0-9]+: [0-9A-F]+:${hex} [0-9A-F]+:[0-9A-F]+ 0A ' /proc/net/tcp /proc/net/tcp6 2>/dev/null; }`
    : `echo "neither bash nor nc on this host to test ${host}:${port}" >&2; exit 3`;
  const h = quote(host);
  return [
    'if command -v bash >/dev/null 2>&1; then',
    `  port_open() { timeout ${connectTimeout} bash -c 'exec 3<>"/dev/tcp/$0/$1"' ${h} ${port} >/dev/null 2>&1; }`,
    'elif command -v nc >/dev/null 2>&1; then',
    `  port_open() { nc -z -w ${connectTimeout} ${h} ${port} >/dev/null 2>&1; }`,
    'else',
    `  ${fallback}`,
    'fi',
  ].join('\n');
}

const wantsPresence = (s: State): boolean => s === 'started' || s === 'present';

/** The condition waited for, as a sh command list, and its words for messages. */
function condition(a: WaitForArgs): { setup: string; test: string; done: string; notDone: string } {
  if (a.port !== undefined) {
    const what = `port ${a.port} on ${a.host}`;
    return wantsPresence(a.state)
      ? { setup: portProbe(a.host, a.port, a.connect_timeout), test: 'port_open', done: `${what} is open`, notDone: `${what} is not open` }
      : { setup: portProbe(a.host, a.port, a.connect_timeout), test: '! port_open', done: `${what} is closed`, notDone: `${what} is still open` };
  }
  const p = quote(a.path!);
  if (!wantsPresence(a.state)) return { setup: '', test: `[ ! -e ${p} ]`, done: `${a.path} is absent`, notDone: `${a.path} still exists` };
  if (a.search_regex !== undefined) {
    return {
      setup: '',
      test: `[ -f ${p} ] && grep -Eq -e ${quote(a.search_regex)} ${p} 2>/dev/null`,
      done: `${a.path} matches /${a.search_regex}/`,
      notDone: `${a.path} does not match /${a.search_regex}/`,
    };
  }
  return { setup: '', test: `[ -e ${p} ]`, done: `${a.path} exists`, notDone: `${a.path} does not exist` };
}

/** The remote loop: prints "ok MS" or "timeout MS" (milliseconds since it started). */
export function waitScript(a: WaitForArgs): { script: string; done: string; notDone: string } {
  const { setup, test, done, notDone } = condition(a);
  const script = [
    // Milliseconds since the epoch (GNU date).
    'ms() { echo $(( $(date +%s%N) / 1000000 )); }',
    'start=$(ms)',
    setup,
    `sleep ${a.delay}`,
    `deadline=$(( $(ms) + ${Math.round(a.timeout * 1000)} ))`,
    'while :; do',
    `  if ${test}; then r=ok; break; fi`,
    '  if [ "$(ms)" -ge "$deadline" ]; then r=timeout; break; fi',
    `  sleep ${a.sleep}`,
    'done',
    'echo "$r $(( $(ms) - start ))"',
  ]
    .filter(Boolean)
    .join('\n');
  return { script, done, notDone };
}

const seconds = (ms: number): string => `${(ms / 1000).toFixed(1)} s`;

export default defineModule<WaitForArgs>({
  name: 'wait_for',
  summary: 'Wait on the host for a port to open/close or a file to appear/vanish/match',
  description:
    'Waits on the host itself (one remote sh loop) until the condition holds or timeout seconds pass: ' +
    'port open (state started/present) or closed (stopped/absent) — tested with bash\'s /dev/tcp, ' +
    'else nc -z, else for local addresses a LISTEN entry in /proc/net/tcp; path present, absent, or ' +
    'containing search_regex (grep -E). With neither port nor path it just waits timeout seconds. ' +
    'It never changes anything: check does the waiting (in check mode too) and reports the elapsed ' +
    'time; a timeout fails the task.\n\nresult: elapsed (seconds), state, port, path.',
  schema: {
    type: 'object',
    additionalProperties: false,
    properties: {
      host: { type: 'string', default: '127.0.0.1', description: 'Address to connect to, from the host itself.' },
      port: { type: 'integer', minimum: 1, maximum: 65535, description: 'TCP port to wait for.' },
      path: { type: 'string', description: 'File to wait for.' },
      search_regex: { type: 'string', description: 'Extended regular expression (grep -E) the file at path must contain.' },
      state: { type: 'string', enum: ['started', 'stopped', 'present', 'absent'], default: 'started', description: 'started/present: open or existing; stopped/absent: closed or gone.' },
      timeout: { type: 'number', minimum: 0, default: 300, description: 'Maximum seconds to wait.' },
      delay: { type: 'number', minimum: 0, default: 0, description: 'Seconds to wait before the first test.' },
      sleep: { type: 'number', minimum: 0, default: 1, description: 'Seconds between tests.' },
      connect_timeout: { type: 'integer', minimum: 1, default: 5, description: 'Seconds one connection attempt may take.' },
      msg: { type: 'string', description: 'Message of the failure on timeout.' },
    },
  },
  examples: `- name: the standby accepts connections
  wait_for:
    port: 5432
    timeout: 60
- name: the WAL receiver is up
  wait_for:
    path: /var/log/postgresql/postgresql-15-main.log
    search_regex: started streaming WAL`,

  async check(ctx, a) {
    if (a.port !== undefined && a.path !== undefined) throw new ModuleError('wait_for: give port or path, not both');
    if (a.search_regex !== undefined && a.path === undefined) throw new ModuleError('wait_for: search_regex needs path (reading from a port is not supported)');
    if (a.port === undefined && a.path === undefined) {
      const total = a.delay + a.timeout;
      await ctx.run(`sleep ${total}`);
      return { changed: false, reason: `waited ${total} s`, result: { elapsed: total, state: a.state } };
    }
    // Not a probe: it waits on the host until the state comes (a probe reads what is, at once).
    const c = waitScript(a);
    const out = await ctx.run(c.script);
    const m = /^(ok|timeout) (\d+)$/m.exec(out);
    if (!m) throw new ModuleError(`${ctx.host}: wait_for: unexpected output: ${out.trim()}`);
    const ms = Number(m[2]);
    const result = { elapsed: Math.round(ms / 100) / 10, state: a.state, port: a.port, path: a.path };
    if (m[1] === 'timeout') throw new ModuleError(`${ctx.host}: ${a.msg ?? `timeout after ${seconds(ms)}: ${c.notDone}`}`, result);
    return { changed: false, reason: `${c.done} after ${seconds(ms)}`, result };
  },

  async apply() {
    // check never reports a change: there is nothing to apply.
  },
});
