// The regression's summary tables, built once from the seed records and
// printed as text (terminal) or HTML (report): operations by outcome,
// messages on the link, one row per run, and the failure groups.
import { formatRate, formatTable } from '../cli/table.js';
import type { SeedRecord } from './records.js';
import { groupFailures } from './signature.js';

export interface SummaryTable {
  title: string;
  headers: string[];
  rows: Array<Array<string | number>>;
}

function sum(into: Map<string, number>, from: Record<string, number>): void {
  for (const [key, value] of Object.entries(from)) into.set(key, (into.get(key) ?? 0) + value);
}

function totalInjected(record: SeedRecord): number {
  return Object.values(record.injected).reduce((s, v) => s + v, 0);
}

export function outcomeTable(seeds: readonly SeedRecord[]): SummaryTable {
  const outcomes = new Map<string, number>();
  for (const record of seeds) sum(outcomes, record.outcomes);
  const byOp = new Map<string, Map<string, number>>();
  for (const [key, count] of outcomes) {
    const split = key.lastIndexOf(' ');
    const op = key.slice(0, split);
    if (!byOp.has(op)) byOp.set(op, new Map());
    byOp.get(op)!.set(key.slice(split + 1), count);
  }
  const statuses = [...new Set([...byOp.values()].flatMap((m) => [...m.keys()]))].sort();
  return { title: 'operations by outcome', headers: ['operation', ...statuses], rows: [...byOp].map(([op, m]) => [op, ...statuses.map((s) => m.get(s) ?? 0)]) };
}

export function messageTable(seeds: readonly SeedRecord[]): SummaryTable {
  const messages = new Map<string, number>();
  for (const record of seeds) sum(messages, record.messages);
  return { title: 'messages on the link', headers: ['message', 'count'], rows: [...messages].sort((x, y) => y[1] - x[1]) };
}

const RUN_HEADERS = ['scenario', 'seed', 'faults', 'injected', 'retransmits', 'failovers', 'failbacks', 'fenced/cuts', 'resync cuts', 'trims', 'in doubt', 'checkpoints', 'pages checked', 'cycles', 'wall s', 'cycles/s', 'result'];

export function runTable(seeds: readonly SeedRecord[]): SummaryTable {
  const rows: SummaryTable['rows'] = seeds.map((r) => [
    r.scenario, r.seed, r.faults, totalInjected(r), r.retransmissions, r.failovers, r.failbacks, `${r.fences}/${r.cuts}`, r.resyncCuts, r.trims, r.inDoubt,
    r.checkpoints, r.pagesCompared, r.cycles, r.seconds.toFixed(1), formatRate(r.cycles / r.seconds), r.failure ? `FAIL: ${r.failure.invariant}` : 'pass',
  ]);
  const total = (pick: (r: SeedRecord) => number) => seeds.reduce((s, r) => s + pick(r), 0);
  const cycles = total((r) => r.cycles);
  const seconds = total((r) => r.seconds);
  rows.push([
    'total', '', '', total(totalInjected), total((r) => r.retransmissions), total((r) => r.failovers), total((r) => r.failbacks), `${total((r) => r.fences)}/${total((r) => r.cuts)}`,
    total((r) => r.resyncCuts), total((r) => r.trims), total((r) => r.inDoubt), total((r) => r.checkpoints), total((r) => r.pagesCompared), cycles, seconds.toFixed(1), formatRate(cycles / seconds), '',
  ]);
  return { title: 'runs', headers: RUN_HEADERS, rows };
}

export function failureGroupTable(seeds: readonly SeedRecord[]): SummaryTable {
  return {
    title: 'failures by signature',
    headers: ['count', 'signature', 'scenarios', 'shortest seed', 'cycles', 'replay'],
    rows: groupFailures(seeds).map((g) => [g.count, g.signature, g.scenarios.join(' '), g.shortest.seed, g.shortest.cycles, g.shortest.failure.replay]),
  };
}

export function faultTotals(seeds: readonly SeedRecord[]): Map<string, number> {
  const injected = new Map<string, number>();
  for (const record of seeds) sum(injected, record.injected);
  return injected;
}

export function formatSummaryTable(table: SummaryTable): string {
  return `\n${table.title}\n${formatTable(table.headers, table.rows)}`;
}

/** The terminal summary: what `make sim` prints after its runs, and what a merge of shards prints. */
export function formatSummary(seeds: readonly SeedRecord[]): string {
  const parts = [outcomeTable(seeds), messageTable(seeds), runTable(seeds)].map(formatSummaryTable);
  const injected = faultTotals(seeds);
  if (injected.size > 0) parts.push(`faults injected: ${[...injected].map(([kind, count]) => `${kind} ${count}`).join(', ')}`);
  if (seeds.some((s) => s.failure)) parts.push(formatSummaryTable(failureGroupTable(seeds)));
  const failed = seeds.filter((s) => s.failure).length;
  parts.push(`\n${failed === 0 ? 'PASS' : 'FAIL'}: ${seeds.length - failed} passed, ${failed} failed`);
  return parts.join('\n');
}
