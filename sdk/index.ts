// The module SDK: tsplay's public entry (`import { defineModule, ModuleError } from 'tsplay'`).
// Everything a module needs, and no more: the contract with the runner, the errors a module
// throws to fail its task, sh quoting and section helpers, probes, the helpers for files on the
// host and for YAML files on the controller. Bundled modules import only from here, so a custom
// module can do all they do.
// Layers: engine (runner, connections) ← sdk ← modules ← cli (the composition root).
export * from '../engine/module-api.js';
export { TsplayError, ModuleError, CommandError, ConnectionError, BecomeError, NotConvergedError, ModuleRaisedError, redact } from '../engine/errors.js';
export { quote, cmd, sections, splitSections, type Section } from '../engine/shell.js';
export { readHiddenLine } from '../engine/terminal.js';
export * from '../engine/module/probe.js';
export { PyRegexError, type PyRegex, compilePyRegex, expandTemplate, toBinary, fromBinary } from '../engine/python-regex.js';
export * from './file-attrs.js';
export * from './remote-file.js';
export * from './managed-file.js';
export * from './yaml-file.js';
