// `make coverage` (its last step) and `make coverage-report DIRS="…"`: the
// coverage of everything under the given directories — the regression's
// results.json and .dat files, the directed suites' .dat and functional
// files, from one machine or copied from several — merged into one report:
// code coverage (verilator_coverage → lcov → genhtml, build/coverage/html),
// the functional cover groups of the testplan with their holes, and an exit
// status that fails when a required group is below its goal.
import { existsSync, readdirSync, writeFileSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { coverageDir } from '../build/paths.js';
import { collectCoverageFiles } from '../coverage/code-coverage.js';
import { coverageFailures, readFunctionalCoverage, summarizeCoverage, writeFunctionalCoverage, mergeFunctionalCoverage, type FunctionalCoverageData } from '../coverage/functional.js';
import { TESTPLAN } from '../mirror/testplan.js';
import { coverageSectionHtml, escapeHtml } from '../report/html.js';
import { readResults } from '../report/records.js';
import { coverageReport } from './sim-coverage.js';

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

async function main(): Promise<number> {
  const given = (process.env.MIRRORSIM_DIRS ?? process.argv.slice(2).join(' ')).split(/\s+/).filter(Boolean);
  const dirs = (given.length > 0 ? given : [coverageDir]).map((dir) => resolve(dir));
  const outDir = resolve(process.env.MIRRORSIM_REPORT_DIR || coverageDir);
  const functional = collectFunctional(dirs, outDir);
  const codeFiles = collectCodeCoverage(dirs);
  console.log(`coverage: ${codeFiles.length} code coverage file(s) and ${functional.sources} functional coverage record(s) from ${dirs.join(', ')}`);
  const report = await coverageReport(outDir, functional.data, codeFiles, { codeDir: outDir });
  console.log(report.text);
  if (functional.data) writeFunctionalCoverage(join(outDir, 'functional.json'), functional.data);
  const summaries = functional.data ? summarizeCoverage(TESTPLAN, functional.data) : [];
  const functionalText = join(outDir, 'functional.txt');
  writeFileSync(functionalText, `${report.text}\n`);
  const page = join(outDir, 'functional.html');
  writeFileSync(
    page,
    `<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8"><title>mirrorsim coverage</title></head><body>\n<h1>mirrorsim coverage</h1>\n<p>${escapeHtml(`${codeFiles.length} code coverage files, ${functional.sources} functional records, from ${dirs.join(', ')}`)}</p>\n${coverageSectionHtml(report.html, outDir)}\n</body></html>\n`,
  );
  console.log(`\ncode coverage:       ${report.html.codeHtml ?? '(none)'}\nfunctional coverage: ${page}\n                     ${functionalText}`);
  const failing = coverageFailures(summaries);
  if (!functional.data) {
    console.log('FAIL: no functional coverage was recorded');
    return 1;
  }
  if (failing.length > 0) {
    console.log(`FAIL: ${failing.length} required cover group(s) below goal or with illegal hits: ${failing.map((g) => `${g.name} ${g.percent.toFixed(1)}% < ${g.goal}%${g.illegalHits.length > 0 ? ' (illegal hits)' : ''}`).join('; ')}`);
    return 1;
  }
  console.log('PASS: every required cover group is at its goal');
  return 0;
}

main().then(
  (status) => process.exit(status),
  (error: unknown) => {
    console.error(error instanceof Error ? `coverage: ${error.message}` : error);
    process.exit(2);
  },
);
