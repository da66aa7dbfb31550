// Failures grouped by signature: fifty failing seeds of one bug read as one
// row, with how often it happened and the cheapest seed to replay it.
import type { FailureRecord, SeedRecord } from './records.js';

/** Where in a violation's detail the location ends and the particular values begin. */
const DETAIL_WORDS = 10;

/**
 * The invariant and where it broke, with the run's particular numbers
 * (GUIDs, pages, frames, tags, times, words) taken out, and the node names
 * too — the two nodes are alike, so one bug shows on either:
 * `mirror: a released page is on the partner @ {node} pid# guid=# page=#, but frame # on {node}`.
 */
export function failureSignature(invariant: string, detail: string): string {
  const where = detail
    .replace(/\b[ab]->[ab]\b/g, '{node}->{node}')
    .replace(/\b(node|on|at|from|to) [ab]\b/g, '$1 {node}')
    .replace(/^[ab] (?=pid)/, '{node} ')
    .replace(/\b[ab](?='s\b)/g, '{node}')
    .replace(/0x[0-9a-f]+/gi, '#')
    .replace(/\d+/g, '#')
    .replace(/#(?:[\s,.:/-]*#)+/g, '#')
    .split(/\s+/)
    .filter(Boolean)
    .slice(0, DETAIL_WORDS)
    .join(' ');
  return where ? `${invariant} @ ${where}` : invariant;
}

export interface FailureGroup {
  signature: string;
  invariant: string;
  count: number;
  scenarios: string[];
  /** The failing run with the fewest cycles: the quickest to replay and to read. */
  shortest: SeedRecord & { failure: FailureRecord };
  seeds: number[];
}

export function groupFailures(seeds: readonly SeedRecord[]): FailureGroup[] {
  const groups = new Map<string, FailureGroup>();
  for (const record of seeds) {
    const failure = record.failure;
    if (!failure) continue;
    const failed = record as SeedRecord & { failure: FailureRecord };
    const group = groups.get(failure.signature);
    if (!group) {
      groups.set(failure.signature, { signature: failure.signature, invariant: failure.invariant, count: 1, scenarios: [record.scenario], shortest: failed, seeds: [record.seed] });
      continue;
    }
    group.count++;
    group.seeds.push(record.seed);
    if (!group.scenarios.includes(record.scenario)) group.scenarios.push(record.scenario);
    if (record.cycles < group.shortest.cycles) group.shortest = failed;
  }
  return [...groups.values()].sort((x, y) => y.count - x.count || x.signature.localeCompare(y.signature));
}
