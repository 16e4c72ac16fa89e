// Roles with Ansible's layout (tasks/, handlers/, defaults/, vars/, meta/, templates/, files/),
// expanded while the playbook loads so that every task of every role is validated before a
// host is contacted. A role's tasks keep their role's variables as layers: defaults below the
// inventory, vars and params above the play's (see RunState.layers).
import { existsSync, statSync } from 'node:fs';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { hasTemplate } from '../expressions.js';
import { type Loc, loadYamlFile, locOf } from '../yaml-source.js';
import type { Inherited, ModuleTask, Task } from './model.js';

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => v !== null && typeof v === 'object' && !Array.isArray(v);

/** Keywords of a `roles:` entry; any other key is a role parameter (a variable), as in Ansible. */
export const ROLE_ENTRY_KEYS = new Set([
  'role', 'name', 'vars', 'tags', 'when', 'become', 'become_user', 'delegate_to', 'check_mode', 'no_log',
  'ignore_errors', 'run_once', 'environment', 'tasks_from', 'vars_from', 'defaults_from', 'handlers_from',
]);

/** Arguments of import_role / include_role. */
export const ROLE_ARGS = ['name', 'tasks_from', 'vars_from', 'defaults_from', 'handlers_from', 'allow_duplicates', 'public', 'rolespec_validate'];

export interface RoleRef {
  name: string;
  loc: Loc;
  tasksFrom?: string;
  varsFrom?: string;
  defaultsFrom?: string;
  handlersFrom?: string;
  /** Role parameters: variables above the role's own vars. */
  params: Obj;
  /** `roles:` and dependencies run a role once per play for the same parameters; imports always run. */
  dedup: boolean;
}

/** What the role expander needs from the playbook loader. */
export interface RoleLoaderHost {
  problem(loc: Loc | undefined, message: string, hint?: string): void;
  taskList(list: unknown[], file: string, inh: Inherited): Task[];
  /** Folders searched for roles after `roles/` beside the playbook (ansible.cfg roles_path, ANSIBLE_ROLES_PATH). */
  rolesPath: readonly string[];
}

/** Per-play state: roles already run (for dedup), handlers collected from roles. */
export class PlayRoles {
  readonly handlers: ModuleTask[] = [];
  private ran = new Set<string>();
  private handlerFiles = new Set<string>();
  private stack: string[] = [];

  constructor(private host: RoleLoaderHost, private playDir: string) {}

  /** The tasks of a role (its dependencies first), with its handlers added to the play's. */
  expand(ref: RoleRef, inh: Inherited, from?: string): Task[] {
    const dir = this.find(ref, from);
    if (!dir) return [];
    const key = JSON.stringify([dir, ref.tasksFrom ?? 'main', ref.params]);
    const meta = this.yaml(roleFile(dir, 'meta', 'main'), ref.loc);
    const allowDuplicates = isObj(meta) && meta.allow_duplicates === true;
    if (ref.dedup && !allowDuplicates && this.ran.has(key)) return [];
    if (this.stack.includes(dir)) {
      this.host.problem(ref.loc, `role dependency loop: ${[...this.stack, dir].join(' → ')}`);
      return [];
    }
    this.ran.add(key);
    this.stack.push(dir);
    const out: Task[] = [];
    // Dependencies run first and get the including entry's tags and conditions, not its vars.
    for (const dep of this.dependencies(meta, dir)) out.push(...this.expand(dep, inh, dir));
    const defaults = this.vars(dir, 'defaults', ref.defaultsFrom ?? 'main', ref.loc, ref.defaultsFrom !== undefined);
    const vars = this.vars(dir, 'vars', ref.varsFrom ?? 'main', ref.loc, ref.varsFrom !== undefined);
    const role = ref.name.split('/').pop()!;
    // Ansible's order, low to high: role defaults … role vars < block/task vars < role params.
    const me: Inherited = {
      ...inh,
      role,
      defaults: [...inh.defaults, defaults],
      vars: [vars, ...inh.vars, ...(Object.keys(ref.params).length ? [ref.params] : [])],
    };
    out.push(...this.tasks(dir, 'tasks', ref.tasksFrom ?? 'main', ref.loc, ref.tasksFrom !== undefined, me));
    const hfile = roleFile(dir, 'handlers', ref.handlersFrom ?? 'main');
    if (!this.handlerFiles.has(hfile ?? '')) {
      if (hfile) this.handlerFiles.add(hfile);
      for (const h of this.tasks(dir, 'handlers', ref.handlersFrom ?? 'main', ref.loc, ref.handlersFrom !== undefined, me)) {
        if (h.kind !== 'module') {
          this.host.problem(h.loc, 'handlers must be module tasks (no blocks or includes)');
          continue;
        }
        // As in Ansible, a role's handler also answers to "role : handler name".
        if (h.name) h.listen.push(`${role} : ${h.name}`);
        this.handlers.push(h);
      }
    }
    this.stack.pop();
    return out;
  }

  /** Ansible's search order: roles/ beside the playbook, roles_path, the playbook's folder; a path is used as it is. */
  private find(ref: RoleRef, from?: string): string | undefined {
    if (hasTemplate(ref.name)) {
      this.host.problem(ref.loc, 'a role name cannot be a template: roles are loaded with the playbook');
      return undefined;
    }
    const candidates = isAbsolute(ref.name)
      ? [ref.name]
      : [
          join(this.playDir, 'roles', ref.name),
          ...(from ? [join(dirname(from), ref.name)] : []),
          ...this.host.rolesPath.map((p) => resolve(this.playDir, p, ref.name)),
          join(this.playDir, ref.name),
        ];
    const found = candidates.find((c) => existsSync(c) && statSync(c).isDirectory());
    if (!found) {
      const collection = /^\w+\.\w+\.\w+$/.test(ref.name) ? ' (roles from collections are not supported: put the role in roles/)' : '';
      this.host.problem(ref.loc, `role '${ref.name}' not found${collection}`, `looked in:\n  ${[...new Set(candidates)].join('\n  ')}`);
    }
    return found;
  }

  private dependencies(meta: unknown, dir: string): RoleRef[] {
    if (!isObj(meta) || meta.dependencies === undefined || meta.dependencies === null) return [];
    const deps = meta.dependencies;
    const at = locOf(meta, 'dependencies', 'value') ?? { file: join(dir, 'meta'), line: 1, col: 1 };
    if (!Array.isArray(deps)) {
      this.host.problem(at, "'dependencies' must be a list of roles");
      return [];
    }
    const out: RoleRef[] = [];
    deps.forEach((d, i) => {
      const ref = roleEntry(d, locOf(deps, i) ?? at, this.host, true);
      if (ref) out.push(ref.ref);
    });
    return out;
  }

  private yaml(file: string | undefined, loc: Loc): unknown {
    if (!file) return undefined;
    const { documents, problems } = loadYamlFile(file);
    for (const p of problems) this.host.problem(p.line ? p : loc, p.message, p.hint);
    return problems.length ? undefined : documents[0];
  }

  private vars(dir: string, part: 'vars' | 'defaults', name: string, loc: Loc, required: boolean): Obj {
    const file = roleFile(dir, part, name);
    if (!file) {
      if (required) this.host.problem(loc, `${part}_from: ${name} not found in ${join(dir, part)}`);
      return {};
    }
    const doc = this.yaml(file, loc);
    if (doc === null || doc === undefined) return {};
    if (!isObj(doc)) {
      this.host.problem(locOf(doc) ?? { file, line: 1, col: 1 }, `${file} must hold a mapping of variables`);
      return {};
    }
    return doc;
  }

  private tasks(dir: string, part: 'tasks' | 'handlers', name: string, loc: Loc, required: boolean, inh: Inherited): Task[] {
    const file = roleFile(dir, part, name);
    if (!file) {
      if (required) this.host.problem(loc, `${part}_from: ${name} not found in ${join(dir, part)}`);
      return [];
    }
    const doc = this.yaml(file, loc);
    if (doc === null || doc === undefined) return [];
    if (!Array.isArray(doc)) {
      this.host.problem(locOf(doc) ?? { file, line: 1, col: 1 }, `${file} must be a list of tasks`);
      return [];
    }
    return this.host.taskList(doc, file, inh);
  }
}

/** `<role>/<part>/<name>` with Ansible's extensions: name, name.yml, name.yaml, name.json. */
function roleFile(dir: string, part: string, name: string): string | undefined {
  const base = join(dir, part, name);
  return [base, `${base}.yml`, `${base}.yaml`, `${base}.json`].find((f) => existsSync(f) && statSync(f).isFile());
}

/**
 * One entry of `roles:` or of `dependencies:`: a name, or a mapping with `role:` (or `name:`),
 * keywords, and parameters. Returns the role and the entry's keywords for the caller to inherit.
 */
export function roleEntry(entry: unknown, loc: Loc, host: RoleLoaderHost, dedup: boolean): { ref: RoleRef; keywords: Obj } | undefined {
  if (typeof entry === 'string') return { ref: { name: entry, loc, params: {}, dedup }, keywords: {} };
  if (!isObj(entry)) {
    host.problem(loc, 'a role must be a name or a mapping with role:');
    return undefined;
  }
  const name = entry.role ?? entry.name;
  if (typeof name !== 'string') {
    host.problem(locOf(entry) ?? loc, "a role entry needs 'role: NAME'");
    return undefined;
  }
  const params: Obj = {};
  const keywords: Obj = {};
  for (const [k, v] of Object.entries(entry)) {
    if (k === 'role' || (k === 'name' && entry.role === undefined)) continue;
    if (ROLE_ENTRY_KEYS.has(k)) keywords[k] = v;
    else params[k] = v;
  }
  if (keywords.vars !== undefined && !isObj(keywords.vars)) host.problem(locOf(entry, 'vars', 'value'), "'vars' must be a mapping");
  // A role entry's vars: are its parameters too (Ansible treats them the same way here).
  if (isObj(keywords.vars)) Object.assign(params, keywords.vars);
  delete keywords.vars;
  const str = (k: string) => (typeof keywords[k] === 'string' ? (keywords[k] as string) : undefined);
  const ref: RoleRef = {
    name,
    loc: locOf(entry, entry.role !== undefined ? 'role' : 'name', 'value') ?? loc,
    tasksFrom: str('tasks_from'),
    varsFrom: str('vars_from'),
    defaultsFrom: str('defaults_from'),
    handlersFrom: str('handlers_from'),
    params,
    dedup,
  };
  for (const k of ['tasks_from', 'vars_from', 'defaults_from', 'handlers_from']) delete keywords[k];
  return { ref, keywords };
}
