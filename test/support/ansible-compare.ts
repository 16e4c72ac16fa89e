// The same playbook folder run by ansible-playbook and by tsplay (in this process), both on the
// local connection with one fork, so that each run's order of work is deterministic: the tasks
// append lines to a log file ({{ log }}), and the two logs, recaps and exit codes are compared.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { RunFlags, RunHooks } from '../../cli/run-command.js';
import { recap, runInProcess } from '../integration/in-process.js';
import { runAnsiblePlaybook } from './ansible.js';

export interface SideResult {
  code: number;
  /** The log file's lines. */
  log: string[];
  /** Each host's recap: ok, changed, failed, skipped, rescued, ignored, unreachable. */
  stats: Record<string, Record<string, number>>;
  out: string;
}

const KEYS = ['ok', 'changed', 'failed', 'skipped', 'rescued', 'ignored', 'unreachable'] as const;

function readLog(file: string): string[] {
  return existsSync(file) ? readFileSync(file, 'utf8').split('\n').filter(Boolean) : [];
}

export async function runAnsibleSide(dir: string, playbook = 'site.yml', args: string[] = []): Promise<SideResult> {
  const log = join(dir, 'ansible.log');
  const r = await runAnsiblePlaybook(join(dir, playbook), { tmp: dir, inventory: join(dir, 'inventory.yml'), cwd: dir, args: ['-f', '1', '-e', `log=${log}`, ...args] });
  const stats = Object.fromEntries(
    Object.entries(r.report.stats).map(([h, s]) => [h, { ok: s.ok, changed: s.changed, failed: s.failures, skipped: s.skipped, rescued: s.rescued, ignored: s.ignored, unreachable: s.unreachable }]),
  );
  return { code: r.code, log: readLog(log), stats, out: r.stderr };
}

export async function runTsplaySide(dir: string, playbook = 'site.yml', flags: Partial<RunFlags> = {}, hooks: RunHooks = {}): Promise<SideResult> {
  const log = join(dir, 'tsplay.log');
  const r = await runInProcess(dir, playbook, { forks: 1, ...flags, extraVars: [`log=${log}`, ...(flags.extraVars ?? [])] }, hooks);
  const hosts = r.summary ? [...r.summary.stats.keys()] : [];
  const stats = Object.fromEntries(hosts.map((h) => [h, Object.fromEntries(KEYS.map((k) => [k, recap(r.out, h)[k] ?? 0]))]));
  return { code: r.code, log: readLog(log), stats, out: r.out };
}

/** Both sides; the caller compares (and can say what it expects of the log). */
export async function runBoth(dir: string, playbook = 'site.yml', ansibleArgs: string[] = [], flags: Partial<RunFlags> = {}): Promise<{ ansible: SideResult; tsplay: SideResult }> {
  const ansible = await runAnsibleSide(dir, playbook, ansibleArgs);
  const tsplay = await runTsplaySide(dir, playbook, flags);
  return { ansible, tsplay };
}
