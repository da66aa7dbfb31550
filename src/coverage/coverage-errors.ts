// What can go wrong while merging and rendering code coverage. A missing
// tool is the build's MissingToolError (src/errors.ts), with its apt package.
import { MirrorsimError } from '../errors.js';

/** No coverage data to merge: no files given, or none under the directories searched. */
export class NoCoverageDataError extends MirrorsimError {
  override name = 'NoCoverageDataError';
  constructor(
    /** The directories searched (empty when a list of files was given). */
    readonly directories: readonly string[],
    /** Those of them that do not exist. */
    readonly missing: readonly string[] = [],
  ) {
    const where =
      directories.length === 0
        ? 'no coverage data files (*.dat) were given'
        : missing.length > 0
          ? `coverage directory ${missing.join(', ')} does not exist`
          : `no coverage data files (*.dat) under ${directories.join(', ')}`;
    super(`${where}; a model built with coverage writes them when a run has a coverage file (COVERAGE=1)`);
  }
}

/** A coverage data file that cannot be read, or a line in it that is not a coverage record. */
export class CodeCoverageDataError extends MirrorsimError {
  override name = 'CodeCoverageDataError';
  constructor(
    readonly file: string,
    /** 1-based; 0 when the file as a whole is the problem. */
    readonly line: number,
    readonly reason: string,
  ) {
    super(`${file}${line > 0 ? `:${line}` : ''}: ${reason}`);
  }
}

/** verilator_coverage or genhtml ran and failed. */
export class CoverageToolError extends MirrorsimError {
  override name = 'CoverageToolError';
  constructor(
    readonly tool: string,
    /** The command line, shortened when it lists many input files. */
    readonly command: string,
    readonly exitCode: number | undefined,
    /** The last lines it printed on stderr (stdout when stderr was empty). */
    readonly outputTail: readonly string[],
  ) {
    const tail = outputTail.length > 0 ? `\n    ${outputTail.join('\n    ')}` : '';
    super(`${tool} failed (status ${exitCode ?? '?'}): ${command}${tail}`);
  }
}
