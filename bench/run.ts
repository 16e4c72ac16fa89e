// `npm run bench` (= node dist/bench/run.js): the full benchmark, written to bench/RESULTS.md and
// compared with the previous one; exits 1 when a target is missed or a tsplay figure got more
// than 25 % worse. `--smoke`: the quick CI form (tsplay only, a few tasks and hosts).
// Needs root (the lab and the light hosts); contacts only the lab's and its own namespaces.
import { fileURLToPath } from 'node:url';
import { compare, formatValue, readPrevious, renderResults, type Report, writeResults } from './results.js';
import { maxNoChangeTrips } from './round-trips.js';
import { runSmoke } from './smoke.js';
import { runBenchmark } from './suite.js';

const RESULTS = fileURLToPath(new URL('../../bench/RESULTS.md', import.meta.url));
const log = (s: string) => process.stderr.write(`bench: ${s}\n`);

function option(name: string, fallback: number): number {
  const i = process.argv.indexOf(name);
  if (i < 0) return fallback;
  const n = Number(process.argv[i + 1]);
  if (!Number.isInteger(n) || n < 1) throw new Error(`${name} needs a positive integer`);
  return n;
}

async function smoke(): Promise<number> {
  const r = await runSmoke({ tasks: option('--tasks', 10), lightHosts: option('--hosts', 5), log });
  let bad = 0;
  for (const [what, run] of Object.entries(r)) {
    const most = maxNoChangeTrips(run.trips);
    const ok = run.trips.code === 0 && most <= 1;
    if (!ok) bad++;
    process.stdout.write(`${what}: ${run.hosts} hosts, no-change run ${(run.wallMs / 1000).toFixed(2)} s, most round trips per task per host ${most}${ok ? '' : '  FAILED'}\n`);
  }
  return bad ? 1 : 0;
}

async function full(): Promise<number> {
  const outcome = await runBenchmark({
    rounds: option('--rounds', 5),
    lineTasks: option('--tasks', 30),
    lightHosts: option('--hosts', 50),
    scaleRounds: option('--scale-rounds', 3),
    startupRuns: option('--startup-runs', 10),
    changedRounds: option('--changed-rounds', 3),
    log,
  });
  const comparisons = compare(outcome.metrics, readPrevious(RESULTS));
  const report: Report = { date: new Date(), command: 'npm run bench', ...outcome, comparisons };
  writeResults(RESULTS, report);
  process.stdout.write(renderResults(report));
  const problems = comparisons.flatMap((c) => [
    ...(c.met === false ? [`${c.metric.key} = ${formatValue(c.metric)} misses its target`] : []),
    ...(c.regressed && !c.metric.reference ? [`${c.metric.key} = ${formatValue(c.metric)} is more than 25 % worse than before`] : []),
  ]);
  for (const p of problems) log(`PROBLEM: ${p}`);
  log(`results written to ${RESULTS}`);
  return problems.length ? 1 : 0;
}

try {
  process.exitCode = process.argv.includes('--smoke') ? await smoke() : await full();
} catch (e) {
  log(`failed: ${(e as Error).stack ?? String(e)}`);
  process.exitCode = 2;
}
