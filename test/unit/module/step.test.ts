// The module step (engine/module/step.ts): what runs in check mode and in a real run, which
// kinds of change are re-checked, and how a failure of the module is turned into a task failure.
import { expect } from 'chai';
import { defineModule, type CheckResult } from '../../../engine/module-api.js';
import { ModuleRaisedError, NotConvergedError } from '../../../engine/errors.js';
import { checkModeOf, probesOf, runStep } from '../../../engine/module/step.js';
import { probe } from '../../../engine/module/probe.js';
import { fakeContext } from '../../modules/harness.js';
import { FakeConnection } from '../../support/fake-connection.js';

/** A module whose check answers from a list, counting checks and applies. */
function scripted(checks: CheckResult[], opts: { applyThrows?: unknown } = {}) {
  const calls = { check: 0, apply: 0 };
  const mod = defineModule<Record<string, never>>({
    name: 'scripted',
    summary: 'test',
    schema: { type: 'object' },
    async check() {
      return checks[Math.min(calls.check++, checks.length - 1)]!;
    },
    async apply() {
      calls.apply++;
      if (opts.applyThrows !== undefined) throw opts.applyThrows;
    },
  });
  return { mod, calls };
}

const ctx = (checkMode: boolean) => fakeContext(new FakeConnection('h1', []), {}, checkMode);

describe('module step', () => {
  it("a task's check_mode wins over the run's --check, both ways", () => {
    expect(checkModeOf(undefined, true)).to.equal(true);
    expect(checkModeOf(undefined, false)).to.equal(false);
    expect(checkModeOf(true, false)).to.equal(true);
    expect(checkModeOf(false, true)).to.equal(false);
  });

  it('check mode: the prediction, apply never runs; an action says it would run', async () => {
    const { mod, calls } = scripted([{ changed: true, description: 'run: ls', kind: 'run' }]);
    const r = await runStep(mod, {}, ctx(true));
    expect(r).to.include({ outcome: 'predicted', message: 'would run: ls' });
    expect(calls).to.deep.equal({ check: 1, apply: 0 });
  });

  it('a real run of an action: applied, not re-checked, and it never says "would"', async () => {
    const { mod, calls } = scripted([{ changed: true, description: 'run: ls', kind: 'run' }]);
    const r = await runStep(mod, {}, ctx(false));
    expect(r).to.include({ outcome: 'changed', message: 'run: ls' });
    expect(calls).to.deep.equal({ check: 1, apply: 1 });
  });

  for (const kind of ['create', 'modify', 'remove', undefined] as const) {
    it(`a ${kind ?? 'default (modify)'} change is re-checked; a change that did not take is refused, naming it`, async () => {
      const changed: CheckResult = { changed: true, description: 'set x', ...(kind ? { kind } : {}) };
      const ok = scripted([changed, { changed: false, reason: 'x is set' }]);
      const r = await runStep(ok.mod, {}, ctx(false));
      expect(r.outcome === 'changed' && r.verified?.reason).to.equal('x is set');
      expect(ok.calls).to.deep.equal({ check: 2, apply: 1 });
      const stuck = scripted([changed, { changed: true, description: 'set x (still)' }]);
      const err = await runStep(stuck.mod, {}, ctx(false)).catch((e: Error) => e);
      expect(err).to.be.instanceOf(NotConvergedError);
      expect((err as Error).message).to.match(/^scripted did not converge: it (created|made the change|removed) \(set x\), yet the check right after still reports: set x \(still\)$/);
    });
  }

  it("the module's own words for a non-convergence", async () => {
    const { mod } = scripted([{ changed: true, description: 'a' }]);
    mod.notConverged = (_a, change, again) => `because ${change.description} then ${again.description}`;
    const err = await runStep(mod, {}, ctx(false)).catch((e: Error) => e);
    expect((err as Error).message).to.equal('scripted did not converge: because a then a');
  });

  it('anything else a module throws becomes a ModuleRaisedError (the task fails, not the run)', async () => {
    const { mod } = scripted([{ changed: true, description: 'a' }], { applyThrows: new TypeError("Cannot read properties of undefined (reading 'x')") });
    const err = await runStep(mod, {}, ctx(false)).catch((e: Error) => e);
    expect(err).to.be.instanceOf(ModuleRaisedError);
    expect((err as Error).message).to.equal("module 'scripted' raised TypeError: Cannot read properties of undefined (reading 'x') in apply");
    const odd = scripted([{ changed: true, description: 'a' }], { applyThrows: 'a string' });
    expect(((await runStep(odd.mod, {}, ctx(false)).catch((e: Error) => e)) as Error).message).to.equal(`module 'scripted' raised string "a string" in apply`);
  });
});

describe('module step: declared probes', () => {
  it("runs a check's probes in one round trip and hands it the parsed values; the re-check reads afresh", async () => {
    const seen: Record<string, unknown>[] = [];
    const mod = defineModule<{ path: string }>({
      name: 'probed',
      summary: 'test',
      schema: { type: 'object' },
      probes: (a) => ({ exists: probe(`test -e ${a.path}`, (o) => o.rc === 0), mode: probe(`stat -c %a ${a.path}`, (o) => o.out.trim()) }),
      async check(_ctx, a, probed) {
        seen.push(probed);
        return probed.exists ? { changed: false, reason: `${a.path} is there` } : { changed: true, kind: 'create', description: `create ${a.path}` };
      },
      async apply() {},
    });
    expect(probesOf(mod, { path: '/x' })).to.have.keys('exists', 'mode');
    const conn = new FakeConnection('h1', [{ match: 'test -e /x', stdout: "@@tsplay@@ exists\n@@tsplay@@rc 0\n@@tsplay@@ mode\n644\n@@tsplay@@rc 0\n" }]);
    const r = await runStep(mod, { path: '/x' }, fakeContext(conn));
    expect(r.outcome).to.equal('unchanged');
    expect(conn.roundTrips).to.equal(1);
    expect(seen).to.deep.equal([{ exists: true, mode: '644' }]);
    const before = new FakeConnection('h1', [{ match: 'test -e /x', stdout: '@@tsplay@@ exists\n@@tsplay@@rc 1\n@@tsplay@@ mode\n@@tsplay@@rc 1\n' }]);
    const after = new FakeConnection('h1', [{ match: 'test -e /x', stdout: '@@tsplay@@ exists\n@@tsplay@@rc 0\n@@tsplay@@ mode\n600\n@@tsplay@@rc 0\n' }]);
    const changed = await runStep(mod, { path: '/x' }, fakeContext(before), { verify: fakeContext(after) });
    expect(changed.outcome === 'changed' && changed.verified?.reason).to.equal('/x is there');
    expect(after.roundTrips).to.equal(1);
  });
});
