// Unified diffs of file contents, for --diff.
import { createRequire } from 'node:module';
import type { FileDiff } from '../module-api.js';

// Loaded on the first diff shown: most runs show none, and loading it costs every start-up.
let diffModule: typeof import('diff') | undefined;

export function unifiedDiff(d: FileDiff): string {
  diffModule ??= createRequire(import.meta.url)('diff') as typeof import('diff');
  return diffModule
    .createTwoFilesPatch(`${d.path} (before)`, `${d.path} (after)`, d.before, d.after, undefined, undefined, { context: 3 })
    .replace(/^=+\n/, '')
    .replace(/^Index: .*\n/, '');
}
