// The same tasks through Debian's ansible-core (one generated playbook, connection local) and
// through tsplay's modules (LocalConnection, as the runner runs them), for the comparisons.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { NotConvergedError } from '../../../engine/errors.js';
import type { ModuleDefinition } from '../../../engine/module-api.js';
import { type AnsibleHostResult, requireAnsible, runAnsiblePlaybook } from '../../support/ansible.js';
import { type LocalOptions, runLocal } from '../local/local-run.js';

export interface SideTask {
  /** Ansible's module name. */
  module: string;
  args: Record<string, unknown>;
  checkMode?: boolean;
}

/** Every task's result for localhost, in order (ignore_errors on each, so a failure is a result). */
export async function ansibleResults(dir: string, tasks: SideTask[], o: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): Promise<AnsibleHostResult[]> {
  const play = tasks.map((t, i) => ({
    name: `case ${i}`,
    [t.module]: t.args,
    ignore_errors: true,
    ...(t.checkMode ? { check_mode: true } : {}),
  }));
  // A YAML document (JSON would be read by json.loads, which keeps no file positions: some
  // actions resolve paths from them).
  const playbook = join(dir, 'playbook.yml');
  writeFileSync(playbook, '---\n' + JSON.stringify([{ hosts: 'localhost', gather_facts: false, tasks: play }]));
  const { report } = await runAnsiblePlaybook(playbook, { tmp: dir, cwd: o.cwd, env: o.env });
  return report.plays[0]!.tasks.map((t) => t.hosts.localhost!);
}

export interface TsplayOutcome {
  changed: boolean;
  failed: boolean;
  msg: string;
  result: Record<string, unknown>;
  /** The check after apply still reported a change. */
  notConverged?: string;
}

/** One module run the way the runner runs it: check, apply, check again. */
export async function tsplayResult(mod: ModuleDefinition, args: Record<string, unknown>, checkMode = false, o: LocalOptions = {}): Promise<TsplayOutcome> {
  try {
    const r = await runLocal(mod, args, { ...o, checkMode });
    const result = { ...(r.first.result ?? {}), ...((r.applied && r.applied.result) ?? {}) };
    return {
      changed: r.first.changed,
      failed: false,
      msg: r.first.changed ? r.first.description : r.first.reason,
      result,
      notConverged: r.second?.changed ? r.second.description : undefined,
    };
  } catch (e) {
    // The change was made (as Ansible makes it), but the step's re-check still sees one.
    if (e instanceof NotConvergedError) return { changed: true, failed: false, msg: String(e.result.msg ?? ''), result: e.result, notConverged: e.message };
    return { changed: false, failed: true, msg: (e as Error).message, result: {} };
  }
}

export interface SideCase {
  name: string;
  args: Record<string, unknown>;
}

/**
 * A comparison suite for a module whose cases need nothing but their arguments: each case runs
 * through Ansible's module and tsplay's (in one before()), then one `it` per case hands both
 * results to `compare`.
 */
export function describeSideBySide(o: { title: string; module: ModuleDefinition; ansibleModule: string; cases: SideCase[]; compare: (ansible: AnsibleHostResult, tsplay: TsplayOutcome, c: SideCase) => void }): void {
  describe(o.title, function () {
    this.timeout(300_000);
    let dir = '';
    let ansible: AnsibleHostResult[] = [];
    const tsplay: TsplayOutcome[] = [];

    before(async function () {
      requireAnsible(this, `the ${o.ansibleModule} comparison`);
      dir = mkdtempSync(join(tmpdir(), `tsplay-${o.ansibleModule}-`));
      ansible = await ansibleResults(dir, o.cases.map((c) => ({ module: o.ansibleModule, args: c.args })));
      for (const c of o.cases) tsplay.push(await tsplayResult(o.module, c.args));
    });

    after(() => {
      if (dir) rmSync(dir, { recursive: true, force: true });
    });

    for (const [i, c] of o.cases.entries()) it(`#${i} ${c.name}`, () => o.compare(ansible[i]!, tsplay[i]!, c));
  });
}
