#!/usr/bin/env node
// The tsplay command line. One top-level catch maps every error to an exit code.
import { CommanderError } from 'commander';
import { exitCodeOf, ExitCode, ValidationError, TsplayError } from '../engine/errors.js';
import { program } from './program.js';

async function main(): Promise<void> {
  try {
    await program().parseAsync(process.argv);
  } catch (e) {
    if (e instanceof CommanderError) {
      process.exitCode = e.exitCode === 0 ? ExitCode.ok : ExitCode.badOptions;
      return;
    }
    if (e instanceof ValidationError) process.stderr.write(`ERROR! ${e.problems.length} problem${e.problems.length > 1 ? 's' : ''} found:\n\n${e.message}\n`);
    else if (e instanceof TsplayError) process.stderr.write(`ERROR! ${e.message}\n`);
    else process.stderr.write(`ERROR! unexpected: ${(e as Error).stack ?? String(e)}\n`);
    process.exitCode = exitCodeOf(e);
  }
}

await main();
