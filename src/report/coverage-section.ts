// A report's coverage section: the functional cover groups of the testplan
// summed over runs, and Verilator's code coverage merged from .dat files
// (lcov HTML beside it), as text for the terminal and tables for the page.
import { join } from 'node:path';
import { formatCodeCoverage, mergeCodeCoverage } from '../coverage/code-coverage.js';
import { formatCoverageReport, summarizeCoverage, type FunctionalCoverageData } from '../coverage/functional.js';
import { TESTPLAN } from '../mirror/testplan.js';
import type { CoverageSection } from './html.js';

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

/** The coverage section, or — when a coverage tool fails — a section that says why, so the reports are still written. */
export async function coverageOrWhyNot(section: Promise<CoverageReport>, who: string): Promise<CoverageReport> {
  try {
    return await section;
  } catch (error) {
    const why = `coverage not reported: ${error instanceof Error ? error.message : String(error)}`;
    console.error(`${who}: ${why}`);
    return { text: '', html: { error: why } };
  }
}
