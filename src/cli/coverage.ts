// `make coverage` (its last step) and `make coverage-report DIRS="…"`: one
// coverage report from build/coverage, or from the directories DIRS= names
// (several shards' or machines' build/coverage), into REPORT_DIR= (default
// build/coverage); exit status 1 when a required cover group is below its goal.
import { resolve } from 'node:path';
import { coverageDir } from '../build/paths.js';
import { writeCoverageReport } from '../report/coverage-report.js';

async function main(): Promise<number> {
  const given = (process.env.MIRRORSIM_DIRS || process.argv.slice(2).join(' ')).split(/\s+/).filter(Boolean);
  const dirs = (given.length > 0 ? given : [coverageDir]).map((dir) => resolve(dir));
  const report = await writeCoverageReport(dirs, resolve(process.env.MIRRORSIM_REPORT_DIR || coverageDir));
  console.log(report.output);
  return report.status;
}

main().then(
  (status) => process.exit(status),
  (error: unknown) => {
    console.error(error instanceof Error ? `coverage: ${error.message}` : error);
    process.exit(2);
  },
);
