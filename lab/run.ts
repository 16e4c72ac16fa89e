// Running the machine's tools (ip, mount, debootstrap, ssh…) without a shell.
import { spawn } from 'node:child_process';
import { closeSync, openSync, readFileSync } from 'node:fs';
import { TsplayError } from '../engine/errors.js';

export class LabError extends TsplayError {
  override name = 'LabError';
}

export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
}

export interface RunOptions {
  input?: string;
  timeoutMs?: number;
  env?: NodeJS.ProcessEnv;
}

/** Runs a program and collects its output; never throws on a non-zero exit. */
export function exec(file: string, args: string[], opts: RunOptions = {}): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(file, args, {
      stdio: ['pipe', 'pipe', 'pipe'],
      env: opts.env ?? process.env,
      timeout: opts.timeoutMs,
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.stdin.on('error', () => undefined); // a program that does not read its input
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code: code ?? (signal ? 128 : 1), stdout, stderr }));
    child.stdin.end(opts.input ?? '');
  });
}

export function describe(file: string, args: string[]): string {
  return [file, ...args].join(' ');
}

/** Runs a program; throws a LabError naming the command and its stderr on a non-zero exit. */
export async function run(file: string, args: string[], opts: RunOptions = {}): Promise<string> {
  const r = await exec(file, args, opts);
  if (r.code !== 0) {
    throw new LabError(`${describe(file, args)} failed (exit ${r.code}): ${(r.stderr.trim() || r.stdout.trim()).slice(-2000)}`);
  }
  return r.stdout;
}

/** Runs a long program with its output appended to a log file; on failure the error quotes the log's end. */
export async function runLogged(file: string, args: string[], logFile: string, env?: NodeJS.ProcessEnv): Promise<void> {
  const fd = openSync(logFile, 'a');
  const code = await new Promise<number>((resolve, reject) => {
    const child = spawn(file, args, { stdio: ['ignore', fd, fd], env: env ?? process.env });
    child.on('error', reject);
    child.on('close', (c, signal) => resolve(c ?? (signal ? 128 : 1)));
  }).finally(() => closeSync(fd));
  if (code !== 0) {
    const tail = readFileSync(logFile, 'utf8').split('\n').slice(-15).join('\n');
    throw new LabError(`${describe(file, args)} failed (exit ${code}); end of ${logFile}:\n${tail}`);
  }
}
