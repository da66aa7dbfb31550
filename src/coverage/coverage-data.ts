// Verilator's coverage data (.dat) read directly, for numbers per kind, per
// file and per module that lcov's line-only view cannot give.
//
// The format (SystemC::Coverage-3, written by VerilatedCov::write and by
// `verilator_coverage --write`): a first line `# SystemC::Coverage-3`, then one
// record per coverage point and instance:
//
//   C '<key/value pairs>' <count>
//
// Inside the quotes every pair is `\x01<key>\x02<value>`. The keys are
// verilated_cov_key.h's short names: `f` file, `l` line, `n` column, `page`
// the kind and module (`v_line/<module>`, `v_toggle/…`, `v_branch/…`,
// `v_user/…`), `o` comment (the block kind for line points, the signal for
// toggle points, the label for a `cover property`: `cover` when it has none),
// `h` the instance's hierarchy (a labelled cover's label is its last part),
// `S` the lines a line point stands for, `s` an optional threshold. `count` is
// how often the point was hit: decimal, 64 bits.
//
// Verilator keeps one record per point of each module *variant*: a module
// elaborated with other parameters is another variant (`mm_takeover__Nz1_…`
// and `mm_takeover__Nz2_…` for the two nodes), while instances of one variant
// share their records, the counts summed and the hierarchy wildcarded
// (`TOP.mirror_top.u_link.u_ep_*`). The numbers here count records, as
// Verilator does; merged files keep one record per key, the counts summed.
import { readFileSync } from 'node:fs';
import { CodeCoverageDataError } from './coverage-errors.js';

export const COVERAGE_DATA_HEADER = '# SystemC::Coverage-3';

/** One coverage point of one instance. */
export interface CoveragePoint {
  /** `line`, `toggle`, `branch`, `user` (the page's prefix without `v_`). */
  kind: string;
  /** The module's own name, e.g. `mm_takeover`. */
  module: string;
  /** The module variant Verilator elaborated, e.g. `mm_takeover__Nz1_F8_M8_MB8` (the page's part after `/`). */
  variant: string;
  file: string;
  line: number;
  column: number;
  /** The block kind, signal or cover label (the `o` field). */
  comment: string;
  hierarchy: string;
  count: bigint;
  /** The count a point needs to be hit: its `s` field, else 1. */
  threshold: bigint;
}

export interface CoverageCount {
  hit: number;
  total: number;
  /** 100 * hit / total; 0 when there are no points of the kind. */
  percent: number;
}

/** Line, toggle and user points always (zero when the build has none); branch and any other kind as Verilator emits them. */
export type KindCounts = {
  line: CoverageCount;
  toggle: CoverageCount;
  user: CoverageCount;
  branch?: CoverageCount;
} & { [kind: string]: CoverageCount | undefined };

export interface CoverageGroup {
  /** A source file (as the build named it: absolute for mirrorsim's builds) or a module. */
  name: string;
  kinds: KindCounts;
}

/** A user cover point (`cover property`) that no run hit, in one module variant. */
export interface CoverHole {
  /** Its label, or `cover` when it has none. */
  name: string;
  /** The instance path, e.g. `TOP.mirror_top.u_node_a.u_mm.u_takeover.TakeoverDone_C` (`*` where instances share a variant). */
  hierarchy: string;
  file: string;
  line: number;
  module: string;
}

export interface CodeCoverageSummary {
  /** The whole design. */
  kinds: KindCounts;
  /** Per source file, sorted by name. */
  files: CoverageGroup[];
  /** Per module (all its variants and instances together), sorted by name. */
  modules: CoverageGroup[];
  /** User cover points never hit, in source order. */
  holes: CoverHole[];
  /** How many coverage data files went into it. */
  inputs: number;
}

const RECORD = /^C '(.*)' (\d+)\s*$/;

/** The coverage points of one .dat file. */
export function readCodeCoverageData(file: string): CoveragePoint[] {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new CodeCoverageDataError(file, 0, `cannot read it: ${(error as Error).message}`);
  }
  return parseCodeCoverageData(text, file);
}

export function parseCodeCoverageData(text: string, file = '<coverage data>'): CoveragePoint[] {
  const lines = text.split('\n');
  if (lines[0]?.trim() !== COVERAGE_DATA_HEADER) {
    throw new CodeCoverageDataError(file, 1, `not Verilator coverage data: expected '${COVERAGE_DATA_HEADER}'`);
  }
  const points: CoveragePoint[] = [];
  for (let index = 1; index < lines.length; index++) {
    const text = lines[index]!;
    if (text.trim() === '' || text.startsWith('#')) continue;
    const match = RECORD.exec(text);
    if (!match) throw new CodeCoverageDataError(file, index + 1, `not a coverage record: ${JSON.stringify(text.slice(0, 80))}`);
    const fields = new Map<string, string>();
    for (const pair of match[1]!.split('\x01')) {
      if (pair === '') continue;
      const split = pair.indexOf('\x02');
      if (split < 0) throw new CodeCoverageDataError(file, index + 1, `key without a value: ${JSON.stringify(pair)}`);
      fields.set(pair.slice(0, split), pair.slice(split + 1));
    }
    const page = fields.get('page');
    if (page === undefined) throw new CodeCoverageDataError(file, index + 1, 'record without a page (kind) field');
    const slash = page.indexOf('/');
    const kindPart = slash < 0 ? page : page.slice(0, slash);
    const variant = slash < 0 ? '' : page.slice(slash + 1);
    points.push({
      kind: kindPart.startsWith('v_') ? kindPart.slice(2) : kindPart,
      // Verilator names a parameterized variant `<module>__<parameters>`.
      module: variant.replace(/__.*$/, ''),
      variant,
      file: fields.get('f') ?? '',
      line: Number(fields.get('l') ?? 0),
      column: Number(fields.get('n') ?? 0),
      comment: fields.get('o') ?? '',
      hierarchy: fields.get('h') ?? '',
      count: BigInt(match[2]!),
      threshold: BigInt(fields.get('s') || 1),
    });
  }
  return points;
}

/** What identifies a point across runs of the same model (merging sums the counts of equal keys). */
export function pointKey(point: CoveragePoint): string {
  return [point.kind, point.variant, point.file, point.line, point.column, point.comment, point.hierarchy].join('\x01');
}

function emptyKinds(): KindCounts {
  return { line: count(0, 0), toggle: count(0, 0), user: count(0, 0) };
}

function count(hit: number, total: number): CoverageCount {
  return { hit, total, percent: total === 0 ? 0 : (100 * hit) / total };
}

function add(kinds: KindCounts, point: CoveragePoint): void {
  const before = kinds[point.kind] ?? count(0, 0);
  kinds[point.kind] = count(before.hit + (isHit(point) ? 1 : 0), before.total + 1);
}

export function isHit(point: CoveragePoint): boolean {
  return point.count >= point.threshold;
}

function grouped(points: readonly CoveragePoint[], key: (point: CoveragePoint) => string): CoverageGroup[] {
  const groups = new Map<string, KindCounts>();
  for (const point of points) {
    const name = key(point);
    if (!groups.has(name)) groups.set(name, emptyKinds());
    add(groups.get(name)!, point);
  }
  return [...groups].sort(([a], [b]) => a.localeCompare(b)).map(([name, kinds]) => ({ name, kinds }));
}

export function summarizeCodeCoverage(points: readonly CoveragePoint[], inputs = 1): CodeCoverageSummary {
  const kinds = emptyKinds();
  for (const point of points) add(kinds, point);
  const holes = points
    .filter((point) => point.kind === 'user' && !isHit(point))
    .map((point) => ({ name: point.comment || 'cover', hierarchy: point.hierarchy, file: point.file, line: point.line, module: point.module }))
    .sort((a, b) => a.file.localeCompare(b.file) || a.line - b.line || a.hierarchy.localeCompare(b.hierarchy));
  return {
    kinds,
    files: grouped(points, (point) => point.file),
    modules: grouped(points, (point) => point.module),
    holes,
    inputs,
  };
}

/** The summary of one .dat file (a single run's, or a merged one). */
export function summarizeCodeCoverageFile(file: string, inputs = 1): CodeCoverageSummary {
  return summarizeCodeCoverage(readCodeCoverageData(file), inputs);
}
