// Comparing a file-editing module with Ansible's: each case's input file is copied for both
// sides, Ansible's module edits one copy and tsplay's the other; bytes, mode, backups, changed
// and failed must be the same.
import { expect } from 'chai';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ModuleDefinition } from '../../../engine/module-api.js';
import { requireAnsible } from '../../support/ansible.js';
import { type TsplayOutcome, ansibleResults, tsplayResult } from './side-by-side.js';

export interface EditCase {
  name: string;
  /** The input file; null: it does not exist. */
  content: string | Buffer | null;
  args: Record<string, unknown>;
  checkMode?: boolean;
  /** Why Ansible's module itself changes the file again on a second run (the runner then reports it). */
  notIdempotent?: string;
}

function snapshot(dir: string, i: number): { bytes: string | null; mode: number | null; backups: number } {
  const f = join(dir, `f${i}`);
  const backups = readdirSync(dir).filter((n) => n.startsWith(`f${i}.`)).length;
  if (!existsSync(f)) return { bytes: null, mode: null, backups };
  return { bytes: readFileSync(f).toString('latin1'), mode: statSync(f).mode & 0o7777, backups };
}

export function compareEdits(title: string, ansibleName: string, mod: ModuleDefinition, cases: EditCase[]): void {
  describe(title, function () {
    this.timeout(400_000);
    let dir = '';
    let ansible: { changed: boolean; failed?: boolean; msg?: string }[] = [];
    let tsplay: TsplayOutcome[] = [];

    before(async function () {
      requireAnsible(this, `the ${ansibleName} comparison`);
      process.umask(0o022);
      dir = mkdtempSync(join(tmpdir(), `tsplay-${ansibleName}-`));
      for (const side of ['ansible', 'tsplay']) {
        mkdirSync(join(dir, side));
        for (const [i, c] of cases.entries()) if (c.content !== null) writeFileSync(join(dir, side, `f${i}`), c.content);
      }
      const tasks = cases.map((c, i) => ({ module: ansibleName, args: { path: join(dir, 'ansible', `f${i}`), ...c.args }, checkMode: c.checkMode }));
      const [a, t] = await Promise.allSettled([
        ansibleResults(dir, tasks),
        (async () => {
          const out: TsplayOutcome[] = [];
          for (const [i, c] of cases.entries()) out.push(await tsplayResult(mod, { path: join(dir, 'tsplay', `f${i}`), ...c.args }, c.checkMode));
          return out;
        })(),
      ]);
      if (a.status === 'rejected') throw a.reason;
      if (t.status === 'rejected') throw t.reason;
      [ansible, tsplay] = [a.value, t.value];
    });

    after(() => {
      if (dir) rmSync(dir, { recursive: true, force: true });
    });

    for (const [i, c] of cases.entries()) {
      it(`#${i} ${c.name}`, () => {
        const a = ansible[i]!;
        const t = tsplay[i]!;
        const ctx = `ansible: ${JSON.stringify({ changed: a.changed, failed: a.failed, msg: a.msg })}\ntsplay: ${JSON.stringify({ changed: t.changed, failed: t.failed, msg: t.msg })}`;
        expect(t.failed, `failed\n${ctx}`).to.equal(!!a.failed);
        expect(t.changed, `changed\n${ctx}`).to.equal(a.changed);
        if (!c.notIdempotent) expect(t.notConverged, 'second check').to.equal(undefined);
        const sa = snapshot(join(dir, 'ansible'), i);
        const st = snapshot(join(dir, 'tsplay'), i);
        expect(st.bytes === null ? null : JSON.stringify(st.bytes), `file bytes\n${ctx}`).to.equal(sa.bytes === null ? null : JSON.stringify(sa.bytes));
        expect(st.mode, 'file mode').to.equal(sa.mode);
        expect(st.backups, 'backup files').to.equal(sa.backups);
        if (!a.failed && a.changed && a.msg) expect(t.msg, 'message').to.include(a.msg);
      });
    }
  });
}
