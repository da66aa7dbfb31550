// `make campaign`: the sign-off fault campaign. Many seeds of every
// scenario, each under every fault the testbench can inject (link drops,
// duplicates, corruption, delay, cuts and heals, node failures and returns:
// FAULTS=all unless told otherwise), in JOBS= parallel processes, ending
// with one table: what ran, what was injected, what the system did, and the
// invariant violations and acknowledged writes lost (both must be 0). Every
// failing seed is listed with its replay command and its waves. Seeds that
// passed are recorded as they end (src/cli/campaign-results.ts) and skipped
// when the same campaign runs again. Exit status 1 on any failure.
import { join } from 'node:path';
import { formatTable } from './table.js';
import { buildDir } from '../build/paths.js';
import { RESULTS_VERSION, type RegressionResults, type SeedRecord } from '../report/records.js';
import { campaignTable } from '../report/campaign-table.js';
import { failureGroupTable, formatSummaryTable } from '../report/summary.js';
import { clearReports, writeReports } from '../report/write-reports.js';
import { CampaignResults } from './campaign-results.js';
import { knobArguments, prepareRegression, seedJob } from './sim-setup.js';
import { runSeeds } from './sim-pool.js';

/** The documented full campaign: 1,000 seeds at the regression's default operation count. */
export const CAMPAIGN_SEEDS = 1000;
export const CAMPAIGN_OPS = 800;

async function main(): Promise<number> {
  // A campaign's seed list must be the same on every re-run: it starts at seed 1 unless SEED= says.
  process.env.MIRRORSIM_SEED ||= '1';
  process.env.MIRRORSIM_SEEDS ||= String(CAMPAIGN_SEEDS);
  const prepared = await prepareRegression({ seeds: CAMPAIGN_SEEDS, ops: CAMPAIGN_OPS, faults: 'all' });
  const { knobs, faultsKnob } = prepared;
  if (knobs.shard) throw new RangeError('SHARD= is for make sim; run a part of a campaign with SEED= and SEEDS=');
  const results = new CampaignResults({ ops: knobs.ops, faults: faultsKnob ?? 'all', pageBytes: knobs.pageBytes, frames: knobs.frames, model: prepared.model.directory });
  const reportDir = process.env.MIRRORSIM_REPORT_DIR ? knobs.reportDir : join(buildDir, 'campaign', 'report');
  const jobs = knobs.positions.map((index) => seedJob(prepared, index, reportDir, () => undefined));
  const resumed = jobs.flatMap((job) => results.passed(job.scenario, job.seed) ?? []);
  const toRun = jobs.filter((job) => !results.passed(job.scenario, job.seed));
  const parallel = Math.max(1, Math.min(knobs.jobs, toRun.length));
  console.log(
    `mirrorsim: fault campaign, ${jobs.length} seeds from ${knobs.seeds[0]} over ${prepared.scenarios.length} scenarios, FAULTS=${faultsKnob}, ` +
      `${knobs.ops} pointer operations per node each, ${parallel} at a time`,
  );
  console.log(`results: ${results.file}${resumed.length > 0 ? ` (${resumed.length} seeds passed before with these parameters: skipped)` : ''}`);
  clearReports(reportDir);
  const started = new Date().toISOString();
  const wallStart = performance.now();
  const outcomes = await runSeeds(toRun, parallel, (line) => console.log(line), (outcome) => results.add(outcome.record));
  const wallSeconds = (performance.now() - wallStart) / 1000;
  const ranNow = new Map(outcomes.map((o) => [o.record.index, o.record]));
  const records: SeedRecord[] = jobs.map((job) => ranNow.get(job.index) ?? results.passed(job.scenario, job.seed)!);

  const table = campaignTable(records, { ran: outcomes.length, resumed: resumed.length, wallSeconds, seedSeconds: records.reduce((sum, r) => sum + r.seconds, 0) });
  console.log(`\n${table.title}\n${formatTable(table.headers, table.rows)}`);
  const failed = records.filter((r) => r.failure);
  if (failed.length > 0) {
    console.log(`\n${formatSummaryTable(failureGroupTable(records))}`);
    console.log('\nfailing seeds:');
    for (const record of failed) {
      const waves = record.failure!.waves;
      console.log(`  ${record.scenario} seed ${record.seed}: ${record.failure!.invariant}\n    replay: ${record.failure!.replay}${waves ? `\n    waves: ${waves.openCommand}` : ''}`);
    }
  }
  const regression: RegressionResults = {
    version: RESULTS_VERSION,
    command: ['make campaign', `SEED=${knobs.seeds[0]}`, `SEEDS=${knobs.seeds.length}`, `OPS=${knobs.ops}`, ...(knobs.test ? [`TEST=${knobs.test}`] : []), ...knobArguments(knobs, faultsKnob)].join(' '),
    started,
    reportDir,
    ops: knobs.ops,
    shards: [],
    seeds: records,
    functional: undefined,
    coverageFiles: [],
  };
  const written = writeReports(regression);
  console.log(`\n${failed.length === 0 ? 'PASS' : 'FAIL'}: ${records.length - failed.length} passed, ${failed.length} failed`);
  console.log(`reports: ${written.html}\n         ${written.junit}\n         ${written.json}`);
  return failed.length > 0 ? 1 : 0;
}

main().then(
  (status) => process.exit(status),
  (error: unknown) => {
    console.error(error instanceof Error ? `make campaign: ${error.message}` : error);
    process.exit(error instanceof RangeError ? 2 : 1);
  },
);
