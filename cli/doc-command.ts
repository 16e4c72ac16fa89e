// `tsplay doc [MODULE]`: a module's documentation and arguments, generated from its schema.
import { UsageError } from '../engine/errors.js';
import type { ModuleDefinition } from '../engine/module-api.js';
import { nearestHint } from '../engine/module-args.js';
import type { Registry } from '../engine/module-registry.js';

type Prop = { type?: string | string[]; description?: string; default?: unknown; enum?: unknown[]; items?: Prop; oneOf?: Prop[]; anyOf?: Prop[] };

function typeOf(p: Prop): string {
  if (p.enum) return p.enum.map(String).join('|');
  if (p.oneOf || p.anyOf) return (p.oneOf ?? p.anyOf)!.map(typeOf).join(' or ');
  const t = Array.isArray(p.type) ? p.type.join('|') : (p.type ?? 'any');
  return t === 'array' && p.items ? `list of ${typeOf(p.items)}` : t;
}

function wrap(text: string, indent: string, width = 92): string {
  const words = text.split(/\s+/).filter(Boolean);
  const lines: string[] = [];
  let line = '';
  for (const w of words) {
    if (line && (indent + line + ' ' + w).length > width) {
      lines.push(indent + line);
      line = w;
    } else line = line ? `${line} ${w}` : w;
  }
  if (line) lines.push(indent + line);
  return lines.join('\n');
}

export function moduleDoc(m: ModuleDefinition): string {
  const out = [`> ${m.name.toUpperCase()}`, '', wrap(m.summary, '  ')];
  if (m.ansibleNames?.length) out.push('', `  Ansible's names: ${m.ansibleNames.join(', ')}`);
  if (m.description) out.push('', ...m.description.trim().split(/\n\s*\n/).map((para) => wrap(para, '  ')));
  const props = (m.schema.properties ?? {}) as Record<string, Prop>;
  const required = new Set((m.schema.required ?? []) as string[]);
  const aliases = new Map<string, string[]>();
  for (const [alias, name] of Object.entries(m.aliases ?? {})) aliases.set(name, [...(aliases.get(name) ?? []), alias]);
  out.push('', 'ARGUMENTS:');
  for (const name of Object.keys(props).sort()) {
    const p = props[name]!;
    const flags = [required.has(name) ? 'required' : '', (m.secrets ?? []).includes(name) ? 'secret' : ''].filter(Boolean);
    out.push(`  ${name} (${typeOf(p)})${flags.length ? ` [${flags.join(', ')}]` : ''}`);
    if (p.description) out.push(wrap(p.description, '      '));
    if (p.default !== undefined) out.push(`      default: ${JSON.stringify(p.default)}`);
    if (aliases.has(name)) out.push(`      aliases: ${aliases.get(name)!.join(', ')}`);
  }
  if (m.schema.additionalProperties !== false) out.push('  (any other keys are accepted)');
  if (m.freeForm) out.push('', `  Free-form: \`${m.name}: TEXT\` sets '${m.freeForm}'.`);
  if (m.examples) out.push('', 'EXAMPLES:', m.examples.trim().replace(/^/gm, '  '));
  return out.join('\n') + '\n';
}

export function docCommand(registry: Registry, name?: string): string {
  if (!name) {
    const width = Math.max(...registry.names().map((n) => n.length)) + 2;
    return registry.all().map((m) => `${m.name.padEnd(width)}${m.summary}`).join('\n') + '\n';
  }
  const m = registry.get(name);
  if (!m) throw new UsageError(`no module named '${name}'${nearestHint(name, registry.names())}; 'tsplay doc' lists them`);
  return moduleDoc(m);
}
