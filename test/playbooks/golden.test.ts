// The configuration the bundled playbooks write, rendered for the manual's hosts
// (inventory/astra.yml with inventory/group_vars/all.yml) for each PostgreSQL/pgpool-II pair
// the playbooks support, and compared with the reviewed files in golden/<version>/.
// Variables are evaluated by the engine's own inventory loader and evaluator, and the templates
// rendered with ejs the way the template module does.
//
// After an intended change: TSPLAY_UPDATE_GOLDEN=1 npx mocha dist/test/playbooks/golden.test.js,
// then review the diff of test/playbooks/golden/ before committing it.
import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import ejs from 'ejs';
import { Evaluator } from '../../engine/expressions.js';
import { loadInventory } from '../../engine/inventory/index.js';
import { dataLayer, hostvarsMapping, type Layer, LayeredVars } from '../../engine/runner/host-vars.js';

const REPO = fileURLToPath(new URL('../../../', import.meta.url));
const GOLDEN = join(REPO, 'test/playbooks/golden');
const UPDATE = process.env.TSPLAY_UPDATE_GOLDEN === '1';

/** Stands in for the secret given with -e; only pgpool-II 3.x writes it into pgpool.conf. */
const SECRETS = { postgres_db_password: 'golden-db-password', pcp_password: 'golden-pcp-password', pg_replication_password: 'golden-replication-password', pgpool_check_password: 'golden-check-password' };

interface Case {
  pg: string;
  pgpool: string;
  distribution: string;
  release: string;
}

const CASES: Case[] = [
  { pg: '9.6', pgpool: '3.6.1', distribution: 'Astra Linux', release: 'smolensk' },
  { pg: '13', pgpool: '4.1.4', distribution: 'Debian', release: 'bullseye' },
  { pg: '15', pgpool: '4.3.5', distribution: 'Debian', release: 'bookworm' },
  { pg: '17', pgpool: '4.6.1', distribution: 'Debian', release: 'trixie' },
];

/** What each golden file is rendered from, and on which host. */
const FILES = [
  { golden: 'postgresql-master.conf', template: 'postgresql-replication.conf.j2', host: 'master' },
  { golden: 'postgresql-slave.conf', template: 'postgresql-replication.conf.j2', host: 'slave' },
  { golden: 'pgpool.conf', template: 'pgpool.conf.j2', host: 'balancer' },
  { golden: 'pool_hba.conf', template: 'pool_hba.conf.j2', host: 'balancer' },
  { golden: 'failover.sh', template: 'failover.sh.j2', host: 'balancer' },
];

/**
 * The variables a task on `host` sees, layered as the runner layers them. `installed`: facts
 * after the packages are in (gathered on a later run) rather than before.
 */
function hostScope(c: Case, installed: boolean): (host: string) => Evaluator {
  const inventory = loadInventory(join(REPO, 'inventory/astra.yml'));
  const groups = inventory.groupMembers();
  const facts: Layer = {
    ansible_distribution: c.distribution,
    ansible_distribution_release: c.release,
    pg_versions: installed ? [c.pg] : [],
    pgpool_version: installed ? c.pgpool : null,
  };
  const scopes = new Map<string, Evaluator>();
  const hostvars = hostvarsMapping((h) => (inventory.hosts.has(h) ? scope(h) : undefined), () => [...inventory.hosts.keys()]);
  function scope(host: string): Evaluator {
    let s = scopes.get(host);
    if (!s) {
      const magic: Layer = dataLayer({ inventory_hostname: host, groups, hostvars, ansible_check_mode: false });
      s = new Evaluator(new LayeredVars([inventory.hostVars(host), dataLayer({ ...facts }), magic, SECRETS]));
      scopes.set(host, s);
    }
    return s;
  }
  return scope;
}

function render(template: string, scope: Evaluator): string {
  const file = join(REPO, 'templates', template);
  // As the template module: Jinja2, or EJS for .ejs with every variable of the host as a local.
  if (!file.endsWith('.ejs')) return scope.renderTemplate(readFileSync(file, 'utf8'), file);
  const locals = { ...scope.varsObject() };
  return ejs.render(readFileSync(file, 'utf8'), locals, { filename: file, strict: false, _with: true, async: false });
}

for (const c of CASES) {
  describe(`bundled playbooks: configuration for PostgreSQL ${c.pg} with pgpool-II ${c.pgpool} (${c.distribution} ${c.release})`, () => {
    const before = hostScope(c, false);
    const after = hostScope(c, true);

    for (const f of FILES) {
      it(`${f.golden} matches golden/${c.pg}/${f.golden}`, () => {
        const text = render(f.template, before(f.host));
        const path = join(GOLDEN, c.pg, f.golden);
        if (UPDATE) {
          mkdirSync(join(GOLDEN, c.pg), { recursive: true });
          writeFileSync(path, text);
        }
        expect(text).to.equal(readFileSync(path, 'utf8'));
      });
    }

    it('the versions from the release and from installed-package facts give the same files', () => {
      for (const f of FILES) expect(render(f.template, after(f.host)), f.golden).to.equal(render(f.template, before(f.host)));
    });

    it('failover.sh is valid POSIX sh (sh -n)', () => {
      const r = spawnSync('sh', ['-n'], { input: render('failover.sh.j2', before('balancer')), encoding: 'utf8' });
      expect(r.status, r.stderr).to.equal(0);
    });

    it('pgpool.conf uses the parameter names of its pgpool-II version', () => {
      const conf = render('pgpool.conf.j2', before('balancer'));
      const names = new Set([...conf.matchAll(/^(\w+)\s*=/gm)].map((m) => m[1]));
      const [major, minor] = c.pgpool.split('.').map(Number) as [number, number];
      const v = major * 100 + minor;
      // Renamed or removed: master_slave_* in 4.2, fail_over_on_backend_error in 4.0, socket_dir in 4.4.
      expect(names.has('backend_clustering_mode')).to.equal(v >= 402);
      expect(names.has('master_slave_mode')).to.equal(v < 402);
      expect(names.has('failover_on_backend_error')).to.equal(v >= 400);
      expect(names.has('fail_over_on_backend_error')).to.equal(v < 400);
      expect(names.has('unix_socket_directories')).to.equal(v >= 404);
      expect(names.has('socket_dir')).to.equal(v < 404);
      // The manual's typo: both backends were backend_hostname0.
      expect(names.has('backend_hostname0') && names.has('backend_hostname1')).to.equal(true);
      // From 4.0 the check passwords come from pool_passwd: none in the file. The check role is not postgres.
      expect(conf.includes(SECRETS.pgpool_check_password)).to.equal(v < 400);
      expect(conf.includes(SECRETS.postgres_db_password)).to.equal(false);
    });

    it('WAL retention uses wal_keep_size from PostgreSQL 13 (wal_keep_segments before)', () => {
      const conf = render('postgresql-replication.conf.j2', before('master'));
      expect(/^wal_keep_size = '512MB'/m.test(conf)).to.equal(Number(c.pg) >= 13);
      expect(/^wal_keep_segments = 32\b/m.test(conf)).to.equal(Number(c.pg) < 13);
    });
  });
}
