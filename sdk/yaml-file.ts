// A YAML (or JSON) file on the controller, read as the playbook's own files are: vaulted files
// and !vault values open with the run's keyring, and every problem says file:line:col.
import { formatProblems, ModuleError } from '../engine/errors.js';
import { loadYamlFile } from '../engine/yaml-source.js';

/** The file's documents; a ModuleError (which fails the task) listing its problems, when it has any. */
export function readYamlDocuments(path: string): unknown[] {
  const { documents, problems } = loadYamlFile(path);
  if (problems.length) throw new ModuleError(`cannot load ${path}:\n${formatProblems(problems)}`);
  return documents;
}
