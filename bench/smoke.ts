// The benchmark's quick form for CI: tsplay alone, (a) with a few tasks on the lab and a few
// light hosts, reporting wall times and round trips of the no-change runs, and whether those
// runs reused the connections the connection keeper kept from the run before.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BenchKeeper } from './keeper.js';
import { benchLab } from './lab.js';
import { startLightHosts } from './light-hosts.js';
import { expectSuccess, timed } from './measure.js';
import { countRoundTrips, type TripCount } from './round-trips.js';
import { expectRecap, moduleShims, tsplayArgv, type TsplayRun } from './tools.js';
import { lineWorkload } from './workloads.js';

export interface SmokeOptions {
  tasks: number;
  lightHosts: number;
  log: (s: string) => void;
}

export interface SmokeRun {
  hosts: number;
  /** Wall time of a no-change CLI run. */
  wallMs: number;
  trips: TripCount;
  /** The connection keeper during the no-change CLI run: SSH handshakes it made, runs it served from kept connections. */
  kept: { handshakes: number; reused: number };
}

export interface SmokeResult {
  lab: SmokeRun;
  light: SmokeRun;
}

/** A first run (converges), a timed no-change CLI run, then an in-process no-change run counting round trips. */
async function measureRun(what: string, r: TsplayRun, hosts: number, assertUp: () => unknown, keeper: BenchKeeper): Promise<SmokeRun> {
  const [cmd, ...args] = tsplayArgv(r);
  await assertUp();
  expectRecap(`${what} (first run)`, expectSuccess(what, await timed(cmd!, args)).stdout, hosts, false);
  await assertUp();
  const before = await keeper.stats();
  const m = expectSuccess(what, await timed(cmd!, args));
  const after = await keeper.stats();
  expectRecap(what, m.stdout, hosts, true);
  await assertUp();
  const kept = { handshakes: (after?.handshakes ?? 0) - (before?.handshakes ?? 0), reused: (after?.reused ?? 0) - (before?.reused ?? 0) };
  return { hosts, wallMs: m.wallMs, trips: await countRoundTrips(r), kept };
}

export async function runSmoke(o: SmokeOptions): Promise<SmokeResult> {
  const work = mkdtempSync(join(tmpdir(), 'tsplay-bench-smoke-'));
  const keeper = new BenchKeeper(work);
  try {
    const lab = await benchLab(o.log, { forAnsible: false });
    let labRun: SmokeRun;
    try {
      const w = lineWorkload(join(work, 'lab'), 'smoke', o.tasks, '/root/tsplay-bench/smoke-lines.conf', false);
      const r = { playbook: w.tsplay, inventory: lab.inventoryFile, forks: lab.hosts.length, modulePath: moduleShims(w.modules, join(work, 'modules')) };
      labRun = await measureRun('tsplay smoke on the lab', r, lab.hosts.length, lab.assertUp, keeper);
    } finally {
      await keeper.stop();
      lab.unreserve();
    }
    const light = await startLightHosts(o.lightHosts, o.log);
    try {
      const w = lineWorkload(join(work, 'light'), 'smoke', o.tasks, `${work}/files/{{ inventory_hostname }}/lines.conf`, false);
      const r = { playbook: w.tsplay, inventory: light.inventoryFile, forks: o.lightHosts, modulePath: moduleShims(w.modules, join(work, 'modules')) };
      return { lab: labRun, light: await measureRun('tsplay smoke on light hosts', r, o.lightHosts, light.assertUp, keeper) };
    } finally {
      await keeper.stop();
      await light.stop();
    }
  } finally {
    await keeper.close();
    rmSync(work, { recursive: true, force: true });
  }
}
