// The work both tools are given, written as a tsplay playbook and an equivalent Ansible one:
// (a) N line edits (file_line / lineinfile), and (b) a mix of the kinds of tasks the bundled
// site playbook runs (apt, template, file_line, ufw rule, PostgreSQL cluster started). Simple
// `{{ name }}` references read the same in tsplay's expressions and in Jinja2, so most task text
// is shared. Every task converges: from the second run on, a run changes nothing.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export interface Workload {
  /** Short name used in the results (a, b, scale…). */
  name: string;
  tasks: number;
  tsplay: string;
  /** Absent when only tsplay runs it. */
  ansible?: string;
  /** tsplay modules the playbook uses. */
  modules: string[];
}

/** A YAML double-quoted scalar. */
const q = (s: string) => JSON.stringify(s);

function play(name: string, vars: Record<string, string>, tasks: string[]): string {
  return [
    `- name: ${q(name)}`,
    '  hosts: all',
    '  gather_facts: false',
    '  vars:',
    ...Object.entries(vars).map(([k, v]) => `    ${k}: ${v}`),
    '  tasks:',
    ...tasks,
    '',
  ].join('\n');
}

function lineTasks(module: string, n: number, file = '{{ bench_file }}'): string[] {
  return Array.from({ length: n }, (_, k) => {
    const i = k + 1;
    return [
      `    - name: line ${i}`,
      `      ${module}:`,
      `        path: ${q(file)}`,
      `        regexp: '^setting_${i} = '`,
      `        line: ${q(`setting_${i} = value ${i}`)}`,
      '        create: true',
    ].join('\n');
  });
}

function write(dir: string, file: string, text: string): string {
  mkdirSync(dir, { recursive: true });
  const path = join(dir, file);
  writeFileSync(path, text);
  return path;
}

/**
 * (a): `tasks` line edits of one file per host. `file` may use `{{ inventory_hostname }}` to give
 * each host its own path (light hosts share the machine's file system).
 */
export function lineWorkload(dir: string, name: string, tasks: number, file: string, withAnsible: boolean): Workload {
  const vars = { bench_file: q(file) };
  const title = `${tasks} line edits`;
  return {
    name,
    tasks,
    tsplay: write(join(dir, 'tsplay'), `${name}.yml`, play(title, vars, lineTasks('file_line', tasks))),
    ansible: withAnsible ? write(join(dir, 'ansible'), `${name}.yml`, play(title, vars, lineTasks('ansible.builtin.lineinfile', tasks))) : undefined,
    modules: ['file_line'],
  };
}

// One Jinja2 file for both tools (their template modules have trim_blocks on, which drops the
// newline after a block tag).
const TEMPLATE_J2 = `# tsplay benchmark: {{ bench_name }} (rendered by the tool under test)
listen_addresses = '{{ bench_listen }}'
port = {{ bench_port }}
{% for peer in bench_peers %}
host    all    all    {{ peer }}/32    md5
{% endfor %}
`;

export const FIREWALL_PORTS = [5432, 5433, 9898];

export interface MixedOptions {
  pgVersion: string;
  /** Addresses written into the templated file. */
  peers: string[];
  /** community.general.ufw is there; else Ansible's ufw task is `ufw status` (changed_when: false). */
  ansibleUfw: boolean;
}

/**
 * (b): ten tasks of the site playbook's kinds: apt present, three line edits (the first creates
 * the folder the templates go to), two templates, three ufw rules (the firewall section's ports;
 * ufw stays disabled) and the cluster running.
 */
export function mixedWorkload(dir: string, o: MixedOptions): Workload {
  const vars = {
    bench_dir: q('/root/tsplay-bench'),
    bench_name: q('mixed'),
    bench_listen: q('*'),
    bench_port: '5432',
    bench_peers: `[${o.peers.map(q).join(', ')}]`,
    pg_version: q(o.pgVersion),
  };
  const templates = (module: string, ext: string) =>
    ['main', 'extra'].map((f) => [
      `    - name: template ${f}`,
      `      ${module}:`,
      `        src: bench.conf.${ext}`,
      `        dest: "{{ bench_dir }}/${f}.conf"`,
      '        owner: root',
      '        group: root',
      "        mode: '0644'",
    ].join('\n'));
  const apt = (module: string) => [`    - name: packages present`, `      ${module}:`, '        name: [postgresql, ufw]', '        state: present'].join('\n');
  const tsplayUfw = FIREWALL_PORTS.map((p) => `    - name: ufw allow ${p}/tcp\n      ufw: { rule: allow, direction: in, to_port: '${p}', proto: tcp }`);
  const ansibleUfw = FIREWALL_PORTS.map((p) =>
    o.ansibleUfw
      ? `    - name: ufw allow ${p}/tcp\n      community.general.ufw: { rule: allow, direction: in, port: '${p}', proto: tcp }`
      : `    - name: ufw allow ${p}/tcp (read only: community.general.ufw is not installed)\n      ansible.builtin.command: ufw status\n      changed_when: false`,
  );
  const tsplayTasks = [
    apt('apt'),
    ...lineTasks('file_line', 3, '{{ bench_dir }}/lines.conf'),
    ...templates('template', 'j2'),
    ...tsplayUfw,
    '    - name: cluster running\n      pg_ctlcluster: { version: "{{ pg_version }}", cluster: main, state: started }',
  ];
  const ansibleTasks = [
    apt('ansible.builtin.apt'),
    ...lineTasks('ansible.builtin.lineinfile', 3, '{{ bench_dir }}/lines.conf'),
    ...templates('ansible.builtin.template', 'j2'),
    ...ansibleUfw,
    // pg_ctlcluster's unit: on a systemd host `pg_ctlcluster V main start` is this unit's start.
    '    - name: cluster running\n      ansible.builtin.systemd: { name: "postgresql@{{ pg_version }}-main", state: started }',
  ];
  const title = 'mixed site tasks';
  write(join(dir, 'tsplay', 'templates'), 'bench.conf.j2', TEMPLATE_J2);
  write(join(dir, 'ansible', 'templates'), 'bench.conf.j2', TEMPLATE_J2);
  return {
    name: 'b',
    tasks: tsplayTasks.length,
    tsplay: write(join(dir, 'tsplay'), 'mixed.yml', play(title, vars, tsplayTasks)),
    ansible: write(join(dir, 'ansible'), 'mixed.yml', play(title, vars, ansibleTasks)),
    modules: ['apt', 'template', 'file_line', 'ufw', 'pg_ctlcluster'],
  };
}

/** Removes `file` from every host (tsplay), so that the next run of (a) writes every line again. */
export function resetWorkload(dir: string, file: string): Workload {
  const task = ['    - name: remove the edited file', '      file:', '        path: "{{ bench_file }}"', '        state: absent'].join('\n');
  return { name: 'reset', tasks: 1, tsplay: write(dir, 'reset.yml', play('reset (a)', { bench_file: q(file) }, [task])), modules: ['file'] };
}
