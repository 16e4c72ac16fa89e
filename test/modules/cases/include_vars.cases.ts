// include_vars fixtures: variables files on the controller (written to a temp folder here);
// no host is contacted.
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import includeVars from '../../../modules/include_vars.js';
import type { CaseFile } from '../harness.js';

const dir = mkdtempSync(join(tmpdir(), 'tsplay-include-vars-'));
mkdirSync(join(dir, 'vars', 'clusters', 'sub'), { recursive: true });
writeFileSync(join(dir, 'vars', 'main.yml'), 'pg_version: 15\npg_port: 5432\n');
writeFileSync(join(dir, 'vars', 'clusters', 'a.yml'), 'a: 1\n');
writeFileSync(join(dir, 'vars', 'clusters', 'b.json'), '{"b": 2}\n');
writeFileSync(join(dir, 'vars', 'clusters', 'notes.txt'), 'not vars\n');
writeFileSync(join(dir, 'vars', 'clusters', 'sub', 'c.yml'), 'c: 3\n');
writeFileSync(join(dir, 'list.yml'), '- a\n- b\n');
writeFileSync(join(dir, 'empty.yml'), '');

const none = { before: [], expect: { changed: false, checkRoundTrips: 0 } };

const cases: CaseFile = {
  module: includeVars,
  cases: [
    { name: 'an absolute file', args: { file: join(dir, 'vars', 'main.yml') }, ...none, expect: { ...none.expect, message: /^2 variable\(s\) from .*vars\/main\.yml$/ } },
    { name: 'a relative file is found in the playbook folder\'s vars/', args: { file: 'main.yml' }, vars: { playbook_dir: dir }, ...none, expect: { ...none.expect, message: /2 variable/ } },
    { name: 'name puts them under one variable', args: { file: join(dir, 'vars', 'main.yml'), name: 'pg' }, ...none, expect: { ...none.expect, message: /^1 variable/ } },
    { name: 'an empty file is no variables', args: { file: join(dir, 'empty.yml') }, ...none, expect: { ...none.expect, message: /^0 variable/ } },
    { name: 'a file that is not a mapping fails', args: { file: join(dir, 'list.yml') }, ...none, expect: { ...none.expect, error: /must be stored as a dictionary\/hash/ } },
    { name: 'a missing file fails, naming where it looked', args: { file: 'nope.yml' }, vars: { playbook_dir: dir }, ...none, expect: { ...none.expect, error: /Could not find or access 'nope\.yml'\nSearched in:/ } },
    {
      name: 'dir with ignore_unknown_extensions reads every file, sorted',
      args: { dir: join(dir, 'vars', 'clusters'), ignore_unknown_extensions: true },
      ...none,
      expect: { ...none.expect, message: /^3 variable\(s\) from 3 files$/ },
    },
    { name: 'dir with an unknown extension fails', args: { dir: join(dir, 'vars', 'clusters') }, ...none, expect: { ...none.expect, error: /notes\.txt does not have a valid extension: yaml, yml, json/ } },
    { name: 'dir with depth 1 reads the top folder only', args: { dir: join(dir, 'vars', 'clusters'), depth: 1, files_matching: '\\.(yml|json)$' }, ...none, expect: { ...none.expect, message: /^2 variable\(s\) from 2 files$/ } },
    { name: 'file and dir arguments together are refused', args: { file: 'a.yml', depth: 1 }, ...none, expect: { ...none.expect, error: /mixing file only and dir only arguments/ } },
  ],
};

export default cases;
