// Loads a playbook tree (import_playbook, import_tasks, static include_tasks, vars_files) and
// validates all of it before anything runs: YAML syntax, structure, keywords, modules and each
// task's arguments against the module's schema. Every problem is collected, none thrown early.
import { existsSync } from 'node:fs';
import { dirname, isAbsolute, resolve } from 'node:path';
import type { SourceProblem } from '../errors.js';
import { ValidationError } from '../errors.js';
import { expressionHint, expressionProblems, hasTemplate, templateProblems } from '../expressions.js';
import { builtins, type Plugins } from '../jinja/index.js';
import { loadPlugins } from '../jinja/plugins.js';
import type { ModuleDefinition } from '../module-api.js';
import { nearest, parseKeyValueArgs, validateArgs } from '../module-args.js';
import { stripCollection } from '../module-registry.js';
import type { ModuleRegistry } from '../module-registry.js';
import { type Loc, loadYamlFile, locOf, problemAt } from '../yaml-source.js';
import type { BlockTask, Inherited, ModuleTask, Play, Playbook, Task } from './model.js';
import { PlayRoles, ROLE_ARGS, type RoleLoaderHost, roleEntry } from './roles.js';
import { sequenceItems } from './with-loops.js';

const LOOP_CONTROL = ['loop_var', 'label', 'index_var', 'pause', 'extended', 'extended_allitems'];

const PLAY_KEYS = new Set([
  'name', 'hosts', 'vars', 'vars_files', 'become', 'become_user', 'gather_facts', 'pre_tasks', 'tasks',
  'post_tasks', 'handlers', 'tags', 'check_mode', 'any_errors_fatal', 'serial', 'strategy', 'environment', 'roles',
  'max_fail_percentage', 'order', 'vars_prompt', 'throttle', 'gather_subset',
]);

/** gather_subset names (Ansible's; those tsplay has no facts for select nothing more). */
const SUBSETS = ['all', 'min', 'hardware', 'network', 'virtual', 'ohai', 'facter'];

const TASK_KEYS = new Set([
  'name', 'when', 'loop', 'with_items', 'loop_control', 'register', 'changed_when', 'failed_when', 'ignore_errors',
  'notify', 'tags', 'delegate_to', 'run_once', 'become', 'become_user', 'check_mode', 'no_log', 'vars', 'args',
  'listen', 'until', 'retries', 'delay', 'block', 'rescue', 'always', 'environment', 'throttle', 'any_errors_fatal',
]);

/** The with_X loops tsplay knows (Ansible's lookups of the same names); any other is refused at load. */
const WITH_LOOPS = ['items', 'list', 'dict', 'subelements', 'nested', 'sequence', 'fileglob', 'together', 'indexed_items'];

const ORDERS = ['inventory', 'reverse_inventory', 'sorted', 'reverse_sorted', 'shuffle'];

const VARS_PROMPT_KEYS = ['name', 'prompt', 'private', 'default', 'confirm', 'encrypt', 'salt_size', 'salt', 'unsafe'];


const META_ACTIONS = ['flush_handlers', 'end_play', 'end_host', 'noop', 'clear_facts', 'clear_host_errors', 'reset_connection'];

/** Ansible's meta actions that have nothing to act on in tsplay, and why. */
const META_WHY_NOT: Record<string, string> = {
  refresh_inventory: 'tsplay reads the inventories once, before the run (there is no add_host to refresh after)',
  role_complete: 'role_complete is internal to Ansible',
};

/** Ansible keywords that tsplay does not implement: refused, never silently ignored. */
const UNSUPPORTED: Record<string, string> = {
  strategy: "only the linear strategy exists: 'strategy' can only be linear",
};

type Obj = Record<string, unknown>;

const isObj = (v: unknown): v is Obj => v !== null && typeof v === 'object' && !Array.isArray(v);

class Loader implements RoleLoaderHost {
  problems: SourceProblem[] = [];
  private pending: Promise<void>[] = [];
  private stack: string[] = [];
  /** Roles of the play being loaded. */
  private roles: PlayRoles | undefined;
  /** The notify: names of the play being loaded, checked against its handlers at its end. */
  private notifications: { loc: Loc; name: string }[] | undefined;

  constructor(private registry: ModuleRegistry, readonly rolesPath: readonly string[] = [], readonly plugins: Plugins = builtins) {}

  problem(loc: Loc | undefined, message: string, hint?: string): void {
    this.problems.push(problemAt(loc, message, hint));
  }

  loadPlaybookFile(file: string, inherited: string[], fromLoc?: Loc): Play[] {
    if (this.stack.includes(file)) {
      this.problem(fromLoc, `import loop: ${file} imports itself`);
      return [];
    }
    const { documents, problems } = loadYamlFile(file);
    this.problems.push(...problems);
    if (problems.length) return [];
    const doc = documents[0];
    if (!Array.isArray(doc)) {
      this.problem(locOf(doc) ?? { file, line: 1, col: 1 }, 'a playbook must be a list of plays');
      return [];
    }
    this.stack.push(file);
    const plays: Play[] = [];
    for (const entry of doc) {
      if (!isObj(entry)) {
        this.problem(locOf(doc), 'each play must be a mapping');
        continue;
      }
      if ('import_playbook' in entry) plays.push(...this.importPlaybook(entry, file, inherited));
      else {
        const play = this.play(entry, file, inherited);
        if (play) plays.push(play);
      }
    }
    this.stack.pop();
    return plays;
  }

  private importPlaybook(entry: Obj, file: string, inherited: string[]): Play[] {
    const loc = locOf(entry, 'import_playbook');
    for (const k of Object.keys(entry)) {
      if (!['import_playbook', 'tags', 'name', 'vars', 'when'].includes(k)) this.problem(locOf(entry, k), `unknown keyword '${k}' for import_playbook`);
    }
    const target = entry.import_playbook;
    if (typeof target !== 'string' || hasTemplate(target)) {
      this.problem(loc, 'import_playbook needs a file name (templates are not allowed: imports are static)');
      return [];
    }
    const tags = [...inherited, ...this.tags(entry, 'tags')];
    const plays = this.loadPlaybookFile(resolve(dirname(file), target), tags, loc);
    const vars = isObj(entry.vars) ? entry.vars : undefined;
    this.checkExpression(entry, 'when');
    for (const p of plays) {
      // As in Ansible, the import's vars override the play's own, and its `when` holds for every task.
      if (vars) p.vars = { ...p.vars, ...vars };
      if (entry.when !== undefined) for (const tasks of [p.preTasks, p.tasks, p.postTasks, p.handlers]) addWhen(tasks, entry.when);
    }
    return plays;
  }

  private tags(obj: Obj, key: string): string[] {
    const v = obj[key];
    if (v === undefined || v === null) return [];
    if (typeof v === 'string') return v.split(',').map((s) => s.trim()).filter(Boolean);
    if (Array.isArray(v) && v.every((t) => typeof t === 'string' || typeof t === 'number')) return v.map(String);
    this.problem(locOf(obj, key, 'value'), `'${key}' must be a string or a list of strings`);
    return [];
  }

  private bool(obj: Obj, key: string): boolean | undefined {
    const v = obj[key];
    if (v === undefined) return undefined;
    if (typeof v === 'boolean') return v;
    if (typeof v === 'string' && hasTemplate(v)) {
      this.problem(locOf(obj, key, 'value'), `'${key}' must be yes/no/true/false, not a template`);
      return undefined;
    }
    this.problem(locOf(obj, key, 'value'), `'${key}' must be a boolean (yes/no/true/false)`);
    return undefined;
  }

  private str(obj: Obj, key: string): string | undefined {
    const v = obj[key];
    if (v === undefined || v === null) return undefined;
    if (typeof v === 'string' || typeof v === 'number') return String(v);
    this.problem(locOf(obj, key, 'value'), `'${key}' must be a string`);
    return undefined;
  }

  private play(entry: Obj, file: string, inherited: string[]): Play | undefined {
    for (const k of Object.keys(entry)) {
      if (!PLAY_KEYS.has(k)) {
        const near = nearest(k, [...PLAY_KEYS]);
        this.problem(locOf(entry, k), `unknown play keyword '${k}'`, near.length ? `did you mean '${near.join("' or '")}'?` : `play keywords: ${[...PLAY_KEYS].sort().join(', ')}`);
      }
    }
    for (const [k, why] of Object.entries(UNSUPPORTED)) if (entry[k] !== undefined && !(k === 'strategy' && entry[k] === 'linear')) this.problem(locOf(entry, k), why);
    const loc = locOf(entry)!;
    const hosts = entry.hosts;
    if (hosts === undefined) this.problem(loc, "a play needs 'hosts'");
    const baseDir = dirname(file);
    const tags = [...inherited, ...this.tags(entry, 'tags')];
    const vars = entry.vars === undefined ? {} : isObj(entry.vars) ? entry.vars : (this.problem(locOf(entry, 'vars', 'value'), "'vars' must be a mapping"), {});
    for (const [k, v] of Object.entries(vars)) this.checkTemplates(vars, k, v, `variable '${k}'`);
    const varsFiles: Play['varsFiles'] = [];
    const vf = entry.vars_files;
    if (vf !== undefined) {
      const list = Array.isArray(vf) ? vf : [vf];
      list.forEach((p, i) => {
        const at = Array.isArray(vf) ? locOf(vf, i) : locOf(entry, 'vars_files', 'value');
        if (typeof p !== 'string') return this.problem(at, 'vars_files entries must be file names');
        const path = isAbsolute(p) ? p : resolve(baseDir, p);
        if (!hasTemplate(p) && !existsSync(path)) this.problem(at, `vars file not found: ${p}`);
        varsFiles.push({ path: hasTemplate(p) ? p : path, loc: at ?? loc });
      });
    }
    const base: Inherited = {
      when: [],
      vars: [],
      defaults: [],
      tags,
      become: this.bool(entry, 'become'),
      becomeUser: this.str(entry, 'become_user'),
      checkMode: this.bool(entry, 'check_mode'),
      anyErrorsFatal: this.bool(entry, 'any_errors_fatal'),
      throttle: this.throttle(entry),
      environment: this.environment(entry, []),
    };
    const section = (key: string): Task[] => {
      const v = entry[key];
      if (v === undefined || v === null) return [];
      if (!Array.isArray(v)) {
        this.problem(locOf(entry, key, 'value'), `'${key}' must be a list of tasks`);
        return [];
      }
      return this.taskList(v, file, base);
    };
    // As in Ansible: pre_tasks, then the roles, then tasks (roles and tasks share one handler flush).
    this.roles = new PlayRoles(this, baseDir);
    this.notifications = [];
    const preTasks = section('pre_tasks');
    const roleTasks = this.playRoles(entry, base);
    const tasks = [...roleTasks, ...section('tasks')];
    const postTasks = section('post_tasks');
    const playHandlers = section('handlers').filter((t): t is ModuleTask => {
      if (t.kind !== 'module') this.problem(t.loc, 'handlers must be module tasks (no blocks or includes)');
      return t.kind === 'module';
    });
    const handlers = [...this.roles.handlers, ...playHandlers];
    this.roles = undefined;
    const playName = this.str(entry, 'name') ?? String(hosts ?? '');
    for (const n of this.notifications) {
      if (!handlers.some((h) => h.name === n.name || h.listen.includes(n.name))) {
        const names = handlers.flatMap((h) => [h.name, ...h.listen]).filter((x): x is string => !!x);
        this.problem(n.loc, `notify: no handler named '${n.name}' in play '${playName}'`, names.length ? `its handlers: ${[...new Set(names)].join(', ')}` : 'the play has no handlers');
      }
    }
    this.notifications = undefined;
    return {
      name: this.str(entry, 'name') ?? String(hosts ?? ''),
      hosts: Array.isArray(hosts) ? hosts.join(':') : String(hosts ?? ''),
      loc,
      file,
      baseDir,
      vars,
      varsFiles,
      gatherFacts: this.bool(entry, 'gather_facts') ?? true,
      gatherSubset: this.gatherSubset(entry),
      become: base.become,
      becomeUser: base.becomeUser,
      checkMode: base.checkMode,
      tags,
      serial: this.serial(entry),
      maxFailPercentage: this.percentage(entry),
      anyErrorsFatal: base.anyErrorsFatal,
      order: this.order(entry),
      varsPrompt: this.varsPrompt(entry),
      preTasks,
      tasks,
      postTasks,
      handlers,
    };
  }

  /** serial: a number, 'N%', or a list of them (the last one repeats); templates are rendered at run time. */
  private serial(entry: Obj): (number | string)[] {
    const v = entry.serial;
    if (v === undefined || v === null) return [];
    const list = Array.isArray(v) ? v : [v];
    const out: (number | string)[] = [];
    list.forEach((x, i) => {
      const at = Array.isArray(v) ? locOf(v, i) : locOf(entry, 'serial', 'value');
      if (typeof x === 'number' && Number.isInteger(x) && x >= 0) out.push(x);
      else if (typeof x === 'string' && (/^\s*\d+\s*%?\s*$/.test(x) || hasTemplate(x))) out.push(x.trim());
      else this.problem(at, `'serial' must be a number of hosts, a percentage ('30%') or a list of them, not ${JSON.stringify(x)}`);
    });
    return out;
  }

  private gatherSubset(entry: Obj): string[] | undefined {
    const v = entry.gather_subset;
    if (v === undefined || v === null) return undefined;
    const list = typeof v === 'string' ? v.split(',').map((s) => s.trim()) : Array.isArray(v) ? v : undefined;
    if (!list || !list.every((s) => typeof s === 'string')) {
      this.problem(locOf(entry, 'gather_subset', 'value'), "'gather_subset' must be a list of subsets (or a comma-separated string)");
      return undefined;
    }
    const bad = list.filter((s) => !SUBSETS.includes(s.replace(/^!/, '')));
    if (bad.length) this.problem(locOf(entry, 'gather_subset', 'value'), `unknown gather_subset '${bad.join("', '")}'`, `subsets: ${SUBSETS.join(', ')} (each may start with !)`);
    return list as string[];
  }

  private percentage(entry: Obj): number | undefined {
    const v = entry.max_fail_percentage;
    if (v === undefined || v === null) return undefined;
    const n = typeof v === 'string' && /^\s*\d+(\.\d+)?\s*%?\s*$/.test(v) ? Number.parseFloat(v) : v;
    if (typeof n === 'number' && n >= 0 && n <= 100) return n;
    this.problem(locOf(entry, 'max_fail_percentage', 'value'), "'max_fail_percentage' must be a number from 0 to 100");
    return undefined;
  }

  private order(entry: Obj): Play['order'] {
    const v = entry.order;
    if (v === undefined || v === null) return 'inventory';
    if (typeof v === 'string' && ORDERS.includes(v)) return v as Play['order'];
    this.problem(locOf(entry, 'order', 'value'), `'order' must be one of ${ORDERS.join(', ')}`);
    return 'inventory';
  }

  private throttle(t: Obj): number | undefined {
    const v = t.throttle;
    if (v === undefined || v === null) return undefined;
    if (typeof v === 'number' && Number.isInteger(v) && v >= 0) return v || undefined;
    this.problem(locOf(t, 'throttle', 'value'), "'throttle' must be a whole number of hosts (0: no limit)");
    return undefined;
  }

  /** environment: a mapping of variable names to values, or a template giving one; kept as a layer. */
  private environment(t: Obj, outer: unknown[]): unknown[] {
    const v = t.environment;
    if (v === undefined || v === null) return outer;
    const at = locOf(t, 'environment', 'value');
    const layers = Array.isArray(v) ? v : [v];
    for (const [i, layer] of layers.entries()) {
      const where = Array.isArray(v) ? locOf(v, i) ?? at : at;
      if (typeof layer === 'string' && hasTemplate(layer)) {
        this.checkTemplates(t, 'environment', layer, "'environment'");
        continue;
      }
      if (!isObj(layer)) {
        this.problem(where, "'environment' must be a mapping of variable names to values");
        return outer;
      }
      for (const [k, val] of Object.entries(layer)) {
        if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(k)) this.problem(locOf(layer, k) ?? where, `environment: '${k}' is not a valid variable name`);
        if (val !== null && typeof val === 'object') this.problem(locOf(layer, k, 'value') ?? where, `environment: the value of '${k}' must be a string, a number or a boolean`);
        else this.checkTemplates(layer, k, val, `environment '${k}'`);
      }
    }
    return [...outer, ...layers];
  }

  private varsPrompt(entry: Obj): Play['varsPrompt'] {
    const v = entry.vars_prompt;
    if (v === undefined || v === null) return [];
    if (!Array.isArray(v)) {
      this.problem(locOf(entry, 'vars_prompt', 'value'), "'vars_prompt' must be a list of {name, prompt, …}");
      return [];
    }
    const out: Play['varsPrompt'] = [];
    v.forEach((p, i) => {
      const at = locOf(v, i) ?? locOf(entry, 'vars_prompt')!;
      if (!isObj(p)) return this.problem(at, "each vars_prompt entry must be a mapping with 'name' and 'prompt'");
      for (const k of Object.keys(p)) if (!VARS_PROMPT_KEYS.includes(k)) this.problem(locOf(p, k), `unknown vars_prompt key '${k}'`, `allowed: ${VARS_PROMPT_KEYS.join(', ')}`);
      const name = p.name;
      if (typeof name !== 'string' || !/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) return this.problem(locOf(p, 'name', 'value') ?? at, "vars_prompt needs 'name': a variable name");
      const encrypt = this.str(p, 'encrypt');
      if (encrypt !== undefined && !['sha512_crypt', 'sha256_crypt'].includes(encrypt)) this.problem(locOf(p, 'encrypt', 'value'), `vars_prompt: encrypt '${encrypt}' is not supported`, 'supported: sha512_crypt, sha256_crypt');
      out.push({
        name,
        prompt: this.str(p, 'prompt') ?? name,
        private: this.bool(p, 'private') ?? true,
        default: p.default === undefined || p.default === null ? undefined : String(p.default),
        confirm: this.bool(p, 'confirm') ?? false,
        encrypt,
        loc: at,
      });
    });
    return out;
  }

  /** The play's `roles:` list, expanded into tasks. */
  private playRoles(entry: Obj, base: Inherited): Task[] {
    const list = entry.roles;
    if (list === undefined || list === null) return [];
    if (!Array.isArray(list)) {
      this.problem(locOf(entry, 'roles', 'value'), "'roles' must be a list of roles");
      return [];
    }
    return list.flatMap((r, i) => {
      const e = roleEntry(r, locOf(list, i) ?? locOf(entry, 'roles')!, this, true);
      if (!e) return [];
      if (isObj(r)) this.checkExpression(r, 'when');
      return this.roles!.expand(e.ref, this.inherit(e.keywords, base));
    });
  }

  /** import_role is expanded in place; include_role too, behind a condition evaluated once per host. */
  private roleTask(t: Obj, action: string, loc: Loc, name: string | undefined, me: Inherited, baseDir: string): Task[] {
    const a = t[action];
    if (!isObj(a)) {
      this.problem(locOf(t, action, 'value'), `${action} needs a mapping with 'name: ROLE'`);
      return [];
    }
    for (const k of Object.keys(a)) if (!ROLE_ARGS.includes(k)) this.problem(locOf(a, k), `unknown argument '${k}' for ${action}`, `allowed: ${ROLE_ARGS.join(', ')}`);
    const lk = Object.keys(t).find((k) => k === 'loop' || k.startsWith('with_'));
    if (lk) {
      this.problem(locOf(t, lk), `loops over ${action} are not supported`, 'put the loop on the tasks inside the role');
      return [];
    }
    const e = roleEntry({ role: a.name, tasks_from: a.tasks_from, vars_from: a.vars_from, defaults_from: a.defaults_from, handlers_from: a.handlers_from }, locOf(t, action, 'value') ?? loc, this, false);
    if (!e) return [];
    e.ref.loc = locOf(a, 'name', 'value') ?? e.ref.loc;
    const roles = this.roles ?? new PlayRoles(this, baseDir);
    if (stripCollection(action) === 'import_role') return roles.expand(e.ref, me);
    const tasks = roles.expand(e.ref, { ...me, when: [] });
    if (!this.roles && roles.handlers.length) this.problem(loc, `${action}: a role with handlers cannot be used from a tasks file included at run time`, 'import the role in the play');
    return [{ kind: 'include', name, loc, baseDir, ...me, file: `role ${e.ref.name}`, tasks }];
  }

  taskList(list: unknown[], file: string, inh: Inherited): Task[] {
    const out: Task[] = [];
    list.forEach((t, i) => {
      if (!isObj(t)) {
        this.problem(locOf(list, i), 'each task must be a mapping');
        return;
      }
      out.push(...this.task(t, file, inh));
    });
    return out;
  }

  private inherit(t: Obj, inh: Inherited): Inherited {
    const when = t.when === undefined ? inh.when : [...inh.when, t.when];
    const vars = t.vars === undefined ? inh.vars : isObj(t.vars) ? [...inh.vars, t.vars] : (this.problem(locOf(t, 'vars', 'value'), "'vars' must be a mapping"), inh.vars);
    return {
      when,
      vars,
      defaults: inh.defaults,
      role: inh.role,
      tags: [...new Set([...inh.tags, ...this.tags(t, 'tags')])],
      become: this.bool(t, 'become') ?? inh.become,
      becomeUser: this.str(t, 'become_user') ?? inh.becomeUser,
      delegateTo: this.str(t, 'delegate_to') ?? inh.delegateTo,
      checkMode: this.bool(t, 'check_mode') ?? inh.checkMode,
      noLog: this.bool(t, 'no_log') ?? inh.noLog,
      ignoreErrors: this.bool(t, 'ignore_errors') ?? inh.ignoreErrors,
      runOnce: this.bool(t, 'run_once') ?? inh.runOnce,
      anyErrorsFatal: this.bool(t, 'any_errors_fatal') ?? inh.anyErrorsFatal,
      throttle: this.throttle(t) ?? inh.throttle,
      environment: this.environment(t, inh.environment),
    };
  }

  private task(t: Obj, file: string, inh: Inherited): Task[] {
    const loc = locOf(t)!;
    const baseDir = dirname(file);
    const name = this.str(t, 'name');
    const me = this.inherit(t, inh);
    // Conditions and vars of every kind of task (blocks, includes, meta, roles) compile now.
    this.checkExpression(t, 'when');
    if (isObj(t.vars)) for (const [k, v] of Object.entries(t.vars)) this.checkTemplates(t.vars, k, v, `variable '${k}'`);
    if ('block' in t) {
      for (const k of Object.keys(t)) {
        if (!TASK_KEYS.has(k) || ['loop', 'with_items', 'register', 'args', 'notify'].includes(k) || k.startsWith('with_')) {
          this.problem(locOf(t, k), `'${k}' is not allowed on a block`);
        }
      }
      const part = (key: string): Task[] => {
        const v = t[key];
        if (v === undefined || v === null) return [];
        if (!Array.isArray(v)) return this.problem(locOf(t, key, 'value'), `'${key}' must be a list of tasks`), [];
        // Children get the block's settings but evaluate its `when` and `vars` through the chain.
        return this.taskList(v, file, me);
      };
      const block: BlockTask = { kind: 'block', name, loc, baseDir, ...me, block: part('block'), rescue: part('rescue'), always: part('always') };
      return [block];
    }
    for (const k of ['rescue', 'always']) if (k in t) this.problem(locOf(t, k), `'${k}' needs a 'block' beside it`);
    const actions = Object.keys(t).filter((k) => !TASK_KEYS.has(k) && !k.startsWith('with_'));
    if (actions.length === 0) {
      this.problem(loc, `task${name ? ` '${name}'` : ''} has no module`, `modules: ${this.registry.names().join(', ')}`);
      return [];
    }
    if (actions.length > 1) {
      const known = actions.filter((a) => this.registry.get(a) || ['import_tasks', 'include_tasks', 'import_role', 'include_role', 'meta'].includes(stripCollection(a)));
      if (known.length === 1) {
        for (const a of actions.filter((x) => x !== known[0])) this.unknownKeyword(t, a);
        return this.action(t, known[0]!, baseDir, loc, name, me);
      }
      this.problem(locOf(t, actions[1]!), `conflicting action statements: ${actions.join(', ')}`, 'a task runs exactly one module');
      return [];
    }
    return this.action(t, actions[0]!, baseDir, loc, name, me);
  }

  private unknownKeyword(t: Obj, k: string): void {
    const near = nearest(k, [...TASK_KEYS]);
    this.problem(locOf(t, k), `unknown task keyword '${k}'`, near.length ? `did you mean '${near.join("' or '")}'?` : undefined);
  }

  private action(t: Obj, action: string, baseDir: string, loc: Loc, name: string | undefined, me: Inherited): Task[] {
    const control = stripCollection(action);
    if (control === 'import_tasks' || control === 'include_tasks') return this.tasksFile(t, action, baseDir, loc, name, me);
    if (control === 'import_role' || control === 'include_role') return this.roleTask(t, action, loc, name, me, baseDir);
    if (control === 'meta') {
      const a = t[action];
      if (typeof a === 'string' && META_WHY_NOT[a]) {
        this.problem(locOf(t, action, 'value'), `meta: ${a} is not supported: ${META_WHY_NOT[a]}`, `meta actions: ${META_ACTIONS.join(', ')}`);
        return [];
      }
      if (typeof a !== 'string' || !META_ACTIONS.includes(a)) {
        this.problem(locOf(t, action, 'value'), `unknown meta action '${String(a)}'`, `meta actions: ${META_ACTIONS.join(', ')}`);
        return [];
      }
      return [{ kind: 'meta', name, loc, baseDir, ...me, action: a as 'flush_handlers' }];
    }
    const mod = this.registry.get(action);
    if (!mod) {
      const near = nearest(stripCollection(action), this.registry.names());
      this.problem(
        locOf(t, action),
        `unknown module '${action}'`,
        near.length ? `did you mean '${near.join("' or '")}'? (tsplay doc lists modules)` : `modules: ${this.registry.names().join(', ')}`,
      );
      return [];
    }
    const args = this.args(t, action, mod);
    const loopKey = this.loopKey(t);
    if (loopKey) this.checkTemplates(t, loopKey, t[loopKey], `'${loopKey}'`);
    if (loopKey?.startsWith('with_')) this.checkWith(t, loopKey);
    const lc = t.loop_control;
    if (lc !== undefined && !isObj(lc)) this.problem(locOf(t, 'loop_control', 'value'), "'loop_control' must be a mapping");
    const lco = isObj(lc) ? lc : {};
    for (const k of Object.keys(lco)) if (!LOOP_CONTROL.includes(k)) this.problem(locOf(lco, k), `unknown loop_control key '${k}'`, `allowed: ${LOOP_CONTROL.join(', ')}`);
    if (lco.extended !== undefined) this.bool(lco, 'extended');
    const notify = this.tags(t, 'notify');
    // A templated name is known only at run time (then an unknown one is a warning).
    for (const n of notify) if (!n.includes('{{')) this.notifications?.push({ loc: locOf(t, 'notify', 'value') ?? loc, name: n });
    const task: ModuleTask = {
      kind: 'module',
      name,
      loc,
      baseDir,
      ...me,
      module: mod,
      args,
      loop: loopKey ? t[loopKey] : undefined,
      loopWith: loopKey?.startsWith('with_') ? loopKey.slice(5) : undefined,
      loopExtended: lco.extended === true,
      loopVar: typeof lco.loop_var === 'string' ? lco.loop_var : 'item',
      loopLabel: typeof lco.label === 'string' ? lco.label : undefined,
      loopIndexVar: typeof lco.index_var === 'string' ? lco.index_var : undefined,
      loopPause: typeof lco.pause === 'number' ? lco.pause : 0,
      register: this.str(t, 'register'),
      changedWhen: t.changed_when,
      failedWhen: t.failed_when,
      until: t.until,
      retries: typeof t.retries === 'number' ? t.retries : 3,
      delay: typeof t.delay === 'number' ? t.delay : 5,
      notify,
      listen: this.tags(t, 'listen'),
    };
    if (task.register !== undefined && !/^[A-Za-z_][A-Za-z0-9_]*$/.test(task.register)) this.problem(locOf(t, 'register', 'value'), `register name '${task.register}' is not a valid variable name`);
    for (const cond of ['changed_when', 'failed_when', 'until'] as const) this.checkExpression(t, cond);
    return [task];
  }

  /** The task's loop keyword (`loop` or one with_X); several, or an unknown with_X, are reported. */
  private loopKey(t: Obj): string | undefined {
    const keys = Object.keys(t).filter((k) => k === 'loop' || k.startsWith('with_'));
    for (const k of keys) {
      if (k !== 'loop' && !WITH_LOOPS.includes(k.slice(5))) {
        this.problem(locOf(t, k), `'${k}' is not supported`, `write it as loop: "{{ lookup('${k.slice(5)}', …, wantlist=True) }}" or use one of: ${WITH_LOOPS.map((w) => `with_${w}`).join(', ')}`);
        return undefined;
      }
    }
    if (keys.length > 1) this.problem(locOf(t, keys[1]!), `a task has one loop: ${keys.join(' and ')} given`);
    return keys[0];
  }

  /** with_sequence and with_subelements written without templates are checked now. */
  private checkWith(t: Obj, key: string): void {
    const v = t[key];
    const at = locOf(t, key, 'value');
    if (key === 'with_sequence' && typeof v === 'string' && !hasTemplate(v)) {
      try {
        sequenceItems(v);
      } catch (e) {
        this.problem(at, `with_sequence: ${(e as Error).message}`);
      }
    }
    if (key === 'with_subelements' && (!Array.isArray(v) || v.length < 2 || v.length > 3 || typeof v[1] !== 'string')) {
      this.problem(at, 'with_subelements needs [LIST, "SUBKEY"] or [LIST, "SUBKEY", {skip_missing: true}]');
    }
    if (key === 'with_dict' && v !== null && typeof v !== 'string' && !isObj(v)) this.problem(at, 'with_dict needs a mapping (or a template giving one)');
  }

  /** Bare expressions are compiled now, so a syntax error is reported before the run. */
  private checkExpression(t: Obj, key: string): void {
    const v = t[key];
    const list = Array.isArray(v) ? v : v === undefined ? [] : [v];
    for (const e of list) {
      if (typeof e !== 'string') continue;
      for (const err of expressionProblems(e, this.plugins)) this.problem(locOf(t, key, 'value'), `invalid expression in '${key}': ${err}`, expressionHint(e));
    }
  }

  /** `{{ }}` templates in a task's arguments and loop compile now, not halfway through a run. */
  private checkTemplates(owner: Obj, key: string, value: unknown, what: string): void {
    for (const err of templateProblems(value, this.plugins)) this.problem(locOf(owner, key, 'value'), `invalid expression in ${what}: ${err}`, expressionHint(JSON.stringify(value)));
  }

  private args(t: Obj, action: string, mod: ModuleDefinition): Record<string, unknown> {
    const raw = t[action];
    let args: Record<string, unknown>;
    if (raw === null || raw === undefined) args = {};
    else if (typeof raw === 'string') args = parseKeyValueArgs(raw, mod.freeForm, [...Object.keys((mod.schema.properties ?? {}) as object), ...Object.keys(mod.aliases ?? {})]);
    else if (isObj(raw)) args = { ...raw };
    else {
      this.problem(locOf(t, action, 'value'), `arguments of '${action}' must be a mapping or a 'key=value' string`);
      return {};
    }
    if (isObj(t.args)) args = { ...t.args, ...args };
    if ('_raw_params' in args) {
      this.problem(locOf(t, action, 'value'), `${mod.name} takes no free-form text`, `write it as a mapping of arguments: ${Object.keys((mod.schema.properties ?? {}) as object).join(', ')}`);
      return args;
    }
    const keyLoc = (k: string) => (isObj(raw) && k in raw ? locOf(raw, k) : locOf(t, action, 'value'));
    if (isObj(raw)) for (const [k, v] of Object.entries(raw)) this.checkTemplates(raw, k, v, `argument '${k}'`);
    if (isObj(raw)) for (const k of mod.expressionArgs ?? []) if (k in raw && !hasTemplate(raw[k])) this.checkExpression(raw, k);
    else this.checkTemplates(t, action, raw, `the arguments of '${action}'`);
    this.pending.push(
      validateArgs(mod, args, (k) => hasTemplate(args[k])).then(({ problems }) => {
        for (const p of problems) this.problem(p.key ? keyLoc(p.key) : locOf(t, action), p.message, p.hint);
      }),
    );
    return args;
  }

  private tasksFile(t: Obj, action: string, baseDir: string, loc: Loc, name: string | undefined, me: Inherited): Task[] {
    const target = t[action];
    const path = isObj(target) ? target.file : target;
    if (typeof path !== 'string') {
      this.problem(locOf(t, action, 'value'), `${action} needs a file name`);
      return [];
    }
    const lk = Object.keys(t).find((k) => k === 'loop' || k.startsWith('with_'));
    if (lk) {
      this.problem(locOf(t, lk), `loops over ${action} are not supported`, 'put the loop on the tasks inside the file');
      return [];
    }
    if (hasTemplate(path)) {
      if (action === 'import_tasks') {
        this.problem(locOf(t, action, 'value'), 'import_tasks is static: its file name cannot be a template', 'use include_tasks for a file chosen at run time');
        return [];
      }
      return [{ kind: 'include', name, loc, baseDir, ...me, file: path }];
    }
    const full = resolveTasksFile(path, baseDir);
    if (this.stack.includes(full)) {
      this.problem(locOf(t, action, 'value'), `${action} loop: ${path} includes itself`);
      return [];
    }
    const { documents, problems } = loadYamlFile(full);
    if (problems.length) {
      if (problems[0]?.message === 'file not found') this.problem(locOf(t, action, 'value'), `${action}: file not found: ${path}`);
      else this.problems.push(...problems);
      return [];
    }
    const doc = documents[0];
    if (doc === null || doc === undefined) return [];
    if (!Array.isArray(doc)) {
      this.problem(locOf(doc) ?? { file: full, line: 1, col: 1 }, 'a tasks file must be a list of tasks');
      return [];
    }
    this.stack.push(full);
    // A static import is a block without its own position in the output: its settings apply to each task.
    const tasks = this.taskList(doc, full, me);
    this.stack.pop();
    return tasks;
  }

  async finish(): Promise<void> {
    await Promise.all(this.pending);
  }
}

/** Puts an outer condition before the tasks' own, inside blocks too. */
function addWhen(tasks: Task[], when: unknown): void {
  for (const t of tasks) {
    t.when = [when, ...t.when];
    if (t.kind === 'block') for (const part of [t.block, t.rescue, t.always]) addWhen(part, when);
  }
}

/** Tasks files are looked up beside the including file, then in its `tasks/` folder. */
export function resolveTasksFile(path: string, baseDir: string): string {
  if (isAbsolute(path)) return path;
  const beside = resolve(baseDir, path);
  if (existsSync(beside)) return beside;
  const inTasks = resolve(baseDir, 'tasks', path);
  return existsSync(inTasks) ? inTasks : beside;
}

/** Loads and validates a whole playbook tree; throws ValidationError with every problem. */
export async function loadPlaybook(file: string, registry: ModuleRegistry, rolesPath: readonly string[] = rolesPathFromEnv()): Promise<Playbook> {
  const full = resolve(file);
  // Ansible's filter_plugins/ and test_plugins/ beside the playbook.
  const plugins = await loadPlugins([dirname(full)]);
  const loader = new Loader(registry, rolesPath, plugins);
  const plays = loader.loadPlaybookFile(full, []);
  await loader.finish();
  if (loader.problems.length) throw new ValidationError(sortProblems(loader.problems));
  return { file: full, plays, plugins };
}

/** ANSIBLE_ROLES_PATH, colon-separated, as Ansible reads it (ansible.cfg's roles_path goes through loadPlaybook's argument). */
export function rolesPathFromEnv(env: NodeJS.ProcessEnv = process.env): string[] {
  return (env.ANSIBLE_ROLES_PATH ?? '').split(':').filter(Boolean);
}

/** Loads a tasks file at run time (include_tasks with a templated name). */
export async function loadTasksFile(path: string, baseDir: string, inh: Inherited, registry: ModuleRegistry, plugins?: Plugins): Promise<Task[]> {
  const loader = new Loader(registry, [], plugins);
  const full = resolveTasksFile(path, baseDir);
  const { documents, problems } = loadYamlFile(full);
  if (problems.length) throw new ValidationError(problems);
  const doc = documents[0] ?? [];
  if (!Array.isArray(doc)) throw new ValidationError([problemAt(locOf(doc) ?? { file: full, line: 1, col: 1 }, 'a tasks file must be a list of tasks')]);
  const tasks = loader.taskList(doc, full, inh);
  await loader.finish();
  if (loader.problems.length) throw new ValidationError(sortProblems(loader.problems));
  return tasks;
}

function sortProblems(p: SourceProblem[]): SourceProblem[] {
  return [...p].sort((a, b) => a.file.localeCompare(b.file) || a.line - b.line || a.col - b.col);
}
