// Coverage of a `make sim` run: the functional cover groups every run
// samples (host side, from the monitors), and with COVERAGE=1 Verilator's
// code coverage, one .dat per seed under the report directory, merged and
// rendered as lcov HTML at the end.
import { join } from 'node:path';
import { mergeFunctionalCoverage, type FunctionalCoverageData } from '../coverage/functional.js';
import { coverageReport, type CoverageReport } from '../report/coverage-section.js';

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
    add(data: FunctionalCoverageData): void {
      runs.push(data);
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
