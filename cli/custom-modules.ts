// Custom modules (--module-path, a modules/ folder beside the playbook): `tsplay` resolves to
// this installation's SDK, .ts modules are type-checked against the SDK first, and every load
// problem is reported with file:line (exit 3).
import { register } from 'node:module';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { type SourceProblem, UsageError, ValidationError } from '../engine/errors.js';
import type { ModuleDefinition } from '../engine/module-api.js';
import { BUILD_DIR, PACKAGE_ROOT } from '../engine/install-paths.js';
import { loadModuleDir, loadModuleFile, type Registry } from '../engine/module-registry.js';

const SDK_JS = pathToFileURL(join(BUILD_DIR, 'sdk', 'index.js'));
/** The SDK's source, for type checks: beside dist/ in a checkout and in the published package. */
const SDK_TS = join(PACKAGE_ROOT, 'sdk', 'index.ts');

let hooked = false;

/** Registers the resolve hook once, the first time a module folder is loaded (it costs a thread). */
function hookTsplay(): void {
  if (hooked) return;
  hooked = true;
  register(pathToFileURL(join(BUILD_DIR, 'cli', 'resolve-tsplay.js')), { data: { sdk: SDK_JS.href } });
}

export async function loadCustomModules(registry: Registry, dirs: string[]): Promise<void> {
  if (!dirs.length) return;
  hookTsplay();
  for (const d of dirs) await loadModuleDir(registry, d, { typeCheck: typeCheckModule });
}

/** `tsplay doc --check-module FILE`: type-checked (.ts) and loaded as a run would, or its problems. */
export async function checkModule(registry: Registry, file: string): Promise<ModuleDefinition> {
  if (!existsSync(file)) throw new UsageError(`no module file ${file}`);
  hookTsplay();
  const r = await loadModuleFile(registry, file, { typeCheck: typeCheckModule });
  if (r.problems.length) throw new ValidationError(r.problems);
  return r.module!;
}

/**
 * Type-checks a .ts module against the SDK (strict), reporting the module's own problems with
 * file:line:col: a wrong argument type, a misspelt context method, a missing brace.
 */
export async function typeCheckModule(file: string): Promise<SourceProblem[]> {
  let ts: typeof import('typescript');
  try {
    ts = (await import('typescript')).default;
  } catch {
    throw new UsageError(`${file}: checking TypeScript modules needs the 'typescript' package (npm install typescript), or compile it to .js`);
  }
  if (!existsSync(SDK_TS)) throw new UsageError(`${file}: cannot type-check: the SDK's source ${SDK_TS} is not installed`);
  const program = ts.createProgram([file], {
    strict: true,
    noEmit: true,
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.ESNext,
    moduleResolution: ts.ModuleResolutionKind.Bundler,
    skipLibCheck: true,
    paths: { tsplay: [SDK_TS] },
  });
  const source = program.getSourceFile(file);
  if (!source) return [{ file, line: 1, col: 1, message: 'cannot read the module' }];
  const diagnostics = [...program.getSyntacticDiagnostics(source), ...program.getSemanticDiagnostics(source)];
  return diagnostics.map((d) => {
    const { line, character } = source.getLineAndCharacterOfPosition(d.start ?? 0);
    return {
      file,
      line: line + 1,
      col: character + 1,
      message: ts.flattenDiagnosticMessageText(d.messageText, '\n'),
      sourceLine: source.text.split('\n')[line],
    };
  });
}
