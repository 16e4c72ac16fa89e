// PostgreSQL and pgpool-II facts (pg_versions, pg_clusters, pgpool_version), gathered with the
// engine's facts in the same round trip: the bundled PostgreSQL playbooks decide by them.
import { raw, type FactProvider, type ProbeOutput } from '../../sdk/index.js';

export interface PgCluster {
  version: string;
  cluster: string;
  port: number;
  status: string;
  owner: string;
  data_directory: string;
}

const text = (o: unknown): string => (o as ProbeOutput).out;

export const pgFacts: FactProvider = {
  name: 'pg',
  probes: {
    versions: raw('ls -1 /usr/lib/postgresql 2>/dev/null'),
    clusters: raw('pg_lsclusters --no-header 2>/dev/null'),
    pgpool: raw('pgpool --version 2>&1 || /usr/sbin/pgpool --version 2>&1'),
  },
  facts(p) {
    const versions = text(p.versions).split('\n').map((v) => v.trim()).filter((v) => /^\d+(\.\d+)?$/.test(v));
    versions.sort((a, b) => Number(a) - Number(b));
    const clusters: PgCluster[] = [];
    for (const line of text(p.clusters).split('\n')) {
      const f = line.trim().split(/\s+/);
      if (f.length >= 6 && /^\d/.test(f[0]!)) {
        clusters.push({ version: f[0]!, cluster: f[1]!, port: Number(f[2]), status: f[3]!, owner: f[4]!, data_directory: f[5]! });
      }
    }
    return { pg_versions: versions, pg_clusters: clusters, pgpool_version: /pgpool-II version ([\d.]+)/.exec(text(p.pgpool))?.[1] ?? null };
  },
};
