// Probes: what a check reads from a host, as values (pyinfra's facts are the model): a POSIX sh
// command plus the parser of its output. Because a probe only reads and is declared apart from
// the code that uses it, any number of them travel in one remote script, one round trip: the
// probes of one check now, those of several consecutive tasks later (the runner can merge their
// sets, as long as their keys are kept apart).
import type { ExecOptions, HostCommands, Probe, ProbeOutput, ProbeSet } from '../module-api.js';
import { sections, splitSections } from '../shell.js';

export interface ProbeOptions {
  becomeUser?: string;
}

export const probe = <T>(command: string, parse: (o: ProbeOutput) => T, opts: ProbeOptions = {}): Probe<T> => ({ command, parse, ...opts });

/** The raw output, unparsed. */
export const raw = (command: string, opts: ProbeOptions = {}): Probe<ProbeOutput> => probe(command, (o) => o, opts);

/** The parsed values of a probe set, key by key. */
export type Probed<S extends ProbeSet> = { [K in keyof S]: S[K] extends Probe<infer T> ? T : never };

/**
 * The commands that read a set: one script (one round trip) per user its probes run as; most
 * sets have one. The runner's read-ahead sends exactly these, ahead of the check.
 */
export function probeCommands(set: ProbeSet): { script: string; opts: ExecOptions; set: ProbeSet }[] {
  const runs = new Map<string | undefined, ProbeSet>();
  for (const [k, p] of Object.entries(set)) {
    const run = runs.get(p.becomeUser) ?? {};
    run[k] = p;
    runs.set(p.becomeUser, run);
  }
  return [...runs].map(([becomeUser, s]) => ({ script: probeScript(s), opts: becomeUser === undefined ? {} : { becomeUser }, set: s }));
}

/**
 * Reads a probe set on a host (this one, or another through ctx.connectionTo) and parses it:
 * what the step does with a check's declared probes, and what a check uses for a read that
 * depends on what its probes found.
 */
export async function readProbes<S extends ProbeSet>(host: Pick<HostCommands, 'run'>, set: S): Promise<Probed<S>> {
  const out: Record<string, unknown> = {};
  for (const c of probeCommands(set)) Object.assign(out, parseProbes(c.set, await host.run(c.script, c.opts)));
  return out as Probed<S>;
}

/** One script that runs every probe of the set, each in its own section. */
export function probeScript(set: ProbeSet): string {
  return sections(Object.fromEntries(Object.entries(set).map(([k, p]) => [k, p.command])));
}

/** Splits the script's output and parses each probe's section; a section that is missing (the
 *  script was cut short) reads as empty output with exit status -1. */
export function parseProbes<S extends ProbeSet>(set: S, stdout: string): Probed<S> {
  const s = splitSections(stdout);
  const out: Record<string, unknown> = {};
  for (const [k, p] of Object.entries(set)) out[k] = p.parse(s[k] ?? { out: '', rc: -1 });
  return out as Probed<S>;
}
