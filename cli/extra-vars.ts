// -e/--extra-vars: `k=v k2=v2`, inline YAML/JSON, or `@file` (YAML or JSON), merged in order.
import { readFileSync } from 'node:fs';
import { UsageError } from '../engine/errors.js';
import { parseKeyValueArgs } from '../engine/module-args.js';
import { parseYaml, parseYamlOrVault } from '../engine/yaml-source.js';

export function parseExtraVars(values: readonly string[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const v of values) Object.assign(out, parseOne(v));
  return out;
}

function parseOne(v: string): Record<string, unknown> {
  const text = v.trim();
  if (text.startsWith('@')) {
    const file = text.slice(1);
    let content: string;
    try {
      content = readFileSync(file, 'utf8');
    } catch (e) {
      throw new UsageError(`--extra-vars: cannot read ${file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
    }
    return mapping(content, `--extra-vars @${file}`, true);
  }
  if (text.startsWith('{') || text.startsWith('---')) return mapping(text, '--extra-vars');
  const kv = parseKeyValueArgs(text);
  if ('_raw_params' in kv) throw new UsageError(`--extra-vars: expected key=value pairs, inline YAML/JSON or @file, got '${text}'`);
  return kv;
}

function mapping(content: string, what: string, fromFile = false): Record<string, unknown> {
  // Read as playbooks are: YAML 1.1, and keys as written (`n:` is a name, not false); a file
  // may be encrypted with ansible-vault.
  const { documents, problems } = (fromFile ? parseYamlOrVault : parseYaml)(content, what);
  const p = problems[0];
  if (p) throw new UsageError(`${what}:${p.line}:${p.col}: ${p.message}`);
  const data = documents[0];
  if (data === null || data === undefined) return {};
  if (typeof data !== 'object' || Array.isArray(data)) throw new UsageError(`${what}: must be a mapping of variables`);
  return data as Record<string, unknown>;
}
