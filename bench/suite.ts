// The full benchmark: start-up; (a) and (b) on the lab, tsplay against ansible-playbook in
// alternating rounds after a warm-up; round trips per task and host; many light hosts × the
// line edits for scale and peak memory. Besides wall time each run records the controller's CPU
// time and the hosts' own CPU time: the hosts run on this machine's CPUs too, and that share
// shows what limits a figure. Returns the figures; run.ts writes them to bench/RESULTS.md.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BenchKeeper } from './keeper.js';
import { benchLab } from './lab.js';
import { startLightHosts } from './light-hosts.js';
import { expectSuccess, machineInfo, type MachineInfo, median, timed } from './measure.js';
import type { Metric } from './results.js';
import { countRoundTrips, maxNoChangeTrips, meanNoChangeTrips, type TripCount } from './round-trips.js';
import { BATCH_TASKS } from '../engine/runner/prefetch-checks.js';

/** Round trips of a whole no-change run per host, against ceil(tasks / batch). */
function runTrips(label: string, key: string, t: TripCount): Metric {
  const noChange = t.tasks.filter((k) => !k.changed).length;
  return { key, label, value: Math.max(0, ...Object.values(t.totalByHost)), unit: 'round trips', better: 'lower', target: { op: '<=', value: Math.ceil(noChange / BATCH_TASKS) } };
}
import { measureStartup } from './startup.js';
import { type Ansible, expectAllChanged, expectRecap, moduleShims, setupAnsible, tsplayArgv, tsplayVersion } from './tools.js';
import { FIREWALL_PORTS, lineWorkload, mixedWorkload, resetWorkload, type Workload } from './workloads.js';

export interface BenchOptions {
  rounds: number;
  lineTasks: number;
  lightHosts: number;
  scaleRounds: number;
  startupRuns: number;
  /** Rounds of the changed runs of (a) (each tool writes every line once per round). */
  changedRounds: number;
  log: (s: string) => void;
}

export interface BenchOutcome {
  machine: MachineInfo;
  versions: string[];
  setup: string[];
  metrics: Metric[];
  notes: string[];
  samples: string[];
}

type Tool = 'tsplay' | 'ansible';

/** The file (a) edits on each lab host. */
const A_FILE = '/root/tsplay-bench/lines.conf';

/** One measured run. */
interface Sample {
  wallMs: number;
  rssKb: number;
  /** The tool's process and its children (Ansible's ssh and workers). */
  cpuMs: number;
  /** The hosts' side, when it can be read. */
  hostsCpuMs?: number;
}

const seconds = (ms: number) => ms / 1000;
const mb = (kb: number) => kb / 1024;
const fixed = (xs: number[], f: (x: number) => number, digits: number) => xs.map((x) => f(x).toFixed(digits)).join(' ');
/** The hosts' side of a run settles (sessions end, sshd reaps) just after the client exits. */
const settle = () => new Promise((r) => setTimeout(r, 200));

function checkTrips(what: string, t: TripCount): TripCount {
  if (t.code !== 0) throw new Error(`${what}: the in-process run exited ${t.code}\n${t.output.slice(-3000)}`);
  return t;
}

/**
 * A measured run of argv whose recap must show every host fine (and unchanged, for noChange).
 * tsplay's CPU time includes what its connection keeper spent meanwhile.
 */
async function sampleRun(what: string, argv: string[], o: { env?: NodeJS.ProcessEnv; hosts: number; noChange: boolean; changed?: number; hostsCpuMs?: () => number | undefined; keeper?: BenchKeeper }): Promise<Sample> {
  const before = o.hostsCpuMs?.();
  const keeperBefore = await o.keeper?.cpu();
  const m = expectSuccess(what, await timed(argv[0]!, argv.slice(1), { usage: true, env: o.env }));
  expectRecap(what, m.stdout, o.hosts, o.noChange);
  if (o.changed !== undefined) expectAllChanged(what, m.stdout, o.changed);
  let hostsCpuMs: number | undefined;
  if (before !== undefined) {
    await settle();
    hostsCpuMs = o.hostsCpuMs!()! - before;
  }
  const keeperMs = o.keeper ? BenchKeeper.spent(keeperBefore!, await o.keeper.cpu()) : 0;
  return { wallMs: m.wallMs, rssKb: m.maxRssKb!, cpuMs: m.cpuMs! + keeperMs, hostsCpuMs };
}

function cpuMetrics(key: string, what: string, samples: Sample[], reference: boolean): Metric[] {
  const out: Metric[] = [{ key: `${key}_cpu`, label: `${what}: its own CPU time (median)`, value: seconds(median(samples.map((s) => s.cpuMs))), unit: 's', better: 'lower', reference }];
  const hosts = samples.map((s) => s.hostsCpuMs).filter((x): x is number => x !== undefined);
  if (hosts.length) out.push({ key: `${key}_hosts_cpu`, label: `${what}: the hosts' CPU time (median)`, value: seconds(median(hosts)), unit: 's', better: 'lower', reference: true });
  return out;
}

/** The hosts' CPU time per check (median run / checks in it): where a host-side gain shows. */
function perCheck(key: string, what: string, samples: Sample[], checks: number): Metric[] {
  const hosts = samples.map((s) => s.hostsCpuMs).filter((x): x is number => x !== undefined);
  if (!hosts.length) return [];
  return [{ key: `${key}_hosts_cpu_per_check`, label: `${what}: the hosts' CPU time per check (median run / ${checks} checks)`, value: median(hosts) / checks, unit: 'ms a check', better: 'lower' }];
}

function sampleLines(name: string, samples: Sample[]): string[] {
  return [
    `${name} wall s: ${fixed(samples.map((s) => s.wallMs), seconds, 2)}`,
    `${name} CPU s: ${fixed(samples.map((s) => s.cpuMs), seconds, 2)}; hosts' CPU s: ${fixed(samples.map((s) => s.hostsCpuMs ?? NaN), seconds, 2)}; peak RSS MB: ${fixed(samples.map((s) => s.rssKb), mb, 0)}`,
  ];
}

export async function runBenchmark(o: BenchOptions): Promise<BenchOutcome> {
  const machine = machineInfo();
  const work = mkdtempSync(join(tmpdir(), 'tsplay-bench-'));
  const metrics: Metric[] = [];
  const samples: string[] = [];
  const notes: string[] = [];
  const setup: string[] = [];
  const versions = [`tsplay ${tsplayVersion()}`];
  const log = o.log;
  const shims = (w: Workload) => moduleShims(w.modules, join(work, 'modules'));
  const keeper = new BenchKeeper(work);
  try {
    log('start-up');
    const startup = await measureStartup(work, o.startupRuns);
    metrics.push(
      { key: 'startup.first_command', label: 'start-up: spawn of `tsplay run` to its first command (local connection, median)', value: startup.firstCommandMs, unit: 'ms', better: 'lower', target: { op: '<=', value: 150 } },
      { key: 'startup.one_task_run', label: 'whole one-task local run (median)', value: startup.runMs, unit: 'ms', better: 'lower' },
      { key: 'startup.node', label: '`node -e 0` on this machine (the floor, median)', value: startup.nodeMs, unit: 'ms', better: 'lower', reference: true },
    );

    const lab = await benchLab(log, { forAnsible: true });
    let ansible: Ansible | undefined;
    try {
      const hosts = lab.hosts.length;
      const forks = Math.max(5, hosts);
      ansible = await setupAnsible(join(work, 'ansible-config'), lab.knownHostsFile, forks);
      versions.push(`ansible-core ${ansible.version}${ansible.hasUfw ? ' with community.general (ufw)' : ''}`);
      const a = lineWorkload(join(work, 'a'), 'a', o.lineTasks, A_FILE, true);
      const b = mixedWorkload(join(work, 'b'), { pgVersion: lab.pgVersion, peers: lab.hosts.map((h) => h.address), ansibleUfw: ansible.hasUfw });
      setup.push(
        `Lab: ${hosts} Debian ${lab.release} hosts (systemd-nspawn containers booted with systemd, on this machine's CPUs) on a private bridge; both tools use inventory/lab.yml, root over SSH with the lab key, no fact gathering. The hosts' CPU time is read from their cgroups.`,
        `ansible-playbook: pipelining on, forks ${forks}, interpreter /usr/bin/python3 (not discovered), ssh_args \`-C -o ControlMaster=auto -o ControlPersist=60s\` + the lab's known_hosts (so its SSH connections persist across runs); python3 and python3-apt added to the hosts for it.`,
        `tsplay: \`node dist/bundle/cli/main.js run PLAYBOOK -i inventory/lab.yml -f ${hosts} --output plain\`, a new process each run; its SSH connections and their shells kept across runs by tsplay's connection keeper (\`--persist\` 60 s by default, as Ansible's ControlPersist=60s), whose CPU time counts as tsplay's.`,
        `(a): ${o.lineTasks} file_line / lineinfile tasks on one file per host, changing nothing.`,
        `(b): ${b.tasks} tasks changing nothing: apt present (postgresql, ufw), 3 line edits, 2 templates (EJS / Jinja2, same output), ${FIREWALL_PORTS.length} ufw rules (${FIREWALL_PORTS.join(', ')}/tcp), the PostgreSQL ${lab.pgVersion} cluster running (tsplay pg_ctlcluster; Ansible systemd on postgresql@${lab.pgVersion}-main, the unit pg_ctlcluster drives).`,
        `Order: hosts prepared by a tsplay run, one warm-up run of each tool per workload, then ${o.rounds} rounds, the tools alternating which goes first; figures are medians of the rounds, peak RSS the highest.`,
      );
      if (!ansible.hasUfw) notes.push("community.general is not installed: Ansible's ufw tasks in (b) are `command: ufw status` with changed_when: false (a read, not a rule check).");

      const runTool = async (tool: Tool, w: Workload, noChange: boolean, changed?: number): Promise<Sample> => {
        await lab.assertUp();
        const argv = tool === 'tsplay'
          ? tsplayArgv({ playbook: w.tsplay, inventory: lab.inventoryFile, forks: hosts, modulePath: shims(w) })
          : ['ansible-playbook', w.ansible!, '-i', lab.inventoryFile];
        return sampleRun(`${tool} ${w.name}`, argv, { env: tool === 'ansible' ? ansible!.env : undefined, hosts, noChange, changed, hostsCpuMs: lab.hostsCpuMs, keeper: tool === 'tsplay' ? keeper : undefined });
      };

      log('preparing the lab hosts (a tsplay run of each workload)');
      await runTool('tsplay', b, false);
      await runTool('tsplay', a, false);
      log('warm-up');
      for (const w of [a, b]) for (const tool of ['tsplay', 'ansible'] as Tool[]) await runTool(tool, w, true);

      const runs: Record<string, Sample[]> = {};
      for (let round = 0; round < o.rounds; round++) {
        const order: Tool[] = round % 2 ? ['ansible', 'tsplay'] : ['tsplay', 'ansible'];
        for (const w of [a, b]) for (const tool of order) (runs[`${w.name} ${tool}`] ??= []).push(await runTool(tool, w, true));
        log(`round ${round + 1}/${o.rounds}: ` + [a, b].map((w) => `${w.name} tsplay ${seconds(runs[`${w.name} tsplay`]!.at(-1)!.wallMs).toFixed(2)} s, ansible ${seconds(runs[`${w.name} ansible`]!.at(-1)!.wallMs).toFixed(2)} s`).join('; '));
      }
      for (const w of [a, b]) {
        const ts = runs[`${w.name} tsplay`]!;
        const an = runs[`${w.name} ansible`]!;
        const t = median(ts.map((s) => s.wallMs));
        const n = median(an.map((s) => s.wallMs));
        const what = w.name === 'a' ? `(a) ${o.lineTasks} line edits, ${hosts} lab hosts, no change` : `(b) ${w.tasks} mixed tasks, ${hosts} lab hosts, no change`;
        metrics.push(
          { key: `${w.name}.tsplay`, label: `${what}: tsplay median wall`, value: seconds(t), unit: 's', better: 'lower' },
          { key: `${w.name}.ansible`, label: `${what}: ansible-playbook median wall`, value: seconds(n), unit: 's', better: 'lower', reference: true },
          { key: `${w.name}.ratio`, label: `${what}: ansible-playbook / tsplay`, value: n / t, unit: '×', better: 'higher', target: { op: '>=' as const, value: w.name === 'a' ? 25 : 20 } },
          ...cpuMetrics(`${w.name}.tsplay`, `${what}, tsplay`, ts, false),
          ...perCheck(`${w.name}.tsplay`, `${what}, tsplay`, ts, w.tasks * hosts),
          ...cpuMetrics(`${w.name}.ansible`, `${what}, ansible-playbook`, an, true),
          { key: `${w.name}.tsplay_rss`, label: `${what}: tsplay peak RSS`, value: mb(Math.max(...ts.map((s) => s.rssKb))), unit: 'MB', better: 'lower' },
        );
        samples.push(...sampleLines(`${w.name} tsplay`, ts), ...sampleLines(`${w.name} ansible`, an));
        const floor = cpuFloorMs(ts, machine.cpus);
        if (floor !== undefined) {
          notes.push(`(${w.name}): tsplay and the hosts together use ${seconds(floor * machine.cpus).toFixed(2)} s of CPU per run, so on ${machine.cpus} CPUs no run can take less than ${seconds(floor).toFixed(2)} s: at most ${(n / floor).toFixed(1)}× ansible-playbook's median on this machine.`);
        }
      }

      // Changed runs: (a) from a host without the file, so that each of its tasks writes a line.
      log('changed runs of (a)');
      const reset = resetWorkload(join(work, 'reset'), A_FILE);
      const changedRuns: Record<Tool, Sample[]> = { tsplay: [], ansible: [] };
      for (let round = 0; round < o.changedRounds; round++) {
        for (const tool of (round % 2 ? ['ansible', 'tsplay'] : ['tsplay', 'ansible']) as Tool[]) {
          await runTool('tsplay', reset, false);
          changedRuns[tool].push(await runTool(tool, a, false, o.lineTasks));
        }
      }
      {
        const t = median(changedRuns.tsplay.map((s) => s.wallMs));
        const n = median(changedRuns.ansible.map((s) => s.wallMs));
        const what = `(a) changed: ${o.lineTasks} line edits written, ${hosts} lab hosts`;
        metrics.push(
          { key: 'a_changed.tsplay', label: `${what}: tsplay median wall`, value: seconds(t), unit: 's', better: 'lower' },
          { key: 'a_changed.ansible', label: `${what}: ansible-playbook median wall`, value: seconds(n), unit: 's', better: 'lower', reference: true },
          { key: 'a_changed.ratio', label: `${what}: ansible-playbook / tsplay`, value: n / t, unit: '×', better: 'higher', target: { op: '>=' as const, value: 1 } },
          ...cpuMetrics('a_changed.tsplay', `${what}, tsplay`, changedRuns.tsplay, false),
        );
        samples.push(...sampleLines('a changed tsplay', changedRuns.tsplay), ...sampleLines('a changed ansible', changedRuns.ansible));
      }
      // Leave (a)'s file written, as the no-change runs below expect.
      await runTool('tsplay', a, false);

      for (const w of [a, b]) {
        await lab.assertUp();
        const t = checkTrips(`round trips ${w.name}`, await countRoundTrips({ playbook: w.tsplay, inventory: lab.inventoryFile, forks: hosts, modulePath: shims(w) }));
        metrics.push(
          { key: `${w.name}.trips_max`, label: `(${w.name}) most round trips for one no-change task on one host`, value: maxNoChangeTrips(t), unit: 'round trips', better: 'lower', target: { op: '<=', value: 1 } },
          runTrips(`(${w.name}) most round trips for the whole no-change run on one host (checks read ahead ${BATCH_TASKS} tasks at a time)`, `${w.name}.trips_run`, t),
        );
        if (t.tasks.some((k) => k.changed)) notes.push(`(${w.name}): the round-trip run changed something: ${t.tasks.filter((k) => k.changed).map((k) => k.title).join(', ')}`);
        samples.push(
          `${w.name} round trips per task (mean over hosts): ${t.tasks.map((k) => meanOf(Object.values(k.perHost)).toFixed(2)).join(' ')}`,
          `${w.name} round trips per host (run total): ${JSON.stringify(t.totalByHost)}; mean per no-change task and host ${meanNoChangeTrips(t).toFixed(2)}`,
        );
      }
    } finally {
      await ansible?.closeMasters();
      await keeper.stop();
      lab.unreserve();
    }

    log(`scale: ${o.lightHosts} light hosts`);
    const light = await startLightHosts(o.lightHosts, log);
    const files = join(work, 'files');
    try {
      const scale = lineWorkload(join(work, 'scale'), 'scale', o.lineTasks, `${files}/{{ inventory_hostname }}/lines.conf`, false);
      const r = { playbook: scale.tsplay, inventory: light.inventoryFile, forks: o.lightHosts, modulePath: shims(scale) };
      const runScale = (noChange: boolean) => {
        light.assertUp();
        return sampleRun('tsplay scale', tsplayArgv(r), { hosts: o.lightHosts, noChange, hostsCpuMs: light.cpuMs, keeper });
      };
      const first = await runScale(false);
      const runs: Sample[] = [];
      for (let i = 0; i < o.scaleRounds; i++) runs.push(await runScale(true));
      const keeperRssKb = await keeper.peakRssKb();
      light.assertUp();
      const t = checkTrips('round trips scale', await countRoundTrips(r));
      const what = `${o.lightHosts} light hosts × ${o.lineTasks} line edits, no change`;
      metrics.push(
        { key: 'scale.wall', label: `${what}: tsplay median wall`, value: seconds(median(runs.map((s) => s.wallMs))), unit: 's', better: 'lower', target: { op: '<=', value: 2.5 } },
        ...cpuMetrics('scale.tsplay', `${what}, tsplay`, runs, false),
        ...perCheck('scale.tsplay', `${what}, tsplay`, runs, o.lightHosts * o.lineTasks),
        { key: 'scale.rss', label: `${what}: controller peak RSS (the run's and the connection keeper's)`, value: mb(Math.max(first.rssKb, ...runs.map((s) => s.rssKb)) + keeperRssKb), unit: 'MB', better: 'lower', target: { op: '<=', value: 300 } },
        { key: 'scale.trips_max', label: `${what}: most round trips for one no-change task on one host`, value: maxNoChangeTrips(t), unit: 'round trips', better: 'lower', target: { op: '<=', value: 1 } },
        runTrips(`${what}: most round trips for the whole run on one host (checks read ahead ${BATCH_TASKS} tasks at a time)`, 'scale.trips_run', t),
      );
      samples.push(...sampleLines('scale first run (creates the files)', [first]), ...sampleLines('scale tsplay', runs), `scale connection keeper peak RSS MB: ${mb(keeperRssKb).toFixed(0)}`);
      const floor = cpuFloorMs(runs, machine.cpus);
      const hostsCpu = median(runs.map((x) => x.hostsCpuMs!));
      if (floor !== undefined) {
        notes.push(
          `Scale: the light hosts use ${seconds(hostsCpu).toFixed(2)} s of CPU per run (${(hostsCpu / (o.lightHosts * o.lineTasks)).toFixed(1)} ms a check: sshd's session, the login shell, the check's commands; connections included) and tsplay ${seconds(median(runs.map((x) => x.cpuMs))).toFixed(2)} s, ` +
            `so on ${machine.cpus} CPUs no run can take less than ${seconds(floor).toFixed(2)} s; real hosts would bring their own CPUs.`,
        );
      }
      setup.push(`Scale: ${o.lightHosts} light hosts (this machine's sshd, one per network namespace on the bridge tsplayb0, 10.214.0.0/24, all sharing this machine's file system and CPUs; the hosts' CPU time is that of their sshd's sessions, the ones kept open included), ${o.lineTasks} line edits of a per-host file, -f ${o.lightHosts}; the first run creates the files, then ${o.scaleRounds} no-change runs.`);
    } finally {
      await keeper.stop();
      await light.stop();
      rmSync(files, { recursive: true, force: true });
    }
    return { machine, versions, setup, metrics, notes, samples };
  } finally {
    await keeper.close();
    rmSync(work, { recursive: true, force: true });
  }
}

/** The least wall time the median run's CPU time (tool + hosts) allows on this many CPUs. */
function cpuFloorMs(samples: Sample[], cpus: number): number | undefined {
  if (samples.some((x) => x.hostsCpuMs === undefined)) return undefined;
  return median(samples.map((x) => x.cpuMs + x.hostsCpuMs!)) / cpus;
}

function meanOf(xs: number[]): number {
  return xs.length ? xs.reduce((x, y) => x + y, 0) / xs.length : 0;
}
