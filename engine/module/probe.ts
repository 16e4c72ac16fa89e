// Probes: what a check reads from a host, as values (pyinfra's facts are the model): a POSIX sh
// command plus the parser of its output. Because a probe only reads and is declared apart from
// the code that uses it, any number of them travel in one remote script, one round trip: the
// probes of one check now, those of several consecutive tasks later (the runner can merge their
// sets, as long as their keys are kept apart).
import { sections, splitSections, type Section } from '../shell.js';

/** What a probe printed (stdout and stderr together) and its exit status. */
export type ProbeOutput = Section;

export interface Probe<T> {
  /** A read-only sh command; it runs in a subshell of its own, so `exit` ends only this probe. */
  readonly command: string;
  readonly parse: (o: ProbeOutput) => T;
}

export const probe = <T>(command: string, parse: (o: ProbeOutput) => T): Probe<T> => ({ command, parse });

/** The raw output, unparsed. */
export const raw = (command: string): Probe<ProbeOutput> => probe(command, (o) => o);

export type ProbeSet = Record<string, Probe<unknown>>;

/** The parsed values of a probe set, key by key. */
export type Probed<S extends ProbeSet> = { [K in keyof S]: S[K] extends Probe<infer T> ? T : never };

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
