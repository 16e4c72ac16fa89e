// Runs every fixture file in cases/ through the generic harness.
import { expect } from 'chai';
import { readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type CaseFile, runCase } from './harness.js';

const dir = join(dirname(fileURLToPath(import.meta.url)), 'cases');
const files = readdirSync(dir).filter((f) => f.endsWith('.cases.js')).sort();
const loaded = await Promise.all(files.map(async (f) => ((await import(join(dir, f))) as { default: CaseFile }).default));

for (const file of loaded) {
  describe(`module ${file.module.name} (fixtures)`, () => {
    for (const c of file.cases) {
      it(c.name, async () => {
        const run = await runCase(file.module, c);
        const maxTrips = c.expect.checkRoundTrips ?? 1;
        expect(run.checkConn.roundTrips, 'round trips of one check').to.be.at.most(maxTrips);
        for (const secret of c.expect.never ?? []) {
          const all = [run.checkConn, ...(run.applyConn ? [run.applyConn] : []), ...run.peerConns].flatMap((conn) => conn.commands);
          for (const x of all) {
            expect(x.command).to.not.include(secret);
          }
          expect(JSON.stringify(run.first ?? {})).to.not.include(secret);
          expect(run.error?.message ?? '').to.not.include(secret);
        }
        if (c.expect.error) {
          expect(run.error, 'the case fails').to.exist;
          expect(run.error!.message).to.match(c.expect.error);
          if (run.first) expect(run.first.changed, 'check before the failing apply').to.equal(c.expect.changed);
          return;
        }
        const first = run.first!;
        expect(first.changed, first.changed ? first.description : first.reason).to.equal(c.expect.changed);
        const message = first.changed ? first.description : first.reason;
        expect(message, 'every outcome says why').to.be.a('string').and.not.empty;
        if (c.expect.message) expect(message).to.match(c.expect.message);
        if (first.changed) {
          const sent = [run.applyConn!, ...run.peerConns].flatMap((conn) => conn.commands.map((x) => x.command));
          for (const re of c.expect.applies ?? []) expect(sent.some((s) => re.test(s)), `apply sends ${re}\n${sent.join('\n---\n')}`).to.be.true;
          // An action (kind: run) cannot be read back: the step does not check it again.
          if (first.kind !== 'run') {
            expect(c.after, 'a changing case says how the host looks after').to.exist;
            expect(run.second!.changed, 'second pass reports no change').to.equal(false);
          }
        }
      });
    }
  });
}
