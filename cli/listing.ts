// --list-tasks, --list-tags, --list-hosts: what a run would touch, without contacting a host.
import type { Inventory } from '../engine/inventory/index.js';
import type { Playbook, Task } from '../engine/playbook/model.js';
import { type TagFilter, tagsSelect } from '../engine/playbook/tags.js';

function* moduleTasks(tasks: Task[]): Generator<Task> {
  for (const t of tasks) {
    if (t.kind === 'block') yield* moduleTasks([...t.block, ...t.rescue, ...t.always]);
    else if (t.kind === 'include' && t.tasks) yield* moduleTasks(t.tasks);
    else yield t;
  }
}

function playTasks(p: Playbook['plays'][number]): Task[] {
  return [...moduleTasks([...p.preTasks, ...p.tasks, ...p.postTasks])];
}

function taskName(t: Task): string {
  if (t.kind === 'module') return (t.role ? `${t.role} : ` : '') + (t.name ?? t.module.name);
  if (t.kind === 'include') return t.name ?? `include_tasks: ${t.file}`;
  return t.name ?? (t.kind === 'meta' ? `meta: ${t.action}` : 'block');
}

/** Whether --start-at-task can find this task (a run-time include_tasks may hold it too). */
export function mayHaveTask(pb: Playbook, name: string): boolean {
  return pb.plays.some((p) => playTasks(p).some((t) => t.kind === 'include' || t.name === name));
}

export function listTasks(pb: Playbook, filter: TagFilter): string {
  const out = [`\nplaybook: ${pb.file}`];
  pb.plays.forEach((p, i) => {
    out.push(`\n  play #${i + 1} (${p.hosts}): ${p.name}\tTAGS: [${p.tags.join(', ')}]`, '    tasks:');
    for (const t of playTasks(p)) {
      if (!tagsSelect(t.tags, filter)) continue;
      out.push(`      ${taskName(t)}\tTAGS: [${t.tags.join(', ')}]`);
    }
  });
  return out.join('\n');
}

export function listTags(pb: Playbook): string {
  const out = [`\nplaybook: ${pb.file}`];
  pb.plays.forEach((p, i) => {
    const tags = new Set(p.tags);
    for (const t of playTasks(p)) for (const tag of t.tags) tags.add(tag);
    out.push(`\n  play #${i + 1} (${p.hosts}): ${p.name}\tTAGS: [${p.tags.join(', ')}]`, `      TASK TAGS: [${[...tags].sort().join(', ')}]`);
  });
  return out.join('\n');
}

export function listHosts(pb: Playbook, inv: Inventory, limit?: string): string {
  const allowed = limit ? new Set(inv.select(limit)) : undefined;
  const out = [`\nplaybook: ${pb.file}`];
  pb.plays.forEach((p, i) => {
    const hosts = inv.select(p.hosts).filter((h) => !allowed || allowed.has(h));
    out.push(`\n  play #${i + 1} (${p.hosts}): ${p.name}\tTAGS: [${p.tags.join(', ')}]`, `    pattern: ['${p.hosts}']`, `    hosts (${hosts.length}):`);
    for (const h of hosts) out.push(`      ${h}`);
  });
  return out.join('\n');
}
