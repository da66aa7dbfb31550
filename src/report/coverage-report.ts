// The coverage report of `make coverage` (its last step) and `make
// coverage-report DIRS="…"`: the coverage of everything under the given
// directories — the regression's
// results.json and .dat files, the directed suites' .dat and functional
// files, from one machine or copied from several — merged into one report:
// code coverage (verilator_coverage → lcov → genhtml, build/coverage/html),
// the functional cover groups of the testplan with their holes, and an exit
// status that fails when a required group is below its goal.
import { existsSync, readdirSync, writeFileSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { collectCoverageFiles } from '../coverage/code-coverage.js';
import { coverageFailures, readFunctionalCoverage, summarizeCoverage, writeFunctionalCoverage, mergeFunctionalCoverage, type FunctionalCoverageData } from '../coverage/functional.js';
import { TESTPLAN } from '../mirror/testplan.js';
import { coverageSectionHtml, escapeHtml, htmlPage } from './html.js';
import { readResults } from './records.js';
import { coverageReport } from './coverage-section.js';

/** Files under `dir` (recursively) that `accept` takes, sorted. */
function filesUnder(dir: string, accept: (path: string, name: string) => boolean): string[] {
  const found: string[] = [];
  const walk = (at: string): void => {
    for (const entry of readdirSync(at, { withFileTypes: true })) {
      const path = join(at, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (accept(path, entry.name)) found.push(path);
    }
  };
  if (existsSync(dir)) walk(dir);
  return found.sort();
}

/** Functional coverage under `dirs`: the directed tests' files (`functional/**.json`) and each regression's results.json. */
export function collectFunctional(dirs: readonly string[], outDir: string): { data: FunctionalCoverageData | undefined; sources: number } {
  const items: FunctionalCoverageData[] = [];
  const output = resolve(outDir, 'functional.json');
  for (const dir of dirs) {
    for (const file of filesUnder(dir, (path, name) => name.endsWith('.json') && resolve(path) !== output)) {
      if (basename(file) === 'results.json') {
        const functional = readResults(file).functional as FunctionalCoverageData | undefined;
        if (functional) items.push(functional);
      } else if (/[/\\]functional[/\\]/.test(file)) {
        items.push(readFunctionalCoverage(file));
      }
    }
  }
  return { data: items.length > 0 ? mergeFunctionalCoverage(items) : undefined, sources: items.length };
}

/** Code coverage files under `dirs`, without the merged outputs of earlier reports. */
export function collectCodeCoverage(dirs: readonly string[]): string[] {
  return collectCoverageFiles(dirs).filter((file) => basename(file) !== 'merged.dat');
}

export interface CoverageReportRun {
  /** 0: every required group at its goal; 1: not (or no functional coverage at all). */
  status: number;
  /** Everything printed, as printed. */
  output: string;
  functionalHtml: string;
  codeHtml: string | undefined;
}

/** Merges the coverage under `dirs` into `outDir`, writes the reports and says whether the plan's required groups are met. */
export async function writeCoverageReport(dirs: readonly string[], outDir: string): Promise<CoverageReportRun> {
  const lines: string[] = [];
  const print = (text: string) => lines.push(text);
  const done = (status: number, page: string, codeHtml: string | undefined): CoverageReportRun => ({ status, output: lines.join('\n'), functionalHtml: page, codeHtml });
  const functional = collectFunctional(dirs, outDir);
  const codeFiles = collectCodeCoverage(dirs);
  print(`coverage: ${codeFiles.length} code coverage file(s) and ${functional.sources} functional coverage record(s) from ${dirs.join(', ')}`);
  const report = await coverageReport(outDir, functional.data, codeFiles, { codeDir: outDir });
  print(report.text);
  if (functional.data) writeFunctionalCoverage(join(outDir, 'functional.json'), functional.data);
  const summaries = functional.data ? summarizeCoverage(TESTPLAN, functional.data) : [];
  const functionalText = join(outDir, 'functional.txt');
  writeFileSync(functionalText, `${report.text}\n`);
  const page = join(outDir, 'functional.html');
  const sources = `${codeFiles.length} code coverage files, ${functional.sources} functional records, from ${dirs.join(', ')}`;
  writeFileSync(page, htmlPage('mirrorsim coverage', `<h1>mirrorsim coverage</h1>\n<p class="meta">${escapeHtml(sources)}</p>\n${coverageSectionHtml(report.html, outDir)}`));
  print(`\ncode coverage:       ${report.html.codeHtml ?? '(none)'}\nfunctional coverage: ${page}\n                     ${functionalText}`);
  const failing = coverageFailures(summaries);
  if (!functional.data) {
    print('FAIL: no functional coverage was recorded');
    return done(1, page, report.html.codeHtml);
  }
  if (failing.length > 0) {
    print(`FAIL: ${failing.length} required cover group(s) below goal or with illegal hits: ${failing.map((g) => `${g.name} ${g.percent.toFixed(1)}% < ${g.goal}%${g.illegalHits.length > 0 ? ' (illegal hits)' : ''}`).join('; ')}`);
    return done(1, page, report.html.codeHtml);
  }
  print('PASS: every required cover group is at its goal');
  return done(0, page, report.html.codeHtml);
}
