// The read-ahead of checks (engine/runner/prefetch-checks.ts) reads a speculative module's
// declared probes ahead of its check, and nothing else: a speculative module that read for
// itself would never be read ahead.
import { expect } from 'chai';
import { bundledModules } from '../../modules/index.js';

describe('bundled modules: speculative checks declare their reads', () => {
  it('every speculative module has probes', () => {
    const missing = Object.values(bundledModules).filter((m) => m.speculative && !m.probes).map((m) => m.name);
    expect(missing).to.deep.equal([]);
  });
});
