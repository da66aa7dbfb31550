// Writes a regression's three reports into its directory: results.json (the
// data, what shards merge), junit.xml (for CI) and report.html (for people).
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { htmlReport, type CoverageSection } from './html.js';
import { junitXml } from './junit.js';
import { writeResults, type RegressionResults } from './records.js';

export interface WrittenReports {
  json: string;
  junit: string;
  html: string;
}

export function writeReports(results: RegressionResults, coverage?: CoverageSection): WrittenReports {
  const dir = results.reportDir;
  const written = { json: join(dir, 'results.json'), junit: join(dir, 'junit.xml'), html: join(dir, 'report.html') };
  writeResults(written.json, results);
  writeFileSync(written.junit, junitXml(results));
  writeFileSync(written.html, htmlReport(results, { file: written.html, ...(coverage ? { coverage } : {}) }));
  return written;
}

/** What a regression writes into its report directory: cleared before a new run, so nothing stale mixes in (and nothing else is touched). */
export const REPORT_OUTPUTS = ['results.json', 'junit.xml', 'report.html', 'waves', 'coverage', 'code-coverage'] as const;

export function clearReports(dir: string): void {
  for (const name of REPORT_OUTPUTS) rmSync(join(dir, name), { recursive: true, force: true });
}
