// Where a test's functional coverage is collected: whatever samples coverage
// in this process (a verification environment) registers itself, and the
// test fixture, when it collects, writes the registered data to one file at
// the end of the test. Outside a collection registering does nothing, so a
// long process (a regression of many seeds) keeps no references.
import { mergeFunctionalCoverage, writeFunctionalCoverage, type FunctionalCoverageData } from './functional.js';

export interface FunctionalCoverageSource {
  data(): FunctionalCoverageData;
}

let collecting: FunctionalCoverageSource[] | undefined;

/** Counts `source` in the collection under way, if any. */
export function registerFunctionalCoverage(source: FunctionalCoverageSource): void {
  collecting?.push(source);
}

/**
 * Starts collecting (a collection still open is dropped: one test at a time
 * per process). `finish()` writes the sources' data, merged, to `file`, and
 * returns it; nothing is written when nothing registered.
 */
export function collectFunctionalCoverage(file: string): { finish(): string | undefined } {
  const sources: FunctionalCoverageSource[] = [];
  collecting = sources;
  return {
    finish(): string | undefined {
      if (collecting === sources) collecting = undefined;
      if (sources.length === 0) return undefined;
      writeFunctionalCoverage(file, mergeFunctionalCoverage(sources.map((source) => source.data())));
      return file;
    },
  };
}
