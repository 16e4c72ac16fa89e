// template: renders a template on the controller with the host's variables — Jinja2 as in
// Ansible, or EJS for `.ejs` files — and puts the result on the host when it differs (one round
// trip to compare, an atomic write to change).
import { readFileSync } from 'node:fs';
import { ModuleError, TsplayError, WHOLE_FILE_LIMIT, applyContent, contentSchema, defineModule, fileProbes, planContent, remoteFileOf, type CheckResult, type ContentPlan, type ModuleContext } from '../sdk/index.js';
import { resolveControllerFile } from './lib/controller-files.js';
import { decodeUtf8, encodeText } from './lib/text-encoding.js';

interface Args {
  src: string;
  dest: string;
  owner?: string;
  group?: string;
  mode?: string | number;
  backup: boolean;
  validate?: string;
  force: boolean;
  follow: boolean;
  output_encoding: string;
}

type Ejs = typeof import('ejs');
let ejsModule: Ejs | undefined;

async function loadEjs(): Promise<Ejs> {
  ejsModule ??= ((await import('ejs')) as { default: Ejs }).default;
  return ejsModule;
}

/** Reads a template file: UTF-8, as in Ansible (output_encoding chooses what is written). */
function readTemplate(file: string): string {
  let bytes: Buffer;
  try {
    bytes = readFileSync(file);
  } catch (e) {
    throw new ModuleError(`cannot read template ${file}: ${(e as Error).message}`);
  }
  return decodeUtf8(bytes, `template ${file}`);
}

/** Renders a template file: EJS for `.ejs`, Jinja2 for everything else. Errors name the file (and for EJS the line). */
export async function renderTemplate(ctx: Pick<ModuleContext, 'vars' | 'renderTemplate'>, file: string): Promise<string> {
  const text = readTemplate(file);
  if (!file.endsWith('.ejs')) {
    try {
      return ctx.renderTemplate(text, file);
    } catch (e) {
      if (e instanceof TsplayError) throw new ModuleError(`template ${file}: ${e.message}`);
      throw e;
    }
  }
  const ejs = await loadEjs();
  const vars = ctx.vars;
  try {
    return ejs.render(text, { ...vars }, { filename: file, strict: false, _with: true, async: false });
  } catch (e) {
    const err = e as Error;
    // ejs prefixes the message with "file:line", the lines around it, then the original message.
    const where = /^(.*):(\d+)\n/.exec(err.message);
    const original = err.message.split('\n\n').pop() ?? err.message;
    const undef = err instanceof ReferenceError ? /^(\S+) is not defined/.exec(original) : null;
    const at = where ? `${where[1]} line ${where[2]}` : file;
    if (undef) throw new ModuleError(`template ${at}: undefined variable '${undef[1]}'\n${err.message}`);
    throw new ModuleError(`template ${at}: ${err.name}: ${original}\n${err.message}`);
  }
}

async function check(ctx: ModuleContext, a: Args, probed: Record<string, unknown>): Promise<CheckResult<ContentPlan>> {
  const file = resolveControllerFile(ctx.baseDir, 'templates', a.src);
  const rendered = encodeText(await renderTemplate(ctx, file), a.output_encoding, `template ${file}`);
  const remote = remoteFileOf(probed, a.dest);
  return planContent(a.dest, remote, rendered, a);
}

export default defineModule<Args, ContentPlan>({
  name: 'template',
  speculative: true,
  summary: 'Render a Jinja2 (or EJS) template with the host variables and put it on the host',
  description: [
    'Renders `src` on the controller with the host variables and writes the result to `dest`',
    'when it differs from the file there (compared in one round trip; written atomically, owner',
    'and mode kept unless given). A relative `src` is looked up in the playbook folder\'s',
    'templates/, then ../templates/, then the playbook folder itself.',
    '',
    'Templates are Jinja2 with Ansible\'s settings (trim_blocks, a final newline kept, the same',
    'filters, tests and lookups as in playbooks; `{% include %}` looks beside the template). A',
    'variable the template uses but the host does not have is an error naming the template and',
    'the variable. Files ending in `.ejs` are EJS instead: use `<%- expr %>`, which inserts the',
    'value as it is (`<%= expr %>` HTML-escapes it).',
    '',
    "Encodings, as in Ansible: a template file is UTF-8 (one that is not is an error naming the file",
    'and the first bad byte, never a silent U+FFFD); `output_encoding` writes the result in another',
    'encoding (latin1, cp1251, koi8-r…; a character it cannot hold is an error naming it).',
    '',
    'Links: a symlink at `dest` is replaced by a regular file; `follow: true` writes to its target',
    '(see copy). The write is atomic and complete (length and checksum verified before the',
    "rename), and keeps the old file's owner, mode and POSIX ACL unless owner/group/mode are given.",
  ].join('\n'),
  schema: {
    type: 'object',
    additionalProperties: false,
    required: ['src', 'dest'],
    properties: {
      src: { type: 'string', description: 'Template on the controller (relative to templates/): Jinja2, or EJS when it ends in .ejs.' },
      dest: { type: 'string', description: 'Path of the file on the host.' },
      output_encoding: { type: 'string', default: 'utf-8', description: 'Encoding of the written file (utf-8, latin1, cp1251, koi8-r…); the template itself is UTF-8.' },
      ...contentSchema,
    },
  },
  examples: [
    '- template:',
    '    src: pgpool.conf.j2',
    '    dest: /etc/pgpool2/pgpool.conf',
    '    owner: postgres',
    "    mode: '0640'",
    '# pgpool.conf.j2:',
    "#   backend_hostname0 = '{{ primary_address }}'",
  ].join('\n'),
  probes: (a) => fileProbes(a.dest, 'file', WHOLE_FILE_LIMIT),
  check,
  apply: (ctx, _args, change) => applyContent(ctx, change.plan!),
});
