// `make merge-reports DIRS="…"`: the shards of one regression (each a
// `make sim SHARD=i/n` report directory, perhaps from other machines) merged
// into one: results.json, junit.xml, report.html with the summary tables,
// failure groups, functional and code coverage of the whole run.
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { buildDir } from '../build/paths.js';
import type { FunctionalCoverageData } from '../coverage/functional.js';
import { mergeShardResults, missingShards, ShardMergeError } from '../report/merge.js';
import { readResults } from '../report/records.js';
import { formatSummary } from '../report/summary.js';
import { writeReports } from '../report/write-reports.js';
import { coverageOrWhyNot, coverageReport } from '../report/coverage-section.js';

async function main(): Promise<number> {
  const dirs = (process.env.MIRRORSIM_DIRS || process.argv.slice(2).join(' ')).split(/\s+/).filter(Boolean).map((dir) => resolve(dir));
  const inputs = dirs.map((dir) => {
    const file = join(dir, 'results.json');
    if (!existsSync(file)) throw new ShardMergeError(dir, 'has no results.json (is it a make sim report directory?)');
    return { dir, results: readResults(file) };
  });
  const reportDir = resolve(process.env.MIRRORSIM_REPORT_DIR || join(buildDir, 'reports', 'merged'));
  const merged = mergeShardResults(inputs, reportDir);
  const missing = missingShards(merged);
  console.log(`merge-reports: ${inputs.length} report(s), ${merged.seeds.length} seeds of ${merged.command}${missing.length > 0 ? `; MISSING shard(s) ${missing.join(', ')}` : ''}`);
  console.log(formatSummary(merged.seeds));
  const found = merged.coverageFiles.filter((file) => existsSync(file));
  if (found.length < merged.coverageFiles.length) console.log(`merge-reports: ${merged.coverageFiles.length - found.length} of ${merged.coverageFiles.length} coverage file(s) named by the shards are missing (copy each shard's coverage/ with its report)`);
  const coverage = await coverageOrWhyNot(coverageReport(reportDir, merged.functional as FunctionalCoverageData | undefined, found), 'merge-reports');
  if (coverage.text) console.log(coverage.text);
  const written = writeReports(merged, coverage.html);
  console.log(`\nreports: ${written.html}\n         ${written.junit}\n         ${written.json}`);
  return merged.seeds.some((s) => s.failure) || missing.length > 0 ? 1 : 0;
}

main().then(
  (status) => process.exit(status),
  (error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(2);
  },
);
