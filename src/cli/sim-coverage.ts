// Coverage of a `make sim` run: the functional cover groups every run
// samples (host side, from the monitors), and with COVERAGE=1 Verilator's
// code coverage, one .dat per seed under the report directory, merged and
// rendered as lcov HTML at the end.
import { join } from 'node:path';
import { mergeCodeCoverage, formatCodeCoverage } from '../coverage/code-coverage.js';
import { formatCoverageReport, mergeFunctionalCoverage, summarizeCoverage, type FunctionalCoverageData } from '../coverage/functional.js';
import type { RunResult } from '../mirror/regression.js';
import { TESTPLAN } from '../mirror/testplan.js';
import type { CoverageSection } from '../report/html.js';

export interface CoverageReport {
  /** What the terminal prints (empty when there is nothing to say). */
  text: string;
  html: CoverageSection;
}

export function codeCoverageSection(summary: Awaited<ReturnType<typeof mergeCodeCoverage>>['summary']): NonNullable<CoverageSection['code']> {
  return Object.entries(summary.kinds)
    .filter((entry): entry is [string, NonNullable<(typeof entry)[1]>] => entry[1] !== undefined && entry[1].total > 0)
    .map(([kind, count]) => ({ kind, hit: count.hit, total: count.total, percent: count.percent }));
}

export function functionalSection(data: FunctionalCoverageData, maxHoles?: number): { text: string; groups: NonNullable<CoverageSection['functional']> } {
  const groups = summarizeCoverage(TESTPLAN, data);
  return { text: formatCoverageReport(groups, maxHoles === undefined ? {} : { maxHoles }), groups };
}

/** The coverage section of a report: functional groups summed over runs, code coverage merged from .dat files. */
export async function coverageReport(reportDir: string, functional: FunctionalCoverageData | undefined, files: readonly string[], options: { codeDir?: string; maxHoles?: number } = {}): Promise<CoverageReport> {
  const html: CoverageSection = {};
  const text: string[] = [];
  if (functional) {
    const summary = functionalSection(functional, options.maxHoles);
    html.functional = summary.groups;
    text.push(`\nfunctional coverage\n${summary.text}`);
  }
  if (files.length > 0) {
    const merged = await mergeCodeCoverage(files, options.codeDir ?? join(reportDir, 'code-coverage'));
    html.code = codeCoverageSection(merged.summary);
    html.codeHtml = merged.html;
    text.push(`\ncode coverage\n${formatCodeCoverage(merged.summary)}\n  annotated: ${merged.html}`);
  }
  return { text: text.join('\n'), html };
}

export function regressionCoverage(reportDir: string, code: boolean) {
  const runs: FunctionalCoverageData[] = [];
  const files: string[] = [];
  return {
    /** The .dat file a seed writes, with COVERAGE=1. */
    fileFor(stem: string): string | undefined {
      if (!code) return undefined;
      const file = join(reportDir, 'coverage', `${stem}.dat`);
      files.push(file);
      return file;
    },
    add(result: RunResult): void {
      runs.push(result.coverage);
    },
    functional(): FunctionalCoverageData | undefined {
      return runs.length > 0 ? mergeFunctionalCoverage(runs) : undefined;
    },
    files(): string[] {
      return [...files];
    },
    section(): Promise<CoverageReport> {
      // A regression's own summary lists a few holes per group; make coverage lists them all.
      return coverageReport(reportDir, this.functional(), files, { maxHoles: 6 });
    },
  };
}
