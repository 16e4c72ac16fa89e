// The two tools under test as command lines: tsplay's CLI and ansible-playbook (pipelining on,
// host keys checked against the lab's known_hosts, SSH ControlMaster/ControlPersist as Ansible's
// defaults have them), and reading their PLAY RECAP.
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { bundledModules } from '../modules/index.js';

const run = promisify(execFile);

export const CLI = fileURLToPath(new URL('../bundle/cli/main.js', import.meta.url));
const MODULES_DIR = fileURLToPath(new URL('../modules/', import.meta.url));
export const REPO = fileURLToPath(new URL('../../', import.meta.url));

export function tsplayVersion(): string {
  return (JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8')) as { version: string }).version;
}

/**
 * Modules the workloads use that the bundled registry does not list yet get a one-line
 * re-export in `dir`, loaded with --module-path; returns that folder, or undefined if none is needed.
 */
export function moduleShims(names: string[], dir: string): string | undefined {
  const bundled = new Set(bundledModules.map((m) => m.name));
  const missing = names.filter((n) => !bundled.has(n));
  if (!missing.length) return undefined;
  mkdirSync(dir, { recursive: true });
  for (const n of missing) {
    const file = join(MODULES_DIR, `${n}.js`);
    if (!existsSync(file)) throw new Error(`the workload needs the module ${n}, which is not built (${file})`);
    writeFileSync(join(dir, `${n}.js`), `export { default } from ${JSON.stringify(pathToFileURL(file).href)};\n`);
  }
  return dir;
}

export interface TsplayRun {
  playbook: string;
  inventory: string;
  forks: number;
  modulePath?: string;
}

/** `node main.js run …` as argv (first element: the node binary). */
export function tsplayArgv(r: TsplayRun): string[] {
  return [
    process.execPath, CLI, 'run', r.playbook, '-i', r.inventory, '-f', String(r.forks), '--output', 'plain',
    ...(r.modulePath ? ['--module-path', r.modulePath] : []),
  ];
}

export interface Ansible {
  version: string;
  /** community.general.ufw is installed (Debian's `ansible` package has it; ansible-core alone does not). */
  hasUfw: boolean;
  env: NodeJS.ProcessEnv;
  /** Ends the SSH ControlMaster processes that ansible's runs left (ControlPersist). */
  closeMasters(): Promise<void>;
}

/** The version, or undefined when ansible-playbook is not installed. */
export async function ansibleVersion(): Promise<string | undefined> {
  try {
    const { stdout } = await run('ansible-playbook', ['--version']);
    return /core ([\d.]+)/.exec(stdout)?.[1] ?? stdout.split('\n')[0];
  } catch {
    return undefined;
  }
}

/**
 * Whether ansible-doc knows the module. `ansible-doc NAME` exits 0 with only a warning for a module
 * it cannot find (issue 16), so this reads its JSON answer, which is `{}` then.
 */
export async function hasModule(name: string, env: NodeJS.ProcessEnv = process.env): Promise<boolean> {
  try {
    const { stdout } = await run('ansible-doc', ['--json', '-t', 'module', name], { env });
    return name in (JSON.parse(stdout) as Record<string, unknown>);
  } catch {
    return false;
  }
}

/** An ansible.cfg in `dir` for runs against hosts whose keys are in knownHostsFile. */
export async function setupAnsible(dir: string, knownHostsFile: string, forks: number): Promise<Ansible> {
  const version = await ansibleVersion();
  if (!version) throw new Error('ansible-playbook is not installed (apt-get install ansible-core)');
  const controlDir = join(dir, 'cp');
  mkdirSync(controlDir, { recursive: true });
  const cfg = join(dir, 'ansible.cfg');
  writeFileSync(cfg, [
    '[defaults]',
    `forks = ${forks}`,
    'gathering = explicit',
    'host_key_checking = True',
    // Named, not discovered: discovery would cost Ansible a round trip per host and run.
    'interpreter_python = /usr/bin/python3',
    'retry_files_enabled = False',
    'nocolor = True',
    `local_tmp = ${join(dir, 'tmp')}`,
    '',
    '[ssh_connection]',
    'pipelining = True',
    // Ansible's default ssh_args (-C, ControlMaster, ControlPersist) plus the lab's known_hosts.
    `ssh_args = -C -o ControlMaster=auto -o ControlPersist=60s -o UserKnownHostsFile=${knownHostsFile} -o GlobalKnownHostsFile=/dev/null`,
    `control_path_dir = ${controlDir}`,
    '',
  ].join('\n'));
  const env = { ...process.env, ANSIBLE_CONFIG: cfg, ANSIBLE_PIPELINING: '1', ANSIBLE_NOCOLOR: '1', ANSIBLE_FORCE_COLOR: '0' };
  const hasUfw = await hasModule('community.general.ufw', env);
  return {
    version,
    hasUfw,
    env,
    async closeMasters() {
      for (const socket of existsSync(controlDir) ? readdirSync(controlDir) : []) {
        await run('ssh', ['-o', `ControlPath=${join(controlDir, socket)}`, '-O', 'exit', 'bench-master']).catch(() => undefined);
      }
    },
  };
}

export interface RecapLine {
  host: string;
  ok: number;
  changed: number;
  unreachable: number;
  failed: number;
}

/** The PLAY RECAP lines (`host : ok=N changed=N unreachable=N failed=N …`), the same in both tools. */
export function parseRecap(stdout: string): RecapLine[] {
  const at = stdout.lastIndexOf('PLAY RECAP');
  if (at < 0) return [];
  const out: RecapLine[] = [];
  for (const m of stdout.slice(at).matchAll(/^(\S+)\s+:\s+ok=(\d+)\s+changed=(\d+)\s+unreachable=(\d+)\s+failed=(\d+)/gm)) {
    out.push({ host: m[1]!, ok: Number(m[2]), changed: Number(m[3]), unreachable: Number(m[4]), failed: Number(m[5]) });
  }
  return out;
}

/** Fails unless the run reached every host, failed nowhere and (for a no-change run) changed nothing. */
export function expectRecap(what: string, stdout: string, hosts: number, noChange: boolean): void {
  const recap = parseRecap(stdout);
  const bad = recap.filter((r) => r.unreachable || r.failed || (noChange && r.changed));
  if (recap.length !== hosts || bad.length) {
    const changedTasks = noChange ? changedTaskTitles(stdout) : [];
    throw new Error(
      `${what}: expected ${hosts} hosts with no failure${noChange ? ' and no change' : ''}, got ${recap.length} recap lines` +
        `${bad.length ? `; ${bad.map((r) => `${r.host} changed=${r.changed} failed=${r.failed} unreachable=${r.unreachable}`).join(', ')}` : ''}` +
        `${changedTasks.length ? `\nchanged tasks: ${changedTasks.join(' | ')}` : ''}\n--- output (end) ---\n${stdout.slice(-3000)}`,
    );
  }
}

/** Every host's recap counts `tasks` changed: the run wrote everything (the changed runs of (a)). */
export function expectAllChanged(what: string, stdout: string, tasks: number): void {
  const short = parseRecap(stdout).filter((r) => r.changed !== tasks);
  if (short.length) throw new Error(`${what}: expected changed=${tasks} on every host, got ${short.map((r) => `${r.host} changed=${r.changed}`).join(', ')}\n${stdout.slice(-3000)}`);
}

/** The titles of the tasks that reported `changed:` for some host (both tools print TASK [title]). */
function changedTaskTitles(stdout: string): string[] {
  const titles: string[] = [];
  let current = '';
  for (const line of stdout.split('\n')) {
    const t = /^(?:TASK|RUNNING HANDLER) \[(.*)\]/.exec(line);
    if (t) current = t[1]!;
    else if (/^changed: /.test(line) && !titles.includes(current)) titles.push(current);
  }
  return titles;
}
