// The full benchmark: start-up; (a) and (b) on the lab, tsplay against ansible-playbook in
// alternating rounds after a warm-up; round trips per task and host; 50 light hosts × 30 tasks
// for scale and peak memory. Returns the figures; run.ts writes them to bench/RESULTS.md.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { benchLab } from './lab.js';
import { startLightHosts } from './light-hosts.js';
import { expectSuccess, machineInfo, type MachineInfo, type Measured, median, timed } from './measure.js';
import type { Metric } from './results.js';
import { countRoundTrips, maxNoChangeTrips, meanNoChangeTrips, type TripCount } from './round-trips.js';
import { measureStartup } from './startup.js';
import { type Ansible, expectRecap, moduleShims, setupAnsible, tsplayArgv, tsplayVersion } from './tools.js';
import { FIREWALL_PORTS, lineWorkload, mixedWorkload, type Workload } from './workloads.js';

export interface BenchOptions {
  rounds: number;
  lineTasks: number;
  lightHosts: number;
  scaleRounds: number;
  startupRuns: number;
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

const seconds = (ms: number) => ms / 1000;
const mb = (kb: number) => kb / 1024;
const list = (xs: number[], f: (x: number) => string) => xs.map(f).join(' ');

function checkTrips(what: string, t: TripCount): TripCount {
  if (t.code !== 0) throw new Error(`${what}: the in-process run exited ${t.code}\n${t.output.slice(-3000)}`);
  return t;
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
  try {
    log('start-up');
    const startup = await measureStartup(work, o.startupRuns);
    metrics.push(
      { key: 'startup.first_command', label: 'start-up: spawn of `tsplay run` to its first command (local connection)', value: startup.firstCommandMs, unit: 'ms', better: 'lower', target: { op: '<=', value: 300 } },
      { key: 'startup.one_task_run', label: 'whole one-task local run', value: startup.runMs, unit: 'ms', better: 'lower' },
      { key: 'startup.node', label: '`node -e 0` on this machine (the floor)', value: startup.nodeMs, unit: 'ms', better: 'lower', reference: true },
    );

    const shims = (w: Workload) => moduleShims(w.modules, join(work, 'modules'));
    const lab = await benchLab(log, { forAnsible: true });
    let ansible: Ansible | undefined;
    try {
      ansible = await setupAnsible(join(work, 'ansible-config'), lab.knownHostsFile, Math.max(5, lab.hosts.length));
      versions.push(`ansible-core ${ansible.version}${ansible.hasUfw ? ' with community.general (ufw)' : ''}`);
      const a = lineWorkload(join(work, 'a'), 'a', o.lineTasks, '/root/tsplay-bench/lines.conf', true);
      const b = mixedWorkload(join(work, 'b'), { pgVersion: lab.pgVersion, peers: lab.hosts.map((h) => h.address), ansibleUfw: ansible.hasUfw });
      const hosts = lab.hosts.length;
      setup.push(
        `Lab: ${hosts} Debian ${lab.release} hosts (systemd-nspawn, booted with systemd) on a private bridge; both tools use inventory/lab.yml, root over SSH with the lab key, no fact gathering.`,
        `ansible-playbook: pipelining on, forks ${Math.max(5, hosts)}, interpreter /usr/bin/python3 (not discovered), ssh_args \`-C -o ControlMaster=auto -o ControlPersist=60s\` + the lab's known_hosts (so its SSH connections persist across runs); python3-apt added to the hosts for its apt module.`,
        `tsplay: \`node dist/engine/cli/main.js run PLAYBOOK -i inventory/lab.yml -f N --output plain\`, a new process and new SSH connections each run.`,
        `(a): ${o.lineTasks} file_line / lineinfile tasks on one file per host, changing nothing.`,
        `(b): ${b.tasks} tasks changing nothing: apt present (postgresql, ufw), 2 templates (EJS / Jinja2, same output), 3 line edits, ${FIREWALL_PORTS.length} ufw rules (${FIREWALL_PORTS.join(', ')}/tcp), the PostgreSQL ${lab.pgVersion} cluster running (tsplay pg_ctlcluster; Ansible systemd on postgresql@${lab.pgVersion}-main, the unit pg_ctlcluster drives).`,
        `Order: hosts prepared by a tsplay run, one warm-up run of each tool, then ${o.rounds} rounds, the tools alternating which goes first; figures are medians of the rounds.`,
      );
      if (!ansible.hasUfw) notes.push("community.general is not installed: Ansible's ufw tasks in (b) are `command: ufw status` with changed_when: false (a read, not a rule check).");

      const runTool = async (tool: Tool, w: Workload, noChange: boolean): Promise<Measured> => {
        await lab.assertUp();
        const m =
          tool === 'tsplay'
            ? await timed(process.execPath, tsplayArgv({ playbook: w.tsplay, inventory: lab.inventoryFile, forks: hosts, modulePath: shims(w) }).slice(1), { rss: true })
            : await timed('ansible-playbook', [w.ansible!, '-i', lab.inventoryFile], { rss: true, env: ansible!.env });
        expectSuccess(`${tool} ${w.name}`, m);
        expectRecap(`${tool} ${w.name}`, m.stdout, hosts, noChange);
        return m;
      };

      log('preparing the lab hosts (a tsplay run of each workload)');
      await runTool('tsplay', b, false);
      await runTool('tsplay', a, false);
      log('warm-up');
      for (const w of [a, b]) for (const tool of ['tsplay', 'ansible'] as Tool[]) await runTool(tool, w, true);

      const walls: Record<string, number[]> = {};
      const rss: Record<string, number[]> = {};
      for (let round = 0; round < o.rounds; round++) {
        const order: Tool[] = round % 2 ? ['ansible', 'tsplay'] : ['tsplay', 'ansible'];
        for (const w of [a, b]) {
          for (const tool of order) {
            const m = await runTool(tool, w, true);
            (walls[`${w.name}.${tool}`] ??= []).push(m.wallMs);
            (rss[`${w.name}.${tool}`] ??= []).push(m.maxRssKb!);
          }
        }
        log(`round ${round + 1}/${o.rounds}: ` + ['a', 'b'].map((w) => `${w} tsplay ${seconds(walls[`${w}.tsplay`]!.at(-1)!).toFixed(2)} s, ansible ${seconds(walls[`${w}.ansible`]!.at(-1)!).toFixed(2)} s`).join('; '));
      }
      for (const w of [a, b]) {
        const t = median(walls[`${w.name}.tsplay`]!);
        const an = median(walls[`${w.name}.ansible`]!);
        const what = w.name === 'a' ? `(a) ${o.lineTasks} line edits` : `(b) ${w.tasks} mixed tasks`;
        metrics.push(
          { key: `${w.name}.tsplay`, label: `${what}, ${hosts} lab hosts, no change: tsplay median wall`, value: seconds(t), unit: 's', better: 'lower' },
          { key: `${w.name}.ansible`, label: `${what}: ansible-playbook median wall`, value: seconds(an), unit: 's', better: 'lower', reference: true },
          { key: `${w.name}.ratio`, label: `${what}: ansible-playbook / tsplay`, value: an / t, unit: '×', better: 'higher', ...(w.name === 'a' ? { target: { op: '>=' as const, value: 20 } } : {}) },
          { key: `${w.name}.tsplay_rss`, label: `${what}: tsplay peak RSS`, value: mb(Math.max(...rss[`${w.name}.tsplay`]!)), unit: 'MB', better: 'lower' },
        );
        for (const tool of ['tsplay', 'ansible']) samples.push(`${w.name} ${tool} wall s: ${list(walls[`${w.name}.${tool}`]!, (x) => seconds(x).toFixed(2))}`);
        samples.push(`${w.name} ansible peak RSS MB: ${list(rss[`${w.name}.ansible`]!, (x) => mb(x).toFixed(0))}`);
      }

      for (const w of [a, b]) {
        await lab.assertUp();
        const t = checkTrips(`round trips ${w.name}`, await countRoundTrips({ playbook: w.tsplay, inventory: lab.inventoryFile, forks: hosts, modulePath: shims(w) }));
        metrics.push({ key: `${w.name}.trips_max`, label: `(${w.name}) most round trips for one no-change task on one host`, value: maxNoChangeTrips(t), unit: 'round trips', better: 'lower', target: { op: '<=', value: 1 } });
        samples.push(`${w.name} round trips per task (mean over hosts): ${t.tasks.map((k) => meanOf(Object.values(k.perHost)).toFixed(2)).join(' ')}`);
        if (t.tasks.some((k) => k.changed)) notes.push(`(${w.name}): the round-trip run changed something: ${t.tasks.filter((k) => k.changed).map((k) => k.title).join(', ')}`);
        samples.push(`${w.name} round trips per host (run total): ${JSON.stringify(t.totalByHost)}, mean per no-change task ${meanNoChangeTrips(t).toFixed(2)}`);
      }
    } finally {
      await ansible?.closeMasters();
      lab.unreserve();
    }

    log(`scale: ${o.lightHosts} light hosts`);
    const light = await startLightHosts(o.lightHosts, log);
    const files = join(work, 'files');
    try {
      const scale = lineWorkload(join(work, 'scale'), 'scale', o.lineTasks, `${files}/{{ inventory_hostname }}/lines.conf`, false);
      const argv = tsplayArgv({ playbook: scale.tsplay, inventory: light.inventoryFile, forks: o.lightHosts, modulePath: shims(scale) });
      const runScale = async (noChange: boolean) => {
        light.assertUp();
        const m = expectSuccess('tsplay scale', await timed(argv[0]!, argv.slice(1), { rss: true }));
        expectRecap('tsplay scale', m.stdout, o.lightHosts, noChange);
        return m;
      };
      const first = await runScale(false);
      const runs: Measured[] = [];
      for (let i = 0; i < o.scaleRounds; i++) runs.push(await runScale(true));
      light.assertUp();
      const t = checkTrips('round trips scale', await countRoundTrips({ playbook: scale.tsplay, inventory: light.inventoryFile, forks: o.lightHosts, modulePath: shims(scale) }));
      const what = `${o.lightHosts} light hosts × ${o.lineTasks} line edits`;
      metrics.push(
        { key: 'scale.wall', label: `${what}, no change: tsplay median wall`, value: seconds(median(runs.map((r) => r.wallMs))), unit: 's', better: 'lower', target: { op: '<=', value: 3 } },
        { key: 'scale.rss', label: `${what}: controller peak RSS`, value: mb(Math.max(...runs.map((r) => r.maxRssKb!), first.maxRssKb!)), unit: 'MB', better: 'lower', target: { op: '<=', value: 300 } },
        { key: 'scale.trips_max', label: `${what}: most round trips for one no-change task on one host`, value: maxNoChangeTrips(t), unit: 'round trips', better: 'lower', target: { op: '<=', value: 1 } },
      );
      samples.push(
        `scale first run (creates the files): ${seconds(first.wallMs).toFixed(2)} s, ${mb(first.maxRssKb!).toFixed(0)} MB`,
        `scale no-change wall s: ${list(runs.map((r) => r.wallMs), (x) => seconds(x).toFixed(2))}; peak RSS MB: ${list(runs.map((r) => r.maxRssKb!), (x) => mb(x).toFixed(0))}`,
      );
      setup.push(`Scale: ${o.lightHosts} light hosts (the machine's sshd, one per network namespace on the bridge tsplayb0, 10.214.0.0/24, all sharing this machine's file system), ${o.lineTasks} line edits of a per-host file, -f ${o.lightHosts}; first run creates the files, then ${o.scaleRounds} no-change runs; peak RSS is the highest of all runs.`);
    } finally {
      await light.stop();
      rmSync(files, { recursive: true, force: true });
    }
    return { machine, versions, setup, metrics, notes, samples };
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

function meanOf(xs: number[]): number {
  return xs.length ? xs.reduce((x, y) => x + y, 0) / xs.length : 0;
}
