// What a regression leaves behind: one record per seed, plain JSON, so the
// terminal summary, JUnit XML and the HTML report are all rendered from the
// same data — and shards run on other machines merge by concatenating it.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { MirrorsimError } from '../errors.js';
import type { FailureWaves } from '../waves/failure-waves.js';

export const RESULTS_VERSION = 1;

/** One transaction near a failure (the scoreboard's log), for the timing diagram. */
export interface TransactionRecord {
  /** ns */
  time: number;
  /** `a`, `b` (process ports), `a->b`, `b->a` (the link). */
  where: string;
  text: string;
}

/** A failure's waves as the report keeps them (what captureFailureWaves returns, without the signal count). */
export type WavesRecord = Omit<FailureWaves, 'signals'>;

export interface FailureRecord {
  invariant: string;
  detail: string;
  /** ns */
  time: number;
  /** The invariant and where it broke, with the numbers taken out: one bug, one signature. */
  signature: string;
  /** The last transactions on each node and on the link, as the terminal prints them. */
  recent: string;
  transactions: TransactionRecord[];
  replay: string;
  waves?: WavesRecord;
  /** Why the waves could not be captured, when they could not. */
  wavesError?: string;
  /** The WaveDrom timing diagram of the transactions around the failure, as SVG. */
  timingSvg?: string;
}

export interface SeedRecord {
  scenario: string;
  seed: number;
  /** Position in the unsharded seed list (scenario = index mod scenarios). */
  index: number;
  ops: number;
  faults: string;
  injected: Record<string, number>;
  outcomes: Record<string, number>;
  messages: Record<string, number>;
  retransmissions: number;
  failovers: number;
  failbacks: number;
  cuts: number;
  fences: number;
  resyncCuts: number;
  trims: number;
  inDoubt: number;
  checkpoints: number;
  pagesCompared: number;
  /** Acknowledged page contents compared by the scoreboard, and lost (absent in records written before they were counted). */
  acknowledgedChecked?: number;
  acknowledgedLost?: number;
  cycles: number;
  seconds: number;
  failure?: FailureRecord;
}

export interface ShardInfo {
  index: number;
  count: number;
}

export interface RegressionResults {
  version: number;
  /** The command that ran it (without SHARD=), the same on every shard. */
  command: string;
  started: string;
  /** The directory it was written to; its artifacts (waves, coverage files) live under it. */
  reportDir: string;
  ops: number;
  /** The shards merged into this one (empty: an unsharded run). */
  shards: ShardInfo[];
  seeds: SeedRecord[];
  /** Functional coverage hits, when the run sampled them. */
  functional?: unknown;
  /** Code coverage files (Verilator .dat) the run wrote. */
  coverageFiles: string[];
}

export class ResultsFileError extends MirrorsimError {
  override name = 'ResultsFileError';
  constructor(
    readonly file: string,
    readonly reason: string,
  ) {
    super(`${file}: ${reason}`);
  }
}

export function writeResults(file: string, results: RegressionResults): void {
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, `${JSON.stringify(results, null, 1)}\n`);
}

export function readResults(file: string): RegressionResults {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new ResultsFileError(file, `not a results file: ${(error as Error).message}`);
  }
  const results = parsed as Partial<RegressionResults>;
  if (typeof results !== 'object' || results === null || results.version !== RESULTS_VERSION || !Array.isArray(results.seeds)) {
    throw new ResultsFileError(file, `not a mirrorsim results file of version ${RESULTS_VERSION}`);
  }
  return results as RegressionResults;
}

export function mapToRecord<K extends string>(map: ReadonlyMap<K, number>): Record<string, number> {
  return Object.fromEntries(map);
}
