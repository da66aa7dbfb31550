// The fault campaign's one table (make campaign): what ran, what was
// injected, what the system did about it, and the two numbers a sign-off
// reads first — invariant violations and acknowledged writes lost — with
// the figures that show they were looked for.
import { formatRate } from '../cli/table.js';
import type { SeedRecord } from './records.js';
import type { SummaryTable } from './summary.js';

export interface CampaignRun {
  /** Seeds run now, and seeds whose passing record was reused. */
  ran: number;
  resumed: number;
  /** This run's wall time, s. */
  wallSeconds: number;
  /** Sum over every seed (resumed ones included) of its own run time, s. */
  seedSeconds: number;
}

const FAULT_ORDER = ['drop', 'corrupt', 'delay', 'duplicate', 'cut', 'fail'];

export function campaignTable(records: readonly SeedRecord[], run: CampaignRun): SummaryTable {
  const total = (pick: (record: SeedRecord) => number | undefined) => records.reduce((sum, record) => sum + (pick(record) ?? 0), 0);
  const injected = new Map<string, number>();
  for (const record of records) for (const [kind, count] of Object.entries(record.injected)) injected.set(kind, (injected.get(kind) ?? 0) + count);
  const kinds = [...new Set([...FAULT_ORDER, ...injected.keys()])];
  const cycles = total((r) => r.cycles);
  const operations = total((r) => 2 * r.ops);
  const violations = records.filter((r) => r.failure).length;
  const rows: Array<[string, string | number]> = [
    ['seeds', `${records.length} (${run.ran} run now, ${run.resumed} passed before)`],
    ['pointer operations', operations],
    ['simulated cycles', cycles],
    ...kinds.map((kind): [string, number] => [`faults injected: ${kind}`, injected.get(kind) ?? 0]),
    ['link retransmissions', total((r) => r.retransmissions)],
    ['failovers (takeovers)', total((r) => r.failovers)],
    ['failbacks', total((r) => r.failbacks)],
    ['fences (split brain)', total((r) => r.fences)],
    ['resync cuts', total((r) => r.resyncCuts)],
    ['checkpoints', total((r) => r.checkpoints)],
    ['acknowledged page contents checked', total((r) => r.acknowledgedChecked)],
    ['invariant violations (must be 0)', violations],
    ['acknowledged writes lost (must be 0)', total((r) => r.acknowledgedLost)],
    ['wall time', `${run.wallSeconds.toFixed(0)} s (seeds' own time ${run.seedSeconds.toFixed(0)} s; ${formatRate(cycles / Math.max(run.seedSeconds, 1e-9))} cycles/s per seed)`],
  ];
  return { title: 'fault campaign', headers: ['figure', 'value'], rows };
}
