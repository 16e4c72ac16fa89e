// Builds fake replies to probes batched with `sections()`: the stdout a real host would print,
// one marked section per probe, so fixture cases read like the real command outputs.
import type { Reply } from './fake-connection.js';

export type SectionBody = string | { out: string; rc: number };

/** The stdout of a `sections()` script whose probes printed these outputs (rc 0 unless given). */
export function sectionsOutput(parts: Record<string, SectionBody>): string {
  return Object.entries(parts)
    .map(([key, body]) => {
      const { out, rc } = typeof body === 'string' ? { out: body, rc: 0 } : body;
      const text = out === '' || out.endsWith('\n') ? out : `${out}\n`;
      return `@@tsplay@@ ${key}\n${text}@@tsplay@@rc ${rc}\n`;
    })
    .join('');
}

/** A reply to a batched probe: matches the command by `match`, answers with the sections. */
export function probeReply(match: RegExp | string, parts: Record<string, SectionBody>): Reply {
  return { match, stdout: sectionsOutput(parts) };
}
