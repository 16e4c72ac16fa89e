// SIGINT (Ctrl-C) and SIGTERM during `tsplay run`. The first signal asks the run to stop: no new
// task or host starts, the running ones finish (so a file being written is written whole or not
// at all), then the recap is printed and tsplay exits 130 / 143. A second signal exits at once,
// killing the local commands still running.
import { ExitCode } from '../engine/errors.js';
import { killLocalCommands } from '../engine/connection/local.js';
import type { StopSignal } from '../engine/runner/run-state.js';

export const exitCodeForSignal = (s: StopSignal): number => (s === 'SIGINT' ? ExitCode.sigint : ExitCode.sigterm);

/** Installs the handlers on `stop`; returns the function that removes them. */
export function handleInterrupts(stop: { signal?: StopSignal }, say: (text: string) => void): () => void {
  const onSignal = (signal: StopSignal): void => {
    if (stop.signal) {
      say(`\n${signal} again: exiting now\n`);
      killLocalCommands();
      process.exit(exitCodeForSignal(stop.signal));
    }
    stop.signal = signal;
    say(`\n${signal}: no new task starts; waiting for the running ones to finish (${signal} again to exit at once)\n`);
  };
  const signals: StopSignal[] = ['SIGINT', 'SIGTERM'];
  for (const s of signals) process.on(s, onSignal);
  return () => {
    for (const s of signals) process.off(s, onSignal);
  };
}
