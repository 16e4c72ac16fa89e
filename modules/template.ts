// template: renders an EJS template on the controller with the host's variables and puts the
// result on the host when it differs (one round trip to compare, an atomic write to change).
import { readFileSync } from 'node:fs';
import { ModuleError, WHOLE_FILE_LIMIT, applyContent, contentSchema, defineModule, planContent, readRemoteFile, type CheckResult, type ContentPlan, type ModuleContext } from '../sdk/index.js';
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

/** Renders a template file; an undefined variable becomes an error naming the file, line and variable. */
export async function renderTemplate(file: string, vars: Readonly<Record<string, unknown>>): Promise<string> {
  const ejs = await loadEjs();
  let bytes: Buffer;
  try {
    bytes = readFileSync(file);
  } catch (e) {
    throw new ModuleError(`cannot read template ${file}: ${(e as Error).message}`);
  }
  // As in Ansible, templates are UTF-8 (output_encoding chooses what is written).
  const text = decodeUtf8(bytes, `template ${file}`);
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

async function check(ctx: ModuleContext, a: Args): Promise<CheckResult<ContentPlan>> {
  const file = resolveControllerFile(ctx.baseDir, 'templates', a.src);
  const rendered = encodeText(await renderTemplate(file, ctx.vars), a.output_encoding, `template ${file}`);
  const remote = await readRemoteFile(ctx, a.dest, WHOLE_FILE_LIMIT);
  return planContent(a.dest, remote, rendered, a);
}

export default defineModule<Args, ContentPlan>({
  name: 'template',
  speculative: true,
  summary: 'Render an EJS template with the host variables and put it on the host',
  description: [
    'Renders `src` (EJS) on the controller with the host variables as locals and writes the',
    'result to `dest` when it differs from the file there (compared in one round trip; written',
    'atomically, owner and mode kept unless given). A relative `src` is looked up in the',
    "playbook folder's templates/, then ../templates/, then the playbook folder itself.",
    '',
    'In configuration files use `<%- expr %>`, which inserts the value as it is: `<%= expr %>`',
    'HTML-escapes it (& < > " \' become entities). A variable the template uses but the host',
    'does not have is an error naming the template file, the line and the variable.',
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
      src: { type: 'string', description: 'EJS template on the controller (relative to templates/).' },
      dest: { type: 'string', description: 'Path of the file on the host.' },
      output_encoding: { type: 'string', default: 'utf-8', description: 'Encoding of the written file (utf-8, latin1, cp1251, koi8-r…); the template itself is UTF-8.' },
      ...contentSchema,
    },
  },
  examples: [
    '- template:',
    '    src: pgpool.conf.ejs',
    '    dest: /etc/pgpool2/pgpool.conf',
    '    owner: postgres',
    "    mode: '0640'",
    '# pgpool.conf.ejs:',
    "#   backend_hostname0 = '<%- primary_address %>'",
  ].join('\n'),
  check,
  apply: (ctx, _args, change) => applyContent(ctx, change.plan!),
});
