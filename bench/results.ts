// bench/RESULTS.md: the figures as a table with their targets, the machine and versions, and
// each figure compared with the table of the previous RESULTS.md (a figure more than 25 % worse
// is flagged).
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import type { MachineInfo } from './measure.js';

export interface Metric {
  /** Stable id used to find the figure in the previous results. */
  key: string;
  label: string;
  value: number;
  unit: 's' | 'ms' | 'ms a check' | 'MB' | '×' | 'round trips';
  better: 'lower' | 'higher';
  /** Not tsplay's own figure (Ansible's, Node's): a change is shown but fails nothing. */
  reference?: boolean;
  /** A goal the figure must meet (tsplay's own figures). */
  target?: { op: '<=' | '>='; value: number };
}

export interface Comparison {
  metric: Metric;
  previous?: number;
  /** Relative change, positive = worse. */
  worseBy?: number;
  regressed: boolean;
  met?: boolean;
}

/** Worse by more than this fraction is flagged. */
export const REGRESSION = 0.25;

const DIGITS: Record<Metric['unit'], number> = { s: 2, ms: 0, 'ms a check': 2, MB: 0, '×': 1, 'round trips': 2 };

export function formatValue(m: { value: number; unit: Metric['unit'] }): string {
  const n = m.value.toFixed(DIGITS[m.unit]);
  return m.unit === '×' ? `${n}×` : `${n} ${m.unit}`;
}

function targetText(m: Metric): string {
  return m.target ? `${m.target.op === '<=' ? '≤' : '≥'} ${formatValue({ value: m.target.value, unit: m.unit })}` : '';
}

export function meets(m: Metric): boolean | undefined {
  if (!m.target) return undefined;
  return m.target.op === '<=' ? m.value <= m.target.value : m.value >= m.target.value;
}

/** key → value from the figures table of a RESULTS.md. */
export function parsePrevious(markdown: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const line of markdown.split('\n')) {
    const cells = line.split(/(?<!\\)\|/).map((c) => c.trim());
    // | `key` | measure | value | …
    const key = /^`([\w.-]+)`$/.exec(cells[1] ?? '')?.[1];
    const value = Number.parseFloat(cells[3] ?? '');
    if (key && Number.isFinite(value)) out.set(key, value);
  }
  return out;
}

export function compare(metrics: Metric[], previous: Map<string, number>): Comparison[] {
  return metrics.map((metric) => {
    const prev = previous.get(metric.key);
    let worseBy: number | undefined;
    if (prev !== undefined && prev !== 0) {
      worseBy = metric.better === 'lower' ? (metric.value - prev) / prev : (prev - metric.value) / prev;
    }
    return { metric, previous: prev, worseBy, regressed: worseBy !== undefined && worseBy > REGRESSION, met: meets(metric) };
  });
}

export interface Report {
  date: Date;
  command: string;
  machine: MachineInfo;
  versions: string[];
  setup: string[];
  comparisons: Comparison[];
  notes: string[];
  /** Raw samples, one line each. */
  samples: string[];
}

function changeText(c: Comparison): string {
  if (c.worseBy === undefined) return '';
  const pct = Math.round(c.worseBy * 100);
  const text = pct === 0 ? 'same' : pct > 0 ? `${pct} % worse` : `${-pct} % better`;
  return c.regressed ? `⚠ ${text}` : text;
}

export function renderResults(r: Report): string {
  const m = r.machine;
  const rows = r.comparisons.map((c) => {
    const met = c.met === undefined ? '' : c.met ? 'yes' : '**NO**';
    const prev = c.previous === undefined ? '' : formatValue({ value: c.previous, unit: c.metric.unit });
    return `| \`${c.metric.key}\` | ${c.metric.label.replace(/\|/g, '\\|')} | ${formatValue(c.metric)} | ${targetText(c.metric)} | ${met} | ${prev} | ${changeText(c)} |`;
  });
  return [
    '# tsplay benchmark results',
    '',
    `Written by \`${r.command}\` on ${r.date.toISOString().replace('T', ' ').slice(0, 16)} UTC. Each figure is compared with the`,
    `previous bench/RESULTS.md; ⚠ marks a figure more than ${REGRESSION * 100} % worse than there.`,
    '',
    '## Machine and versions',
    '',
    `- ${m.cpus} CPUs, ${m.memoryGiB} GiB memory, Linux ${m.kernel}, Node ${m.node}; 1-minute load average at the start: ${m.loadAverage}`,
    ...r.versions.map((v) => `- ${v}`),
    '',
    '## Setup',
    '',
    ...r.setup.map((s) => `- ${s}`),
    '',
    '## Figures',
    '',
    '| key | measure | value | target | met | previous | change |',
    '| --- | --- | --- | --- | --- | --- | --- |',
    ...rows,
    '',
    ...(r.notes.length ? ['## Notes', '', ...r.notes.map((n) => `- ${n}`), ''] : []),
    '## Samples',
    '',
    '```',
    ...r.samples,
    '```',
    '',
  ].join('\n');
}

export function readPrevious(file: string): Map<string, number> {
  return existsSync(file) ? parsePrevious(readFileSync(file, 'utf8')) : new Map();
}

export function writeResults(file: string, r: Report): void {
  writeFileSync(file, renderResults(r));
}
