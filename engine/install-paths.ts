// Where this installation's files are. The code runs either from dist/ (tsc's output, one file per
// source: tests, the lab's scripts) or from dist/bundle/ (the CLI bundled into a few files, which
// is what `tsplay` runs: it starts in half the time). Paths are therefore found from the package
// root, never relative to the file a function was compiled into.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = fileURLToPath(import.meta.url);

function findRoot(): string {
  for (let dir = dirname(here); ; dir = dirname(dir)) {
    const pkg = join(dir, 'package.json');
    if (existsSync(pkg) && (JSON.parse(readFileSync(pkg, 'utf8')) as { name?: string }).name === 'tsplay') return dir;
    if (dirname(dir) === dir) throw new Error(`tsplay: no package.json of tsplay above ${here}`);
  }
}

/** The package's root folder (the checkout, or the installed package). */
export const PACKAGE_ROOT = findRoot();

/** The build the running code belongs to: dist/bundle or dist. The SDK custom modules import must be this build's, so that its error classes are the runner's own. */
export const BUILD_DIR = here.includes(`${sep}dist${sep}bundle${sep}`) ? join(PACKAGE_ROOT, 'dist', 'bundle') : join(PACKAGE_ROOT, 'dist');
