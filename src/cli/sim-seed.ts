// One `make sim` seed, start to end: the run, its record, its time line and,
// when it fails, its waves. Every line it prints goes through `log`, so a
// seed run in a worker process (JOBS=) hands back its output whole, in the
// same words a serial run prints.
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import type { FaultMix } from '../mirror/faults.js';
import { CLOCK_NS, runRegression, type RunOptions, type RunResult } from '../mirror/regression.js';
import { findScenario } from '../mirror/scenarios.js';
import type { MirrorParameters } from '../mirror/design.js';
import type { FunctionalCoverageData } from '../coverage/functional.js';
import type { SeedRecord } from '../report/records.js';
import { seedRecord } from '../report/seed-record.js';
import { failureSignature } from '../report/signature.js';
import { formatTimeSplit, type TimeSplit } from '../sim/time-split.js';
import { readWaveKnobs } from '../waves/knobs.js';
import type { WavesRequest } from '../waves/failure-waves.js';
import { failureWaves, seedWaves } from './sim-waves.js';

/** Everything a seed needs, as plain data (it crosses to a worker process). */
export interface SeedJob {
  /** Position in the whole regression's seed list. */
  index: number;
  seed: number;
  scenario: string;
  ops: number;
  faults: FaultMix | undefined;
  parameters: MirrorParameters;
  reportDir: string;
  /** The seed's code-coverage file (COVERAGE=1). */
  coverageFile: string | undefined;
  /** The `make sim …` line that replays this seed with waves. */
  replay: string;
}

export interface SeedOutcome {
  record: SeedRecord;
  time: TimeSplit | undefined;
  coverage: FunctionalCoverageData | undefined;
}

export function seedStem(job: Pick<SeedJob, 'scenario' | 'seed'>): string {
  return `${job.scenario}-seed${job.seed}`;
}

/**
 * The failing seed again, tracing `waves`, on the same model: a coverage
 * run's re-run writes its coverage to a scratch file (it must not count twice).
 */
async function rerunWithWaves(options: RunOptions, waves: WavesRequest, reportDir: string, stem: string): Promise<RunResult> {
  const scratch = options.coverageFile ? join(reportDir, 'waves', `${stem}.rerun.dat`) : undefined;
  try {
    return await runRegression({ ...options, coverageFile: scratch, waves });
  } finally {
    if (scratch) rmSync(scratch, { force: true });
  }
}

export function passLine(record: SeedRecord, faults: string, seconds: number): string {
  return `${record.failure ? 'FAIL' : 'pass'}  ${record.scenario.padEnd(15)} seed=${record.seed} faults=${faults} ${record.cycles} cycles ${seconds.toFixed(1)} s`;
}

/**
 * A seed that could not run to its end (the simulator crashed, was killed,
 * a worker died): a failed record of its own, so the rest of the
 * regression still runs and the summary, JUnit and HTML report list it.
 */
export function errorRecord(job: SeedJob, error: unknown): SeedRecord {
  const detail = error instanceof Error ? error.message : String(error);
  const invariant = 'the run completes (no simulator or host error)';
  return {
    scenario: job.scenario,
    seed: job.seed,
    index: job.index,
    ops: job.ops,
    faults: job.faults ?? findScenario(job.scenario)?.faults ?? '',
    injected: {},
    outcomes: {},
    messages: {},
    retransmissions: 0,
    failovers: 0,
    failbacks: 0,
    cuts: 0,
    fences: 0,
    resyncCuts: 0,
    trims: 0,
    inDoubt: 0,
    checkpoints: 0,
    pagesCompared: 0,
    cycles: 0,
    seconds: 0,
    failure: { invariant, detail, time: 0, signature: failureSignature(invariant, detail), recent: '', transactions: [], replay: job.replay, wavesError: 'the run did not complete' },
  };
}

export async function runSeed(job: SeedJob, log: (line: string) => void): Promise<SeedOutcome> {
  const scenario = findScenario(job.scenario);
  if (!scenario) throw new RangeError(`make sim: unknown scenario ${job.scenario}`);
  const waveKnobs = readWaveKnobs();
  const stem = seedStem(job);
  const options: RunOptions = { scenario, seed: job.seed, ops: job.ops, faults: job.faults, parameters: job.parameters, coverageFile: job.coverageFile };
  const userWaves = waveKnobs.whole ? seedWaves(join(job.reportDir, 'waves', `${stem}.fst`), waveKnobs) : undefined;
  let result: RunResult;
  try {
    result = await runRegression({ ...options, ...(userWaves ? { waves: userWaves.request } : {}) });
  } catch (error) {
    const record = errorRecord(job, error);
    log(`${passLine(record, record.faults, 0)}\n\n${record.failure!.detail}\n  replay: ${job.replay}\n`);
    return { record, time: undefined, coverage: undefined };
  }
  const record = seedRecord(result, job.index, job.ops, job.replay);
  log(passLine(record, result.faults, result.seconds));
  log(`      ${formatTimeSplit(result.time)}`);
  // With WAVES=1 the run is traced already: a failure needs no re-run.
  if (userWaves) log(await userWaves.finish(result, record.failure));
  if (record.failure) {
    log(`\n${result.violation!.message}\n${record.failure.recent}`);
    if (!record.failure.waves && !record.failure.wavesError) {
      log(`  re-running seed ${job.seed} with waves of the last ${waveKnobs.lastCycles} cycles before the failure …`);
      await failureWaves(record.failure, { reportDir: job.reportDir, stem, clockNs: CLOCK_NS, knobs: waveKnobs, rerun: (waves) => rerunWithWaves(options, waves, job.reportDir, stem) });
    }
    log(`  replay with waveforms: ${record.failure.replay}`);
    const waves = record.failure.waves;
    if (waves) log(`  waves of ${waves.fromNs}-${waves.toNs} ns${waves.reproduced ? '' : ' (the re-run did NOT fail the same way)'}: ${waves.fst}\n  save file: ${waves.gtkw}\n  open them: ${waves.openCommand}\n`);
    else log(`  waves: not captured: ${record.failure.wavesError}\n`);
  }
  return { record, time: result.time, coverage: result.coverage };
}
