// Parsing of dpkg-query status lines and of `apt-get -s` (simulate) output, for the apt module.

/** One line of `dpkg-query -W -f='${Package}\t${Status}\t${Version}\n'`. */
export interface DpkgStatus {
  name: string;
  /** The last word of dpkg's Status: installed, config-files, half-installed, unpacked… */
  state: string;
  version: string;
}

/** dpkg states in which the package's files are on disk and configured. */
const INSTALLED = new Set(['installed', 'triggers-awaited', 'triggers-pending']);
/** dpkg states left by an interrupted dpkg run: the package is partly there. */
const UNFINISHED = new Set(['half-installed', 'unpacked', 'half-configured']);

export function isInstalled(s: DpkgStatus | undefined): boolean {
  return s !== undefined && INSTALLED.has(s.state);
}

function isUnfinished(s: DpkgStatus | undefined): boolean {
  return s !== undefined && UNFINISHED.has(s.state);
}

/** Whether files of the package are (partly) on disk: what `state: absent` removes. */
export function isPresentOnDisk(s: DpkgStatus | undefined): boolean {
  return isInstalled(s) || isUnfinished(s);
}

export function parseDpkgStatus(out: string): Map<string, DpkgStatus> {
  const result = new Map<string, DpkgStatus>();
  for (const line of out.split('\n')) {
    const [name, status, version] = line.split('\t');
    if (!name || status === undefined || line.startsWith('dpkg-query:')) continue;
    const state = status.trim().split(/\s+/).pop() ?? '';
    const prev = result.get(name);
    // A multi-arch package has one line per architecture: keep the most installed one.
    if (!prev || (!isInstalled(prev) && isInstalled({ name, state, version: '' }))) {
      result.set(name, { name, state, version: version ?? '' });
    }
  }
  return result;
}

/** Lines "virtual\tprovider" printed by the probe for virtual names that an installed package provides. */
export function parseProviders(out: string): Map<string, string> {
  const result = new Map<string, string>();
  for (const line of out.split('\n')) {
    const [virtual, provider] = line.split('\t');
    if (virtual && provider && !result.has(virtual)) result.set(virtual, provider);
  }
  return result;
}

export interface SimulatedAction {
  name: string;
  /** The installed version being replaced (upgrades), if any. */
  from?: string;
  /** The version that would be installed (absent for removals). */
  to?: string;
}

export interface Simulation {
  install: SimulatedAction[];
  remove: SimulatedAction[];
  /** apt's own error lines (E: …). */
  errors: string[];
}

/** Parses `apt-get -s install|remove` output: "Inst pkg [old] (new repo [arch])", "Remv pkg [old]". */
export function parseSimulation(out: string): Simulation {
  const sim: Simulation = { install: [], remove: [], errors: [] };
  for (const line of out.split('\n')) {
    let m = /^Inst (\S+)(?: \[([^\]]+)\])? \((\S+)/.exec(line);
    if (m) {
      sim.install.push({ name: m[1]!, from: m[2], to: m[3] });
      continue;
    }
    m = /^Remv (\S+)(?: \[([^\]]+)\])?/.exec(line);
    if (m) {
      sim.remove.push({ name: m[1]!, from: m[2] });
      continue;
    }
    if (/^E: /.test(line)) sim.errors.push(line.slice(3).trim());
  }
  return sim;
}

/** "a 1.0, b 2.0 → 2.1" for messages. */
export function describeActions(actions: SimulatedAction[]): string {
  return actions
    .map((a) => (a.from && a.to ? `${a.name} ${a.from} → ${a.to}` : a.to ? `${a.name} ${a.to}` : a.from ? `${a.name} ${a.from}` : a.name))
    .join(', ');
}
