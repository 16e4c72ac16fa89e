// Debian's ansible-core as the tests' oracle. Its results come back through the tsplay_json stdout
// callback kept beside this file (ansible-core has no JSON callback of its own: issue 16), so a
// suite needs nothing but the ansible-core package that test/prerequisites.sh installs.
import { spawn, spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';

/** The folder of the callback plugin; the compiled test runs from dist/, the plugin stays in the source tree. */
export const CALLBACK_DIR = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', 'test', 'support', 'ansible', 'callback_plugins');

export interface AnsibleHostResult {
  changed: boolean;
  failed?: boolean;
  skipped?: boolean;
  unreachable?: boolean;
  msg?: string;
  [key: string]: unknown;
}

export interface AnsibleReport {
  plays: { play: { name: string }; tasks: { task: { name: string }; hosts: Record<string, AnsibleHostResult> }[] }[];
  stats: Record<string, { ok: number; changed: number; failures: number; skipped: number; unreachable: number; rescued: number; ignored: number }>;
}

export function haveAnsible(): boolean {
  return spawnSync('ansible-playbook', ['--version'], { stdio: 'ignore' }).status === 0;
}

/**
 * Skips the suite loudly when ansible-playbook is missing, and fails it under CI, where
 * test/prerequisites.sh must have installed it.
 */
export function requireAnsible(suite: Mocha.Context, what: string): void {
  if (haveAnsible()) return;
  console.warn(`\n\n!!!!! ansible-playbook NOT FOUND: ${what} is SKIPPED (apt-get install ansible-core) !!!!!\n`);
  if (process.env.CI === 'true') throw new Error(`ansible-playbook is required under CI for ${what}`);
  suite.skip();
}

/** The environment for a quiet, local, JSON-reporting ansible-playbook whose temp files stay in `tmp`. */
export function ansibleEnv(tmp: string, extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  return {
    ...process.env,
    ANSIBLE_CALLBACK_PLUGINS: CALLBACK_DIR,
    ANSIBLE_STDOUT_CALLBACK: 'tsplay_json',
    ANSIBLE_PIPELINING: '1',
    ANSIBLE_LOCALHOST_WARNING: '0',
    ANSIBLE_INVENTORY_UNPARSED_WARNING: '0',
    ANSIBLE_PYTHON_INTERPRETER: '/usr/bin/python3',
    ANSIBLE_LOCAL_TEMP: join(tmp, 'ansible-tmp'),
    ANSIBLE_REMOTE_TEMP: join(tmp, 'ansible-remote-tmp'),
    ANSIBLE_NOCOLOR: '1',
    ...extra,
  };
}

export interface AnsibleRun {
  report: AnsibleReport;
  code: number;
  stderr: string;
}

/**
 * Runs ansible-playbook (by default on localhost with the local connection) and parses its report.
 * `args` come after the playbook, e.g. ['--check'] or ['-e', 'x=1'].
 */
export function runAnsiblePlaybook(
  playbook: string,
  opts: { tmp: string; inventory?: string; args?: string[]; cwd?: string; env?: NodeJS.ProcessEnv },
): Promise<AnsibleRun> {
  const inventory = opts.inventory ?? 'localhost,';
  const argv = ['-i', inventory, ...(opts.inventory ? [] : ['-c', 'local']), playbook, ...(opts.args ?? [])];
  return new Promise((resolve, reject) => {
    const child = spawn('ansible-playbook', argv, { env: ansibleEnv(opts.tmp, opts.env), cwd: opts.cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (b: Buffer) => out.push(b));
    child.stderr.on('data', (b: Buffer) => err.push(b));
    child.on('error', reject);
    child.on('close', (code) => {
      const stdout = Buffer.concat(out).toString();
      const stderr = Buffer.concat(err).toString();
      try {
        // Some modules (pause) print to the terminal before the callback's report.
        const report = stdout.search(/^\{$/m);
        resolve({ report: JSON.parse(report > 0 ? stdout.slice(report) : stdout) as AnsibleReport, code: code ?? -1, stderr });
      } catch (e) {
        reject(new Error(`cannot read ansible-playbook's JSON report (exit ${code}): ${(e as Error).message}\n${stderr}\n${stdout.slice(0, 2000)}`));
      }
    });
  });
}
