// Runs the real command line (`node dist/bundle/cli/main.js`, what `tsplay` runs) the way a person would, and
// makes temp playbook folders for it. Tests build first (`npm run build`: tsc, then the bundle), then run this.
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { stringify } from 'yaml';

/** The bundled CLI entry point (this file runs from dist/test/support/). */
export const CLI = fileURLToPath(new URL('../../bundle/cli/main.js', import.meta.url));
/** The repository root. */
export const REPO = fileURLToPath(new URL('../../../', import.meta.url));

export interface CliResult {
  stdout: string;
  stderr: string;
  code: number;
}

export interface CliOptions {
  cwd?: string;
  /** Written to the CLI's stdin (then closed). */
  input?: string;
  timeoutMs?: number;
}

/** Runs `tsplay ARGS…`; resolves with the output and exit code whatever the code is. */
export function runCli(args: string[], o: CliOptions = {}): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = execFile(
      process.execPath,
      [CLI, ...args],
      { cwd: o.cwd ?? REPO, timeout: o.timeoutMs ?? 30_000, maxBuffer: 16 * 1024 * 1024, env: { ...process.env, NO_COLOR: '1' } },
      (err, stdout, stderr) => {
        const code = err ? (typeof err.code === 'number' ? err.code : undefined) : 0;
        if (code === undefined) reject(new Error(`tsplay ${args.join(' ')} did not exit normally: ${err?.message}\n${stderr}`));
        else resolve({ stdout, stderr, code });
      },
    );
    child.stdin?.end(o.input ?? '');
  });
}

const made: string[] = [];

/**
 * A temp folder filled from { relative path: content }; a non-string content is written as
 * YAML. Removed by `removePlaybookDirs()`.
 */
export function playbookDir(files: Record<string, unknown>): string {
  const dir = mkdtempSync(join(tmpdir(), 'tsplay-pb-'));
  made.push(dir);
  writeFiles(dir, files);
  return dir;
}

export function writeFiles(dir: string, files: Record<string, unknown>): void {
  for (const [rel, content] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, rel)), { recursive: true });
    writeFileSync(join(dir, rel), typeof content === 'string' ? content : stringify(content));
  }
}

export function removePlaybookDirs(): void {
  for (const d of made.splice(0)) rmSync(d, { recursive: true, force: true });
}

/** An inventory of hosts reached through the local connection, with optional vars per host. */
export function localInventory(hosts: Record<string, Record<string, unknown>> | string[], groupVars: Record<string, unknown> = {}): string {
  const list = Array.isArray(hosts) ? Object.fromEntries(hosts.map((h) => [h, {}])) : hosts;
  const withConn = Object.fromEntries(Object.entries(list).map(([h, v]) => [h, { ansible_connection: 'local', ...v }]));
  return stringify({ all: { hosts: withConn, ...(Object.keys(groupVars).length ? { vars: groupVars } : {}) } });
}

/** Every file under a folder with its mode and content, to prove a run wrote nothing. */
export function snapshot(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (d: string) => {
    for (const name of readdirSync(d).sort()) {
      const p = join(d, name);
      const st = statSync(p);
      const rel = relative(dir, p);
      if (st.isDirectory()) {
        out[`${rel}/`] = `dir ${(st.mode & 0o7777).toString(8)}`;
        walk(p);
      } else out[rel] = `${(st.mode & 0o7777).toString(8)} ${st.mtimeMs} ${readFileSync(p, 'utf8')}`;
    }
  };
  walk(dir);
  return out;
}
