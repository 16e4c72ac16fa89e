// TypeScript files of the user's (custom modules, filter and test plugins) run from a copy with the
// types stripped, kept beside the source in .tsplay-cache/ so that its imports resolve as the
// source's would.
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { UsageError } from './errors.js';

const compiledPath = (file: string): string => join(dirname(file), '.tsplay-cache', basename(file).replace(/\.ts$/, '.mjs'));

/** A compiled copy newer than its source (type-checked, for a module, when it was made). */
export function compiledIsFresh(file: string): boolean {
  const cached = compiledPath(file);
  return existsSync(cached) && statSync(cached).mtimeMs >= statSync(file).mtimeMs;
}

/** TypeScript modules are transpiled (types stripped) with the typescript package, loaded lazily. */
export async function compileTs(file: string): Promise<string> {
  // A compiled copy newer than its source is reused: loading the typescript package costs a second.
  if (compiledIsFresh(file)) return compiledPath(file);
  let ts: typeof import('typescript');
  try {
    ts = (await import('typescript')).default;
  } catch {
    throw new UsageError(`${file}: loading TypeScript modules needs the 'typescript' package (npm install typescript), or compile it to .js`);
  }
  const out = ts.transpileModule(readFileSync(file, 'utf8'), {
    compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 },
    fileName: file,
  });
  // Beside the source, so that its imports (`tsplay`, its own packages) resolve as they would for it.
  const dir = join(dirname(file), '.tsplay-cache');
  mkdirSync(dir, { recursive: true });
  const target = join(dir, basename(file).replace(/\.ts$/, '.mjs'));
  writeFileSync(target, out.outputText);
  return target;
}
