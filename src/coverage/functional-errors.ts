// What can go wrong with functional coverage: a plan that contradicts
// itself, a sample the plan does not know (a typo in a sampler must not
// vanish silently), data of another plan, a data file that is not one.
import { MirrorsimError } from '../errors.js';

/** A testplan that cannot be used as written. */
export class CoveragePlanError extends MirrorsimError {
  override name = 'CoveragePlanError';
  constructor(
    readonly plan: string,
    /** Where in the plan: `group`, `group.coverpoint`, `group.cross(a,b)`. */
    readonly where: string,
    readonly reason: string,
  ) {
    super(`testplan ${plan}, ${where}: ${reason}`);
  }
}

/** A sample for a cover group the plan does not have. */
export class UnknownCoverGroupError extends MirrorsimError {
  override name = 'UnknownCoverGroupError';
  constructor(
    readonly group: string,
    readonly known: readonly string[],
  ) {
    super(`no cover group '${group}' in the testplan (it has: ${known.join(', ')})`);
  }
}

/** A sampled value that is no bin of its coverpoint. */
export class UnknownCoverBinError extends MirrorsimError {
  override name = 'UnknownCoverBinError';
  constructor(
    readonly group: string,
    readonly coverpoint: string,
    readonly value: string,
    readonly bins: readonly string[],
  ) {
    super(`cover group '${group}': '${value}' is no bin of coverpoint '${coverpoint}' (its bins: ${bins.join(', ')})`);
  }
}

/** A sample that names a coverpoint the group does not have, or leaves one of its coverpoints out. */
export class CoverageSampleError extends MirrorsimError {
  override name = 'CoverageSampleError';
  constructor(
    readonly group: string,
    readonly coverpoint: string,
    readonly reason: string,
  ) {
    super(`cover group '${group}', coverpoint '${coverpoint}': ${reason}`);
  }
}

/** Coverage data of another version of the testplan (its bins may mean something else). */
export class CoveragePlanMismatchError extends MirrorsimError {
  override name = 'CoveragePlanMismatchError';
  constructor(
    readonly expected: string,
    readonly found: string,
    /** Which input (the index in a merge, or a file name). */
    readonly source: string,
  ) {
    super(`functional coverage of testplan ${found} (${source}) cannot be combined with testplan ${expected}: sample both with the same plan`);
  }
}

/** Coverage data that is not what the plan (or the file format) says it is. */
export class FunctionalCoverageDataError extends MirrorsimError {
  override name = 'FunctionalCoverageDataError';
  constructor(
    /** The file, or `data` for data in memory. */
    readonly source: string,
    readonly reason: string,
  ) {
    super(`functional coverage ${source}: ${reason}`);
  }
}
