// The benchmark's quick form (bench/smoke.ts, also `node dist/bench/run.js --smoke`): tsplay
// runs 10 line edits that change nothing on the lab's hosts and on 5 light hosts, finishing
// promptly and costing one round trip per host for all ten (the checks read ahead together),
// counted at the connection layer, and reusing the SSH connections the connection keeper kept
// from the run before (no handshake).
// Also: bench/RESULTS.md's table reads back, and a figure 25 % worse than there is flagged.
import { expect } from 'chai';
import { compare, type Metric, parsePrevious, renderResults } from '../../bench/results.js';
import { runSmoke, type SmokeResult } from '../../bench/smoke.js';
import { BATCH_TASKS } from '../../engine/runner/prefetch-checks.js';

describe('benchmark results: the previous table and regressions', () => {
  const metrics: Metric[] = [
    { key: 'a.tsplay', label: 'wall | with a pipe', value: 0.5, unit: 's', better: 'lower' },
    { key: 'a.ratio', label: 'ratio', value: 20, unit: '×', better: 'higher', target: { op: '>=', value: 20 } },
    { key: 'a.ansible', label: 'reference', value: 8, unit: 's', better: 'lower', reference: true },
  ];
  const machine = { cpus: 2, memoryGiB: 24, kernel: 'k', node: 'v20', loadAverage: 0.5 };
  const markdown = renderResults({ date: new Date(0), command: 'npm run bench', machine, versions: [], setup: [], comparisons: compare(metrics, new Map()), notes: [], samples: [] });

  it('reads every figure of a rendered table back by its key', () => {
    expect([...parsePrevious(markdown)]).to.deep.equal([['a.tsplay', 0.5], ['a.ratio', 20], ['a.ansible', 8]]);
  });

  it('flags a figure more than 25 % worse in its own direction, and judges targets', () => {
    const now = compare(
      [{ ...metrics[0]!, value: 0.6 }, { ...metrics[1]!, value: 14 }, { ...metrics[2]!, value: 4 }],
      parsePrevious(markdown),
    );
    expect(now.map((c) => c.regressed)).to.deep.equal([false, true, false]);
    expect(now[1]!.met).to.equal(false);
    expect(now[2]!.worseBy).to.equal(-0.5);
    expect(renderResults({ date: new Date(0), command: 'c', machine, versions: [], setup: [], comparisons: now, notes: [], samples: [] })).to.include('⚠ 30 % worse');
  });
});

const TASKS = 10;
const LIGHT_HOSTS = 5;
/** Far above what these runs take (about 1 s here): only a hang or a gross slowdown exceeds it. */
const WALL_LIMIT_MS = 10_000;

describe('benchmark smoke: no-change runs on the lab and on light hosts (e2e)', function () {
  let result: SmokeResult;

  before(async function () {
    this.timeout(600_000);
    if (process.getuid?.() !== 0) {
      if (process.env.CI === 'true') throw new Error('the benchmark smoke test needs root (lab, network namespaces, sshd), and CI runs as root: this run is not root');
      console.log('\n  ' + '*'.repeat(72) + '\n  ***  SKIPPED: the benchmark smoke test needs root (lab, namespaces, sshd)  ***\n  ' + '*'.repeat(72) + '\n');
      this.skip();
    }
    result = await runSmoke({ tasks: TASKS, lightHosts: LIGHT_HOSTS, log: (s) => console.log(`      bench: ${s}`) });
  });

  for (const where of ['lab', 'light'] as const) {
    it(`${where}: the ${TASKS} no-change tasks cost one round trip per host (persistent shell, checks read ahead)`, () => {
      const run = result[where];
      expect(run.trips.code).to.equal(0);
      expect(run.trips.tasks.map((t) => t.title)).to.deep.equal(Array.from({ length: TASKS }, (_, i) => `line ${i + 1}`));
      for (const t of run.trips.tasks) {
        expect(t.changed, `${t.title} changed something`).to.equal(false);
        expect(Object.keys(t.perHost), t.title).to.have.length(run.hosts);
        // The first task reads ahead the checks of all ten; 0 there would mean the count misses the connection.
        for (const [host, n] of Object.entries(t.perHost)) expect(n, `${t.title} on ${host}`).to.equal(t.title === 'line 1' ? 1 : 0);
      }
      expect(Object.values(run.trips.totalByHost)).to.deep.equal(Array(run.hosts).fill(Math.ceil(TASKS / BATCH_TASKS)));
    });

    it(`${where}: the no-change CLI run reuses the connections the run before left with the connection keeper: no SSH handshake`, () => {
      expect(result[where].kept).to.deep.equal({ handshakes: 0, reused: result[where].hosts });
    });

    it(`${where}: the no-change CLI run finishes within ${WALL_LIMIT_MS / 1000} s`, () => {
      expect(result[where].hosts).to.equal(where === 'light' ? LIGHT_HOSTS : result.lab.hosts);
      expect(result[where].wallMs).to.be.below(WALL_LIMIT_MS);
    });
  }
});
