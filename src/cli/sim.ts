// `make sim`: the two-node regression. Each seed runs a scenario (all of
// them in turn by default, or TEST=name) with random traffic, faults and
// the mirror scoreboard; then a summary table, results.json, JUnit XML and
// an HTML report. A failing seed is re-run with waves of the cycles before
// the failure, and its report ends with the FST, the GTKWave save file and
// the command that opens both. Exit status 1 on any violation.
import { DEFAULT_SCENARIOS } from '../mirror/scenarios.js';
import { runSeeds } from './sim-pool.js';
import type { RegressionResults, SeedRecord } from '../report/records.js';
import { RESULTS_VERSION } from '../report/records.js';
import { formatSummary } from '../report/summary.js';
import { regressionCoverage } from './sim-coverage.js';
import { coverageOrWhyNot } from '../report/coverage-section.js';
import { clearReports, writeReports } from '../report/write-reports.js';
import { addTimeSplits, formatTimeSplit } from '../sim/time-split.js';
import { knobArguments, prepareRegression, seedJob } from './sim-setup.js';

async function main(): Promise<number> {
  const prepared = await prepareRegression({ seeds: 2 * DEFAULT_SCENARIOS.length, ops: 800 });
  const { knobs, faultsKnob } = prepared;
  const shardNote = knobs.shard ? `, shard ${knobs.shard.index}/${knobs.shard.count}: ${knobs.positions.length} of ${knobs.seeds.length} seeds` : '';
  console.log(`mirrorsim: two-node regression, ${knobs.seeds.length} seed(s) from ${knobs.seeds[0]}${shardNote}, ${knobs.ops} pointer operations per node each`);
  const command = ['make sim', `SEED=${knobs.seeds[0]}`, `SEEDS=${knobs.seeds.length}`, `OPS=${knobs.ops}`, ...(knobs.test ? [`TEST=${knobs.test}`] : []), ...knobArguments(knobs, faultsKnob)].join(' ');
  clearReports(knobs.reportDir);
  const started = new Date().toISOString();
  const coverage = regressionCoverage(knobs.reportDir, knobs.coverage);
  const jobs = knobs.positions.map((index) => seedJob(prepared, index, knobs.reportDir, (stem) => coverage.fileFor(stem)));
  const parallel = Math.min(knobs.jobs, jobs.length);
  if (parallel > 1) console.log(`mirrorsim: ${parallel} seeds at a time (JOBS=${knobs.jobs}); each seed's output follows when it and every seed before it are done`);
  const wallStart = performance.now();
  const outcomes = await runSeeds(jobs, parallel, (line) => console.log(line));
  const wallSeconds = (performance.now() - wallStart) / 1000;
  const records: SeedRecord[] = outcomes.map((o) => o.record);
  const splits = outcomes.flatMap((o) => (o.time ? [o.time] : []));
  for (const outcome of outcomes) if (outcome.coverage) coverage.add(outcome.coverage);
  console.log(formatSummary(records));
  if (splits.length > 0) console.log(`all seeds: ${formatTimeSplit(addTimeSplits(splits))}`);
  const simulated = records.reduce((sum, r) => sum + r.cycles, 0);
  console.log(`regression wall time ${wallSeconds.toFixed(1)} s with ${parallel} job(s): ${Math.round(simulated / wallSeconds)} simulated cycles/s`);
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
