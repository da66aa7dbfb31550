// A regression run's result as a plain seed record: what the reports render
// and what shards merge. A failure gets its signature and its timing diagram.
import type { RunResult } from '../mirror/regression.js';
import { mapToRecord, type FailureRecord, type SeedRecord } from './records.js';
import { failureSignature } from './signature.js';
import { renderTimingSvg, timingDiagram } from './timing-diagram.js';

export function failureRecord(result: RunResult, replay: string): FailureRecord | undefined {
  const violation = result.violation;
  if (!violation) return undefined;
  const transactions = result.transactions.map(({ time, where, text }) => ({ time, where, text }));
  return {
    invariant: violation.invariant,
    detail: violation.detail,
    time: violation.time,
    signature: failureSignature(violation.invariant, violation.detail),
    recent: violation.recent,
    transactions,
    replay,
    timingSvg: renderTimingSvg(timingDiagram(transactions, violation.time), result.seed),
  };
}

export function seedRecord(result: RunResult, index: number, ops: number, replay: string): SeedRecord {
  const failure = failureRecord(result, replay);
  return {
    scenario: result.scenario,
    seed: result.seed,
    index,
    ops,
    faults: result.faults,
    injected: mapToRecord(result.injected),
    outcomes: mapToRecord(result.outcomes),
    messages: mapToRecord(result.messages),
    retransmissions: result.retransmissions,
    failovers: result.failovers,
    failbacks: result.failbacks,
    cuts: result.cuts,
    fences: result.fences,
    resyncCuts: result.resyncCuts,
    trims: result.trims,
    inDoubt: result.inDoubt,
    checkpoints: result.checkpoints,
    pagesCompared: result.pagesCompared,
    acknowledgedChecked: result.acknowledgedChecked,
    acknowledgedLost: result.acknowledgedLost,
    cycles: result.cycles,
    seconds: result.seconds,
    ...(failure ? { failure } : {}),
  };
}
