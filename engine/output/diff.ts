// Unified diffs of file contents, for --diff.
import { createTwoFilesPatch } from 'diff';
import type { FileDiff } from '../module-api.js';

export function unifiedDiff(d: FileDiff): string {
  return createTwoFilesPatch(`${d.path} (before)`, `${d.path} (after)`, d.before, d.after, undefined, undefined, { context: 3 })
    .replace(/^=+\n/, '')
    .replace(/^Index: .*\n/, '');
}
