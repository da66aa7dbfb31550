// `make sim`: the two-node regression. Each seed runs a scenario (all of
// them in turn by default, or TEST=name) with random traffic, faults and
// the mirror scoreboard; then a summary table, results.json, JUnit XML and
// an HTML report. A failing seed is re-run with waves of the cycles before
// the failure, and its report ends with the FST, the GTKWave save file and
// the command that opens both. Exit status 1 on any violation.
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { FAULT_MIXES, isFaultMix, type FaultMix } from '../mirror/faults.js';
import { CLOCK_NS, runRegression, type RunOptions, type RunResult } from '../mirror/regression.js';
import { DEFAULT_SCENARIOS, findScenario, SCENARIOS, type Scenario } from '../mirror/scenarios.js';
import { ensureModel } from '../build/verilate.js';
import { mirrorDesign, type MirrorParameters } from '../mirror/design.js';
import type { RegressionResults, SeedRecord } from '../report/records.js';
import { RESULTS_VERSION } from '../report/records.js';
import { seedRecord } from '../report/seed-record.js';
import { formatSummary } from '../report/summary.js';
import { readKnobs, type SimKnobs } from './knobs.js';
import { failureWaves, seedWaves } from './sim-waves.js';
import { readWaveKnobs } from '../waves/knobs.js';
import type { WavesRequest } from '../waves/failure-waves.js';
import { regressionCoverage } from './sim-coverage.js';
import { coverageOrWhyNot } from '../report/coverage-section.js';
import { clearReports, writeReports } from '../report/write-reports.js';
import { addTimeSplits, formatTimeSplit, type TimeSplit } from '../sim/time-split.js';

/** The knobs that change what a seed does, as `make` arguments, for replay lines and the report. */
function knobArguments(knobs: SimKnobs, faultsKnob: FaultMix | undefined): string[] {
  return [
    faultsKnob ? `FAULTS=${faultsKnob}` : '',
    knobs.pageBytes ? `PAGE_BYTES=${knobs.pageBytes}` : '',
    knobs.frames ? `FRAMES=${knobs.frames}` : '',
  ].filter(Boolean);
}

function replay(result: RunResult, knobs: SimKnobs, faultsKnob: FaultMix | undefined): string {
  return ['make sim', `TEST=${result.scenario}`, `SEED=${result.seed}`, `OPS=${knobs.ops}`, ...knobArguments(knobs, faultsKnob), 'WAVES=1'].join(' ');
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

function scenariosFor(knobs: SimKnobs): readonly Scenario[] | string {
  if (knobs.test === undefined) return DEFAULT_SCENARIOS;
  const scenario = findScenario(knobs.test);
  return scenario ? [scenario] : `make sim: unknown TEST=${knobs.test}; scenarios: ${SCENARIOS.map((s) => s.name).join(', ')}`;
}

async function main(): Promise<number> {
  const knobs = readKnobs({ seeds: 2 * DEFAULT_SCENARIOS.length, ops: 800 });
  const scenarios = scenariosFor(knobs);
  if (typeof scenarios === 'string') {
    console.error(scenarios);
    return 2;
  }
  const faultsKnob = process.env.MIRRORSIM_FAULTS || undefined;
  if (faultsKnob !== undefined && !isFaultMix(faultsKnob)) {
    console.error(`make sim: unknown FAULTS=${faultsKnob}; mixes: ${Object.keys(FAULT_MIXES).join(', ')}`);
    return 2;
  }
  const waveKnobs = readWaveKnobs();
  const parameters: MirrorParameters = { PageBytes: knobs.pageBytes, Frames: knobs.frames };
  // Built (or found in the cache) first, so wall times are simulation only.
  await ensureModel(mirrorDesign(parameters), { coverage: knobs.coverage, log: (line) => console.log(line) });
  const shardNote = knobs.shard ? `, shard ${knobs.shard.index}/${knobs.shard.count}: ${knobs.positions.length} of ${knobs.seeds.length} seeds` : '';
  console.log(`mirrorsim: two-node regression, ${knobs.seeds.length} seed(s) from ${knobs.seeds[0]}${shardNote}, ${knobs.ops} pointer operations per node each`);
  const command = ['make sim', `SEED=${knobs.seeds[0]}`, `SEEDS=${knobs.seeds.length}`, `OPS=${knobs.ops}`, ...(knobs.test ? [`TEST=${knobs.test}`] : []), ...knobArguments(knobs, faultsKnob)].join(' ');
  clearReports(knobs.reportDir);
  const started = new Date().toISOString();
  const records: SeedRecord[] = [];
  const splits: TimeSplit[] = [];
  const coverage = regressionCoverage(knobs.reportDir, knobs.coverage);
  for (const index of knobs.positions) {
    const seed = knobs.seeds[index]!;
    const scenario = scenarios[index % scenarios.length]!;
    const stem = `${scenario.name}-seed${seed}`;
    const options: RunOptions = { scenario, seed, ops: knobs.ops, faults: faultsKnob, parameters, coverageFile: coverage.fileFor(stem) };
    const userWaves = waveKnobs.whole ? seedWaves(join(knobs.reportDir, 'waves', `${stem}.fst`), waveKnobs) : undefined;
    const result = await runRegression({ ...options, ...(userWaves ? { waves: userWaves.request } : {}) });
    coverage.add(result);
    const record = seedRecord(result, index, knobs.ops, replay(result, knobs, faultsKnob));
    records.push(record);
    console.log(`${record.failure ? 'FAIL' : 'pass'}  ${scenario.name.padEnd(15)} seed=${seed} faults=${result.faults} ${result.cycles} cycles ${result.seconds.toFixed(1)} s`);
    console.log(`      ${formatTimeSplit(result.time)}`);
    splits.push(result.time);
    // With WAVES=1 the run is traced already: a failure needs no re-run.
    if (userWaves) console.log(await userWaves.finish(result, record.failure));
    if (record.failure) {
      console.log(`\n${result.violation!.message}\n${record.failure.recent}`);
      if (!record.failure.waves && !record.failure.wavesError) {
        console.log(`  re-running seed ${seed} with waves of the last ${waveKnobs.lastCycles} cycles before the failure …`);
        await failureWaves(record.failure, { reportDir: knobs.reportDir, stem, clockNs: CLOCK_NS, knobs: waveKnobs, rerun: (waves) => rerunWithWaves(options, waves, knobs.reportDir, stem) });
      }
      console.log(`  replay with waveforms: ${record.failure.replay}`);
      const waves = record.failure.waves;
      if (waves) console.log(`  waves of ${waves.fromNs}-${waves.toNs} ns${waves.reproduced ? '' : ' (the re-run did NOT fail the same way)'}: ${waves.fst}\n  save file: ${waves.gtkw}\n  open them: ${waves.openCommand}\n`);
      else console.log(`  waves: not captured: ${record.failure.wavesError}\n`);
    }
  }
  console.log(formatSummary(records));
  if (splits.length > 0) console.log(`all seeds: ${formatTimeSplit(addTimeSplits(splits))}`);
  const results: RegressionResults = {
    version: RESULTS_VERSION,
    command,
    started,
    reportDir: knobs.reportDir,
    ops: knobs.ops,
    shards: knobs.shard ? [knobs.shard] : [],
    seeds: records,
    functional: coverage.functional(),
    coverageFiles: coverage.files(),
  };
  // A coverage tool that fails must not take the seeds' reports with it.
  const section = await coverageOrWhyNot(coverage.section(), 'make sim');
  if (section.text) console.log(section.text);
  const written = writeReports(results, section.html);
  console.log(`\nreports: ${written.html}\n         ${written.junit}\n         ${written.json}`);
  return records.some((r) => r.failure) ? 1 : 0;
}

main().then(
  (status) => process.exit(status),
  (error: unknown) => {
    console.error(error instanceof Error ? `make sim: ${error.message}` : error);
    process.exit(error instanceof RangeError ? 2 : 1);
  },
);
