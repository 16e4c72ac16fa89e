// template fixtures: the rendered text compared with the host's file, written only when different.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import template from '../../../modules/template.js';
import type { CaseFile } from '../harness.js';
import { anyOk, fileReply, writeOk } from './file-replies.js';

const dir = mkdtempSync(join(tmpdir(), 'tsplay-template-cases-'));
process.on('exit', () => rmSync(dir, { recursive: true, force: true }));
const src = join(dir, 'pgpool.conf.ejs');
writeFileSync(src, "backend_hostname0 = '<%- primary %>'\nport = <%- port %>\n");
const vars = { primary: '10.0.0.1', port: 9999 };
const rendered = "backend_hostname0 = '10.0.0.1'\nport = 9999\n";

const cases: CaseFile = {
  module: template,
  cases: [
    {
      name: 'creates a missing file with the rendered text',
      args: { src, dest: '/etc/pgpool2/pgpool.conf', owner: 'postgres', mode: '0640' },
      vars,
      before: [fileReply({ kind: 'absent' }), writeOk],
      after: [fileReply({ content: rendered, owner: 'postgres', uid: 108, perm: 0o640 })],
      expect: { changed: true, message: /^create \/etc\/pgpool2\/pgpool\.conf$/, applies: [/chown -- postgres "\$f"/, /chmod -- 0640 "\$f"/] },
    },
    {
      name: 'same text and attributes → no change, nothing written',
      args: { src, dest: '/etc/pgpool2/pgpool.conf' },
      vars,
      before: [fileReply({ content: rendered })],
      expect: { changed: false, message: /up to date/ },
    },
    {
      name: 'different text → update',
      args: { src, dest: '/etc/pgpool2/pgpool.conf', backup: true },
      vars,
      before: [fileReply({ content: "backend_hostname0 = 'old'\nport = 9999\n" }), writeOk],
      after: [fileReply({ content: rendered })],
      expect: { changed: true, message: /^update /, applies: [/backup=/] },
    },
    {
      name: 'only the owner differs → chown, no write',
      args: { src, dest: '/etc/pgpool2/pgpool.conf', owner: 'postgres' },
      vars,
      before: [fileReply({ content: rendered }), anyOk],
      after: [fileReply({ content: rendered, owner: 'postgres', uid: 108 })],
      expect: { changed: true, message: /owner root → postgres/, applies: [/^chown -- postgres \/etc\/pgpool2\/pgpool\.conf$/] },
    },
  ],
};

export default cases;
