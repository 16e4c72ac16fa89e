// include_vars: Ansible's action of the same name. Loads YAML/JSON variables files (encrypted with
// ansible-vault or holding !vault values: the run's keyring opens them) on the controller, from
// one file or a folder tree, and sets them on the host with include_vars' precedence (above
// vars_files, below set_fact), templated when used as vars files are. No host is contacted.
import { existsSync, lstatSync, readdirSync, statSync } from 'node:fs';
import { basename, dirname, extname, isAbsolute, join, resolve } from 'node:path';
import { ModuleError, PyRegexError, compilePyRegex, defineModule, readYamlDocuments, toBinary, type ModuleContext } from '../sdk/index.js';

interface Args {
  file?: string;
  dir?: string;
  name?: string;
  depth?: number;
  files_matching?: string;
  ignore_files?: string | string[];
  extensions?: string[];
  ignore_unknown_extensions?: boolean;
  hash_behaviour?: 'replace' | 'merge';
}

const DIR_ARGS = ['dir', 'depth', 'files_matching', 'ignore_files', 'extensions', 'ignore_unknown_extensions'] as const;
const DEFAULT_EXTENSIONS = ['yaml', 'yml', 'json'];

type Vars = Record<string, unknown>;
const isObj = (v: unknown): v is Vars => v !== null && typeof v === 'object' && !Array.isArray(v);

/** A task file inside a role (roles/x/tasks/): the role's folder, else undefined. */
function roleRoot(baseDir: string): string | undefined {
  if (basename(baseDir) !== 'tasks') return undefined;
  const root = dirname(baseDir);
  return ['tasks/main.yml', 'tasks/main.yaml', 'meta/main.yml', 'vars/main.yml', 'defaults/main.yml'].some((f) => existsSync(join(root, f))) ? root : undefined;
}

/** Ansible's search for a relative file (path_dwim_relative_stack with 'vars'): the role, the task's folder, the playbook's. */
export function findVarsFile(file: string, baseDir: string, playbookDir: string | undefined): { found?: string; tried: string[] } {
  if (isAbsolute(file)) return { found: existsSync(file) ? file : undefined, tried: [file] };
  const underVars = file.split('/')[0] === 'vars';
  const tried: string[] = [];
  const role = roleRoot(baseDir);
  if (role) tried.push(join(role, 'vars', file), join(baseDir, file));
  else {
    if (!underVars) tried.push(join(baseDir, 'vars', file));
    tried.push(join(baseDir, file));
  }
  if (playbookDir) {
    if (!underVars) tried.push(join(playbookDir, 'vars', file));
    tried.push(join(playbookDir, file));
  }
  const list = [...new Set(tried.map((p) => resolve(p)))];
  return { found: list.find((p) => existsSync(p)), tried: list };
}

/** The folder a relative `dir` names: the role's vars/ folder, else beside the task's file. */
function dirRoot(dir: string, baseDir: string): string {
  const role = roleRoot(baseDir);
  if (!role) return resolve(baseDir, dir);
  if (dir.split('/')[0] === 'vars') return existsSync(join(role, dir)) ? join(role, dir) : resolve(dir);
  return resolve(role, 'vars', dir);
}

function loadFile(path: string): Vars {
  // As the playbook's own vars files load: positions in messages, the run's vault keyring.
  const data = readYamlDocuments(path)[0];
  if (data === null || data === undefined || data === false || data === '' || (Array.isArray(data) && !data.length)) return {};
  if (!isObj(data)) throw new ModuleError(`${path} must be stored as a dictionary/hash`);
  return data;
}

/** os.walk(top) sorted by folder, as include_vars walks it: links to folders are not entered. */
function walk(top: string): { root: string; files: string[] }[] {
  const out: { root: string; files: string[] }[] = [];
  const visit = (root: string) => {
    let names: string[];
    try {
      names = readdirSync(root);
    } catch {
      return;
    }
    const files: string[] = [];
    const dirs: string[] = [];
    for (const n of names) {
      const p = join(root, n);
      let isDir = false;
      try {
        isDir = statSync(p).isDirectory();
      } catch {
        // a dangling link: a file name that does not exist
      }
      (isDir ? dirs : files).push(n);
    }
    out.push({ root, files });
    for (const d of dirs) if (!lstatSync(join(root, d)).isSymbolicLink()) visit(join(root, d));
  };
  visit(top);
  // Python sorts the (root, dirs, files) tuples by root: code point order.
  return out.sort((a, b) => (a.root < b.root ? -1 : a.root > b.root ? 1 : 0));
}

function pyRegex(pattern: string, what: string) {
  try {
    return compilePyRegex(toBinary(pattern)).re;
  } catch (e) {
    if (e instanceof PyRegexError) throw new ModuleError(`Invalid regular expression in ${what}: ${pattern} (${e.message})`);
    throw e;
  }
}

function loadDir(a: Args, root: string, included: string[]): Vars {
  if (!existsSync(root)) throw new ModuleError(`${root} directory does not exist`);
  if (!statSync(root).isDirectory()) throw new ModuleError(`${root} is not a directory`);
  const depth = a.depth ?? 0;
  const extensions = a.extensions ?? DEFAULT_EXTENSIONS;
  const matcher = a.files_matching ? pyRegex(a.files_matching, 'files_matching') : undefined;
  const ignore = (typeof a.ignore_files === 'string' ? a.ignore_files.split(/\s+/).filter(Boolean) : a.ignore_files ?? []).map((p) => pyRegex(`${p}$`, 'ignore_files'));
  const validExt = (f: string) => extensions.includes(extname(f).slice(1)) && extname(f) !== '';
  const results: Vars = {};
  // include_vars counts folders in sorted order, not levels: depth N reads the first N folders.
  for (const [i, { root: dir, files }] of walk(root).entries()) {
    if (depth !== 0 && i + 1 > depth) break;
    for (const f of files.sort()) {
      if (matcher && !matcher.test(toBinary(f))) continue;
      const path = join(dir, f);
      if (!existsSync(path) || ignore.some((re) => re.test(toBinary(f)))) continue;
      if (!validExt(f)) {
        if (a.ignore_unknown_extensions) continue;
        throw new ModuleError(`${path} does not have a valid extension: ${extensions.join(', ')}`);
      }
      Object.assign(results, loadFile(path));
      included.push(path);
    }
  }
  return results;
}

/** Ansible's merge_hash: dicts merged recursively, anything else replaced. */
function mergeHash(old: unknown, value: unknown): unknown {
  if (!isObj(old) || !isObj(value)) return value;
  const out: Vars = { ...old };
  for (const [k, v] of Object.entries(value)) out[k] = k in out ? mergeHash(out[k], v) : v;
  return out;
}

function load(ctx: ModuleContext, a: Args): { vars: Vars; included: string[] } {
  const dirArgs = DIR_ARGS.filter((k) => a[k] !== undefined);
  if (dirArgs.length && a.file !== undefined) throw new ModuleError(`You are mixing file only and dir only arguments, these are incompatible (file with ${dirArgs.join(', ')})`);
  const included: string[] = [];
  let vars: Vars;
  if (a.dir !== undefined) vars = loadDir(a, dirRoot(a.dir, ctx.baseDir), included);
  else if (a.file !== undefined) {
    const file = a.file.replace(/\n+$/, '');
    const playbookDir = typeof ctx.vars.playbook_dir === 'string' ? ctx.vars.playbook_dir : undefined;
    const { found, tried } = findVarsFile(file, ctx.baseDir, playbookDir);
    if (!found) throw new ModuleError(`Could not find or access '${file}'\nSearched in:\n\t${tried.join('\n\t')}`);
    vars = loadFile(found);
    included.push(found);
  } else throw new ModuleError('include_vars needs a file (free form or file:) or dir');
  if (a.name !== undefined) vars = { [a.name]: vars };
  if (a.hash_behaviour === 'merge') for (const [k, v] of Object.entries(vars)) vars[k] = mergeHash(ctx.vars[k], v);
  return { vars, included };
}

export default defineModule<Args>({
  name: 'include_vars',
  ansibleNames: ['ansible.builtin.include_vars'],
  controllerOnly: true,
  freeForm: 'file',
  summary: "Load variables from YAML/JSON files or a folder of them, vault aware (Ansible's include_vars)",
  description: [
    "Ansible's include_vars: `file` (or the free-form argument) is one YAML or JSON file of",
    'variables; `dir` is a folder of them, read in sorted order (`depth`, `files_matching`,',
    '`ignore_files`, `extensions`, `ignore_unknown_extensions`, as in Ansible: depth counts the',
    'folders read, in sorted order). A relative file is looked for in the role\'s vars/ folder,',
    "beside the task's file (and its vars/ folder), then beside the playbook (and its vars/);",
    "a relative dir is the role's vars/<dir>, else beside the task's file. `name` puts everything",
    'under one variable. Files encrypted with ansible-vault and `!vault` values are opened with',
    "the run's vault passwords (their values are secrets: masked in every output). The variables",
    'rank above vars_files and below set_fact / register, and are templated when used.',
    'The registered result holds ansible_facts and ansible_included_var_files, as in Ansible.',
  ].join('\n'),
  schema: {
    type: 'object',
    additionalProperties: false,
    properties: {
      file: { type: 'string', minLength: 1, description: 'The variables file (also the free-form argument).' },
      dir: { type: 'string', minLength: 1, description: 'A folder of variables files, read recursively.' },
      name: { type: 'string', minLength: 1, description: 'Put the variables under this name instead of at the top level.' },
      depth: { type: 'integer', minimum: 0, description: 'With dir: how many folders to read, in sorted order (0: all).' },
      files_matching: { type: 'string', description: 'With dir: only file names this Python regular expression matches (searched).' },
      ignore_files: { type: ['string', 'array'], items: { type: 'string' }, description: 'With dir: file names to skip (Python regular expressions matched at the end).' },
      extensions: { type: 'array', items: { type: 'string' }, description: 'With dir: the extensions of variables files (default yaml, yml, json).' },
      ignore_unknown_extensions: { type: 'boolean', description: 'With dir: skip files of other extensions instead of failing.' },
      hash_behaviour: { type: 'string', enum: ['replace', 'merge'], description: 'merge: dictionaries are merged into existing variables of the same name.' },
    },
  },
  examples: [
    '- include_vars: "vars/{{ ansible_distribution }}.yml"',
    '- include_vars:',
    '    dir: vars/clusters',
    '    name: clusters',
    '    extensions: [yml]',
  ].join('\n'),
  async check(ctx, a) {
    const { vars, included } = load(ctx, a);
    const names = Object.keys(vars);
    return {
      changed: false,
      reason: `${names.length} variable(s) from ${included.length === 1 ? included[0] : `${included.length} files`}`,
      result: { ansible_facts: vars, ansible_included_var_files: included },
      vars,
    };
  },
  async apply() {
    // check never reports a change.
  },
});
