// apt: Debian packages present, absent or at the newest version, as Ansible's apt module.
// The check is one remote script: dpkg's status of the named packages, the installed packages
// that provide missing virtual names, and an `apt-get -s` simulation of what would change.
import { ModuleError, defineModule, quote, raw, type ProbeOutput, type ProbeSet } from '../sdk/index.js';
import { runWithDpkgLock, LOCK_WAIT_SECONDS } from './lib/apt-lock.js';
import {
  type DpkgStatus,
  type SimulatedAction,
  describeActions,
  isInstalled,
  isPresentOnDisk,
  parseDpkgStatus,
  parseProviders,
  parseSimulation,
} from './lib/apt-sim.js';

interface Args {
  name?: string | string[];
  state: 'present' | 'absent' | 'latest';
  update_cache: boolean;
  cache_valid_time?: number;
}

interface Plan {
  /** Run `dpkg --configure -a` first: an earlier dpkg run was interrupted. */
  configure: boolean;
  updateCache: boolean;
  install: string[];
  remove: string[];
  /** Package names for the task result. */
  packages: string[];
}

const PACKAGE = /^[a-z0-9][a-z0-9+.-]*(:[a-z0-9-]+)?$/;
const STAMP = '/var/lib/apt/periodic/update-success-stamp';
const APT_OPTS = `-o DPkg::Lock::Timeout=${LOCK_WAIT_SECONDS} -o Dpkg::Options::=--force-confdef -o Dpkg::Options::=--force-confold`;

function packageNames(name: string | string[] | undefined): string[] {
  const list = (Array.isArray(name) ? name : name === undefined ? [] : [name])
    .flatMap((n) => String(n).split(','))
    .map((n) => n.trim())
    .filter(Boolean);
  const bad = list.filter((n) => !PACKAGE.test(n));
  if (bad.length) throw new ModuleError(`apt: invalid package name(s): ${bad.join(', ')} (Debian names are lowercase letters, digits and + - .)`);
  return [...new Set(list)];
}

/** dpkg states that count as "installed" for the awk filters below. */
const AWK_INSTALLED = '(s[k]=="installed"||s[k]~/^triggers-/)';
const AWK_ON_DISK = '(s[k]=="installed"||s[k]~/^triggers-/||s[k]=="unpacked"||s[k]=="half-configured"||s[k]=="half-installed")';

/**
 * The check's probes: dpkg's status of the names, the installed packages that provide the names
 * not installed (virtual names), the `apt-get -s` simulation of what would change, the cache's
 * age. Each probe runs on its own, so the later ones recompute the status they start from
 * (dpkg-query of a few names: milliseconds); the Provides scan and the simulation run only when
 * a name is missing.
 */
function probes(names: string[], args: Args): ProbeSet {
  const list = names.map(quote).join(' ');
  const want = quote(names.join(' '));
  const set: ProbeSet = {};
  if (names.length) {
    const status = `st=$(dpkg-query -W -f='\${Package}\\t\${Status}\\t\${Version}\\n' -- ${list} 2>/dev/null)`;
    // Names not installed, then which of those an installed package provides.
    const provided = [
      status,
      `miss=$(printf '%s\\n' "$st" | awk -F'\\t' -v want=${want} 'BEGIN{n=split(want,w," ")} {k=split($2,s," "); if (${AWK_INSTALLED}) ok[$1]=1} END{for(i=1;i<=n;i++){p=w[i]; sub(/:.*/,"",p); if(!ok[p]) printf "%s ", w[i]}}')`,
      `prov=; [ -z "$miss" ] || prov=$(dpkg-query -W -f='\${Package}\\t\${Status}\\t\${Provides}\\n' 2>/dev/null | awk -F'\\t' -v want=" $miss" '{k=split($2,s," ")} ${AWK_INSTALLED} && $3!="" {n=split($3,a,/, */); for(i=1;i<=n;i++){split(a[i],b," "); if(index(want," " b[1] " ")) print b[1] "\\t" $1}}')`,
    ].join('\n');
    const notProvided = (from: string) =>
      `todo=; for p in ${from}; do case "
$prov" in *"
$p	"*) ;; *) todo="$todo $p";; esac; done`;
    let sim: string;
    if (args.state === 'present') sim = `${provided}\n${notProvided('$miss')}; [ -z "$todo" ] || LC_ALL=C apt-get -s install $todo`;
    else if (args.state === 'latest') {
      // apt-cache policy is quick; the slower simulation runs only when a candidate differs
      // from the installed version or a name is unknown to apt.
      sim =
        `${provided}\n${notProvided(list)}; [ -z "$todo" ] || { pol=$(LC_ALL=C apt-cache policy $todo 2>/dev/null); ` +
        `printf '%s\\n' "$pol" | awk -v want="$(echo $todo | wc -w)" '/^[^ ].*:$/{n++} /^  Installed:/{i=$2} /^  Candidate:/{if($2!=i) d=1} END{exit !(d || n<want)}' && ` +
        `LC_ALL=C apt-get -s install $todo; }`;
    } else {
      sim =
        `${status}\nrm=$(printf '%s\\n' "$st" | awk -F'\\t' '{k=split($2,s," ")} ${AWK_ON_DISK} {printf "%s ", $1}'); ` +
        `[ -z "$rm" ] || LC_ALL=C apt-get -s remove $rm`;
    }
    set.status = raw(`${status}\nprintf '%s\\n' "$st"`);
    set.provided = raw(`${provided}\nprintf '%s\\n' "$prov"`);
    set.sim = raw(sim);
  }
  if (args.update_cache) set.cache = raw(`date +%s; stat -c %Y ${STAMP} 2>/dev/null || stat -c %Y /var/lib/apt/lists 2>/dev/null || echo 0`);
  return set;
}

/** dpkg-query's ${Package} has no architecture qualifier: look "libc6:i386" up as "libc6". */
function statusOf(status: Map<string, DpkgStatus>, name: string): DpkgStatus | undefined {
  return status.get(name.replace(/:.*/, ''));
}

function installedSummary(names: string[], status: Map<string, DpkgStatus>, providers: Map<string, string>): string {
  return names
    .map((n) => {
      const s = statusOf(status, n);
      if (isInstalled(s)) return `${n} ${s!.version}`;
      const by = providers.get(n);
      return by ? `${n} (provided by ${by})` : n;
    })
    .join(', ');
}

export default defineModule<Args, Plan>({
  name: 'apt',
  speculative: true,
  summary: 'Install, upgrade or remove Debian packages with apt-get',
  description:
    'Like Ansible\'s apt module. The check reads dpkg\'s status of the packages and simulates the ' +
    'change with `apt-get -s` in one remote command, so check mode names every package that would be ' +
    'installed, upgraded or removed (dependencies included). Installs run non-interactively, keep ' +
    'existing configuration files, and wait up to 120 s for the dpkg lock. A virtual name counts as ' +
    'installed when an installed package provides it; packages left half-installed or unpacked by an ' +
    'interrupted dpkg run are repaired (dpkg --configure -a) and installed.',
  schema: {
    type: 'object',
    additionalProperties: false,
    properties: {
      name: {
        description: 'Package name, a list of names, or a comma-separated string of names.',
        anyOf: [{ type: 'string' }, { type: 'array', items: { type: 'string' } }],
      },
      state: {
        description: 'present: installed (any version); latest: installed at the candidate version; absent: removed (configuration files are kept).',
        enum: ['present', 'absent', 'latest'],
        default: 'present',
      },
      update_cache: {
        description:
          'Run apt-get update first: whenever something is to be installed or upgraded, and, with cache_valid_time, for ' +
          'state latest or a task without name whenever the lists are older than that.',
        type: 'boolean',
        default: false,
      },
      cache_valid_time: {
        description: 'Seconds for which the package lists count as fresh (judged by the update-success stamp or the lists directory).',
        type: 'integer',
        minimum: 0,
      },
    },
  },
  aliases: { pkg: 'name', package: 'name', 'update-cache': 'update_cache' },
  examples: `- apt:
    name: [postgresql, postgresql-contrib, postgresql-client]
    update_cache: true
    cache_valid_time: 3600`,

  // Bad names are refused before any probe is built: none reaches the host.
  probes: (args) => probes(packageNames(args.name), args),
  async check(_ctx, args, probed) {
    const names = packageNames(args.name);
    if (!names.length && !args.update_cache) throw new ModuleError('apt: give name (packages) or update_cache: true');
    const out = probed as Partial<Record<'status' | 'provided' | 'sim' | 'cache', ProbeOutput>>;
    const status = parseDpkgStatus(out.status?.out ?? '');
    const providers = parseProviders(out.provided?.out ?? '');
    const sim = parseSimulation(out.sim?.out ?? '');

    let stale = false;
    let age = 0;
    if (args.update_cache) {
      const [now, stamp] = (out.cache?.out ?? '').trim().split('\n').map(Number);
      age = Math.max(0, (now ?? 0) - (stamp ?? 0));
      stale = args.cache_valid_time === undefined ? true : age > args.cache_valid_time;
    }
    const plan: Plan = { configure: false, updateCache: false, install: [], remove: [], packages: [] };

    if (!names.length) {
      if (!stale) return { changed: false, reason: `package cache is ${age} s old (valid for ${args.cache_valid_time} s)` };
      plan.updateCache = true;
      return {
        changed: true,
        description: args.cache_valid_time === undefined ? 'update the package cache' : `update the package cache (${age} s old, valid for ${args.cache_valid_time} s)`,
        plan,
        // Without cache_valid_time an update is always due: nothing to read back.
        ...(args.cache_valid_time === undefined ? { kind: 'run' as const } : {}),
      };
    }

    if (sim.errors.some((e) => /dpkg was interrupted/.test(e))) {
      plan.configure = true;
      const broken = names.filter((n) => !isInstalled(statusOf(status, n)));
      if (args.state === 'absent') {
        plan.remove = names.filter((n) => isPresentOnDisk(statusOf(status, n)));
        plan.packages = plan.remove;
        const then = plan.remove.length ? `, then remove ${plan.remove.join(', ')}` : '';
        return { changed: true, description: `finish the interrupted dpkg run (dpkg --configure -a)${then}`, plan };
      }
      plan.install = broken.length ? broken : names;
      plan.packages = plan.install;
      plan.updateCache = args.update_cache;
      return { changed: true, description: `finish the interrupted dpkg run (dpkg --configure -a), then install ${plan.install.join(', ')}`, plan };
    }

    if (args.state === 'absent') {
      if (!sim.remove.length) {
        return { changed: false, reason: `${names.join(', ')} not installed`, result: { packages: [] } };
      }
      plan.remove = names.filter((n) => isPresentOnDisk(statusOf(status, n)));
      plan.packages = sim.remove.map((a) => a.name);
      return { changed: true, description: `remove ${describeActions(sim.remove)}`, plan, result: { packages: plan.packages } };
    }

    const unknown = sim.errors.filter((e) => /Unable to locate package|has no installation candidate|Couldn't find any package/.test(e));
    const otherErrors = sim.errors.filter((e) => !unknown.includes(e));
    if (otherErrors.length) throw new ModuleError(`apt: apt-get cannot install ${names.join(', ')}: ${otherErrors.join('; ')}`);
    const todo = names.filter((n) => !providers.has(n) && (args.state === 'latest' || !isInstalled(statusOf(status, n))));
    if (unknown.length) {
      if (!args.update_cache) {
        throw new ModuleError(
          `apt: ${unknown.map((e) => e.replace(/^Unable to locate package (.*)$/, 'no package named $1 in the package lists')).join('; ')} ` +
            `(check the name, or set update_cache: true if the host's package lists are stale)`,
        );
      }
      plan.updateCache = true;
      plan.install = todo;
      plan.packages = todo;
      return {
        changed: true,
        description: `update the package cache, then install ${todo.join(', ')} (not in the current package lists: ${unknown.join('; ')})`,
        plan,
      };
    }

    const latestNeedsFreshCache = args.state === 'latest' && args.update_cache && args.cache_valid_time !== undefined && stale;
    if (!sim.install.length && !latestNeedsFreshCache) {
      const what = args.state === 'latest' ? 'at the newest version' : 'installed';
      const cache = args.update_cache && stale && args.cache_valid_time !== undefined ? '; cache not refreshed: nothing to install' : '';
      return { changed: false, reason: `${installedSummary(names, status, providers)} ${what}${cache}`, result: { packages: [] } };
    }
    plan.install = todo;
    plan.updateCache = args.update_cache && stale;
    plan.packages = sim.install.length ? sim.install.map((a) => a.name) : todo;
    const parts: string[] = [];
    if (plan.updateCache) parts.push(args.cache_valid_time === undefined ? 'update the package cache' : `update the package cache (${age} s old)`);
    const fresh = sim.install.filter((a: SimulatedAction) => !a.from);
    const upgrades = sim.install.filter((a: SimulatedAction) => a.from);
    if (fresh.length) parts.push(`install ${describeActions(fresh)}`);
    if (upgrades.length) parts.push(`upgrade ${describeActions(upgrades)}`);
    if (!sim.install.length) parts.push(`then upgrade ${todo.join(', ')} if newer versions appear`);
    return { changed: true, description: parts.join('; '), plan, result: { packages: plan.packages } };
  },

  async apply(ctx, _args, change) {
    const plan = change.plan!;
    if (plan.configure) await runWithDpkgLock(ctx, 'DEBIAN_FRONTEND=noninteractive dpkg --configure -a --force-confdef --force-confold');
    if (plan.updateCache) {
      await runWithDpkgLock(ctx, `LC_ALL=C apt-get -q -o DPkg::Lock::Timeout=${LOCK_WAIT_SECONDS} update`);
      // `apt-get update` that finds nothing new leaves the lists untouched: keep the stamp
      // that cache_valid_time reads (the same one Ubuntu's apt hook and Ansible use).
      await ctx.run(`mkdir -p /var/lib/apt/periodic && touch ${STAMP}`);
    }
    if (plan.install.length) {
      await runWithDpkgLock(
        ctx,
        `DEBIAN_FRONTEND=noninteractive LC_ALL=C apt-get -y -q ${APT_OPTS} install ${plan.install.map(quote).join(' ')}`,
      );
    }
    if (plan.remove.length) {
      await runWithDpkgLock(ctx, `DEBIAN_FRONTEND=noninteractive LC_ALL=C apt-get -y -q ${APT_OPTS} remove ${plan.remove.map(quote).join(' ')}`);
    }
    return { result: { packages: plan.packages } };
  },
});
