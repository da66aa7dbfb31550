// Writes a regression's three reports into its directory: results.json (the
// data, what shards merge), junit.xml (for CI) and report.html (for people).
import { existsSync, mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { MirrorsimError } from '../errors.js';
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
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, MARKER), 'a mirrorsim regression report directory\n');
  const written = { json: join(dir, 'results.json'), junit: join(dir, 'junit.xml'), html: join(dir, 'report.html') };
  writeResults(written.json, results);
  writeFileSync(written.junit, junitXml(results));
  writeFileSync(written.html, htmlReport(results, { file: written.html, ...(coverage ? { coverage } : {}) }));
  return written;
}

/** What a regression writes into its report directory: cleared before a new run, so nothing stale mixes in (and nothing else is touched). */
export const REPORT_OUTPUTS = ['results.json', 'junit.xml', 'report.html', 'waves', 'coverage', 'code-coverage'] as const;

/** Marks a directory as a regression's report directory, from the moment a run starts writing into it. */
const MARKER = '.mirrorsim-report';

export class ReportDirectoryError extends MirrorsimError {
  override name = 'ReportDirectoryError';
  constructor(readonly dir: string) {
    super(`REPORT_DIR=${dir} holds other files and is not a report directory (no ${MARKER}), so nothing in it is cleared: name an empty or new directory`);
  }
}

/** Clears a report directory of an earlier run; a directory that is not one (REPORT_DIR=build, say) is refused, untouched. */
export function clearReports(dir: string): void {
  const isReport = existsSync(join(dir, MARKER)) || existsSync(join(dir, 'results.json'));
  if (existsSync(dir) && readdirSync(dir).length > 0 && !isReport) throw new ReportDirectoryError(dir);
  for (const name of REPORT_OUTPUTS) rmSync(join(dir, name), { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, MARKER), 'a mirrorsim regression report directory: make sim clears it at the start of a run\n');
}
