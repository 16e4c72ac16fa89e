// Running modules on lab hosts the way the runner does, for the module e2e suites: one
// recording SSH connection per host, a task helper (check, apply, re-check), and suite setup.
import type { ApplyResult, CheckResult, ExecOptions, ExecResult, ModuleDefinition } from '../../engine/module-api.js';
import { runStep } from '../../engine/module/step.js';
import { validateArgs } from '../../engine/module-args.js';
import { SshConnection } from '../../engine/connection/ssh.js';
import { createModuleContext } from '../../engine/runner/module-context.js';
import { allocateAddresses, DEFAULT_HOSTS, type LabHost } from '../../lab/addresses.js';
import { RELEASES } from '../../lab/base-image.js';
import { assertLabUp, labReset, labStatus, labUp, reserveLab } from '../../lab/commands.js';
import { KEY_FILE, KNOWN_HOSTS_FILE } from '../../lab/paths.js';
import { requireRootOrSkip } from './root.js';

export const hosts = Object.fromEntries(allocateAddresses(DEFAULT_HOSTS).map((h) => [h.name, h])) as Record<'master' | 'slave' | 'balancer', LabHost>;

/** An SSH connection that records what it sends, to prove what never reaches a command line. */
export class RecordingSsh extends SshConnection {
  readonly sent: string[] = [];
  override exec(command: string, opts?: ExecOptions): Promise<ExecResult> {
    this.sent.push(command);
    return super.exec(command, opts);
  }
}

const connections = new Map<string, RecordingSsh>();

export async function connection(h: LabHost): Promise<RecordingSsh> {
  await assertLabUp();
  let c = connections.get(h.name);
  if (!c) {
    c = new RecordingSsh({ name: h.name, address: h.address, port: 22, user: 'root', privateKeyFile: KEY_FILE, knownHostsFile: KNOWN_HOSTS_FILE, hostKeyPolicy: 'strict' });
    connections.set(h.name, c);
  }
  return c;
}

/** Every command sent to any lab host so far. */
export function sentCommands(): string[] {
  return [...connections.values()].flatMap((c) => c.sent);
}

export async function closeConnections(): Promise<void> {
  for (const c of connections.values()) await c.close();
  connections.clear();
}

/** A shell command on a lab host, for setting up and for looking at the result. */
export async function sh(h: LabHost, command: string): Promise<string> {
  const r = await (await connection(h)).exec(command);
  if (r.code !== 0) throw new Error(`${h.name}: ${command}: exit ${r.code}\n${r.stderr}`);
  return r.stdout;
}

export interface Run {
  check: CheckResult;
  applied?: ApplyResult | void;
  /** The runner's re-check after apply. */
  verify?: CheckResult;
  /** Round trips of the check alone. */
  checkTrips: number;
}

/** One task as the runner runs it: the module step. */
export async function task(h: LabHost, mod: ModuleDefinition, raw: Record<string, unknown>, checkMode = false): Promise<Run> {
  const { args, problems } = await validateArgs(mod, raw);
  if (problems.length) throw new Error(problems.map((p) => p.message).join('; '));
  const conn = await connection(h);
  const ctx = createModuleContext({
    host: h.name,
    conn,
    vars: { inventory_hostname: h.name, ansible_host: h.address, ansible_port: 22 },
    checkMode,
    baseDir: process.cwd(),
    secrets: [],
    connectionTo: async (name) => connection(hosts[name as keyof typeof hosts]),
    log: () => undefined,
  });
  const before = conn.roundTrips;
  let checkTrips = 0;
  const step = await runStep(mod, args, ctx, { onCheck: () => (checkTrips = conn.roundTrips - before) });
  if (step.outcome !== 'changed') return { check: step.check, checkTrips };
  return { check: step.check, applied: step.applied, verify: step.verified, checkTrips };
}

export const said = (r: CheckResult) => (r.changed ? r.description : r.reason);

/**
 * Suite setup: root (or a loud skip), the lab reserved, up and reset to fresh hosts. Returns
 * the release's PostgreSQL version and the function that ends the suite.
 */
export async function freshLab(ctx: Mocha.Context, what: string): Promise<{ pg: string; done: () => Promise<void> }> {
  requireRootOrSkip(ctx, what);
  const log = (s: string) => console.log(`      lab: ${s}`);
  const unreserve = await reserveLab(log);
  await labUp({ log });
  await labReset();
  const pg = RELEASES[(await labStatus()).release!].postgres;
  return {
    pg,
    done: async () => {
      await closeConnections();
      unreserve();
    },
  };
}
