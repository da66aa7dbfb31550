// Code coverage from Verilator, merged and rendered: the .dat files that runs
// of a model built with `--coverage` write (one per test or seed, from any
// number of shards or machines) are merged with verilator_coverage, turned
// into lcov's .info, rendered to HTML with genhtml, and summarized per kind
// (line, toggle, branch, user cover points), per file and per module from
// the merged data itself (see coverage-data.ts for its format).
import { closeSync, existsSync, mkdirSync, openSync, readdirSync, readSync, rmSync, statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { execa } from 'execa';
import { repoRoot } from '../build/paths.js';
import { formatTable } from '../cli/table.js';
import { MissingToolError } from '../errors.js';
import { COVERAGE_DATA_HEADER, summarizeCodeCoverageFile, type CodeCoverageSummary, type CoverageCount, type KindCounts } from './coverage-data.js';
import { CodeCoverageDataError, CoverageToolError, NoCoverageDataError } from './coverage-errors.js';

export * from './coverage-data.js';
export * from './coverage-errors.js';

export interface CodeCoverageResult {
  /** All inputs merged: `<outDir>/merged.dat`. */
  merged: string;
  /**
   * lcov tracefile: `<outDir>/coverage.info`. Its per-line counts are
   * verilator_coverage's (the least hit point on the line, a signal's bits
   * summed), so the HTML's line percentage is not the summary's `line` kind.
   */
  info: string;
  /** genhtml's report: `<outDir>/html/index.html`. */
  html: string;
  summary: CodeCoverageSummary;
}

export interface CodeCoverageOptions {
  /** The HTML report's title (default: `mirrorsim code coverage, N run(s)`). */
  title?: string;
  /** Other executables than the ones on PATH. */
  tools?: { verilatorCoverage?: string; genhtml?: string };
}

const TOOLS = {
  verilator_coverage: 'apt-get install verilator',
  genhtml: 'apt-get install lcov',
} as const;

/**
 * verilator_coverage is a Perl wrapper that hands its arguments to the real
 * program through one `sh -c` string, and Linux bounds a single argument to
 * 128 KiB: inputs are merged in batches well below that (and a batch count
 * keeps the number of open files modest), then the batches are merged.
 */
const BATCH_CHARS = 48 * 1024;
const BATCH_FILES = 200;

/** Merges Verilator coverage data files into `<outDir>/merged.dat`, `coverage.info` and an HTML report, and summarizes them. */
export async function mergeCodeCoverage(datFiles: readonly string[], outDir: string, options: CodeCoverageOptions = {}): Promise<CodeCoverageResult> {
  if (datFiles.length === 0) throw new NoCoverageDataError([]);
  const inputs = datFiles.map((file) => resolve(file));
  // verilator_coverage skips what it cannot parse without a word: check each input's header first.
  for (const file of inputs) checkCoverageHeader(file);
  const out = resolve(outDir);
  mkdirSync(out, { recursive: true });
  const merged = join(out, 'merged.dat');
  const info = join(out, 'coverage.info');
  const htmlDir = join(out, 'html');
  const verilatorCoverage = options.tools?.verilatorCoverage ?? 'verilator_coverage';
  const genhtml = options.tools?.genhtml ?? 'genhtml';

  await mergeInBatches(verilatorCoverage, inputs, merged, join(out, 'merge-parts'));
  await run(verilatorCoverage, 'verilator_coverage', ['--write-info', info, merged]);
  const summary = summarizeCodeCoverageFile(merged, inputs.length);

  rmSync(htmlDir, { recursive: true, force: true });
  const title = options.title ?? `mirrorsim code coverage, ${inputs.length} run${inputs.length === 1 ? '' : 's'}`;
  await run(genhtml, 'genhtml', [
    info,
    '--output-directory', htmlDir,
    '--title', title,
    '--prefix', repoRoot,
    // Verilator's .info has line records only (DA:), no functions or branches.
    '--no-function-coverage',
    '--no-branch-coverage',
    '--legend',
    '--quiet',
  ]);
  return { merged, info, html: join(htmlDir, 'index.html'), summary };
}

function checkCoverageHeader(file: string): void {
  if (!existsSync(file) || !statSync(file).isFile()) throw new CodeCoverageDataError(file, 0, 'no such coverage data file');
  const head = Buffer.alloc(COVERAGE_DATA_HEADER.length);
  const fd = openSync(file, 'r');
  try {
    readSync(fd, head, 0, head.length, 0);
  } finally {
    closeSync(fd);
  }
  if (head.toString('latin1') !== COVERAGE_DATA_HEADER) {
    throw new CodeCoverageDataError(file, 1, `not Verilator coverage data: expected '${COVERAGE_DATA_HEADER}'`);
  }
}

async function mergeInBatches(tool: string, inputs: readonly string[], target: string, partsDir: string): Promise<void> {
  let level = inputs;
  try {
    for (let round = 0; ; round++) {
      const groups = batched(level);
      if (groups.length === 1) {
        await run(tool, 'verilator_coverage', ['--write', target, ...groups[0]!]);
        return;
      }
      mkdirSync(partsDir, { recursive: true });
      const parts: string[] = [];
      for (const [index, group] of groups.entries()) {
        const part = join(partsDir, `round${round}-part${index}.dat`);
        await run(tool, 'verilator_coverage', ['--write', part, ...group]);
        parts.push(part);
      }
      level = parts;
    }
  } finally {
    rmSync(partsDir, { recursive: true, force: true });
  }
}

function batched(files: readonly string[]): string[][] {
  const batches: string[][] = [];
  let current: string[] = [];
  let chars = 0;
  for (const file of files) {
    if (current.length > 0 && (current.length >= BATCH_FILES || chars + file.length + 3 > BATCH_CHARS)) {
      batches.push(current);
      current = [];
      chars = 0;
    }
    current.push(file);
    chars += file.length + 3;
  }
  if (current.length > 0) batches.push(current);
  return batches;
}

async function run(executable: string, tool: keyof typeof TOOLS, args: readonly string[]): Promise<void> {
  const result = await execa(executable, args, { reject: false, all: true });
  const command = [executable, ...args.slice(0, 6), ...(args.length > 6 ? [`… (${args.length - 6} more)`] : [])].join(' ');
  if (result.failed && result.exitCode === undefined) {
    if ((result as { code?: string }).code === 'ENOENT') throw new MissingToolError(tool, TOOLS[tool]);
    throw new CoverageToolError(tool, command, undefined, [result.shortMessage ?? String(result.message)]);
  }
  // An "%Error: …" line is a failure whatever the status says.
  const errors = (result.all ?? '').split('\n').filter((line) => line.startsWith('%Error'));
  if (result.exitCode !== 0 || errors.length > 0) {
    const output = (result.stderr || result.stdout || '').toString();
    const tail = (errors.length > 0 ? errors : output.split('\n')).filter((line) => line.trim() !== '').slice(-12);
    throw new CoverageToolError(tool, command, result.exitCode, tail);
  }
}

/** Every `*.dat` file under the given directories (recursively), sorted; `exclude` (e.g. the output directory) is skipped. */
export function collectCoverageFiles(directories: readonly string[], exclude: readonly string[] = []): string[] {
  const skipped = new Set(exclude.map((dir) => resolve(dir)));
  const found: string[] = [];
  const missing = directories.filter((dir) => !existsSync(dir) || !statSync(dir).isDirectory());
  if (missing.length > 0) throw new NoCoverageDataError(directories, missing);
  const walk = (dir: string): void => {
    if (skipped.has(resolve(dir))) return;
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (entry.isFile() && entry.name.endsWith('.dat')) found.push(resolve(path));
    }
  };
  for (const dir of directories) walk(dir);
  if (found.length === 0) throw new NoCoverageDataError(directories);
  return [...new Set(found)].sort();
}

/** Merges every `*.dat` under `directories` (several shards' or machines' build/coverage) into `outDir`; `outDir` itself is skipped. */
export async function mergeCoverageDirs(directories: readonly string[], outDir: string, options: CodeCoverageOptions = {}): Promise<CodeCoverageResult> {
  return mergeCodeCoverage(collectCoverageFiles(directories, [outDir]), outDir, options);
}

const KIND_ORDER = ['line', 'branch', 'toggle', 'user'];

function kindsOf(summary: CodeCoverageSummary): string[] {
  const present = Object.keys(summary.kinds).filter((kind) => summary.kinds[kind] !== undefined);
  return [...KIND_ORDER.filter((kind) => present.includes(kind)), ...present.filter((kind) => !KIND_ORDER.includes(kind)).sort()];
}

function cell(counted: CoverageCount | undefined): string {
  if (!counted || counted.total === 0) return '-';
  return `${counted.percent.toFixed(1)}% ${counted.hit}/${counted.total}`;
}

function shortPath(file: string): string {
  const inRepo = relative(repoRoot, file);
  return inRepo.startsWith('..') ? file : inRepo;
}

export interface FormatCoverageOptions {
  /** A table per source file instead of per module. */
  files?: boolean;
  /** At most this many holes listed (default 40). */
  holes?: number;
}

/** The summary for the terminal: totals per kind, a table per module (or file), and the user cover points never hit. */
export function formatCodeCoverage(summary: CodeCoverageSummary, options: FormatCoverageOptions = {}): string {
  const kinds = kindsOf(summary);
  const groupRows = (groups: CodeCoverageSummary['modules'], name: (group: string) => string) =>
    groups.map((group) => [name(group.name), ...kinds.map((kind) => cell((group.kinds as KindCounts)[kind]))]);
  const parts = [
    `code coverage, ${summary.inputs} run${summary.inputs === 1 ? '' : 's'} merged`,
    formatTable(['kind', 'hit', 'total', 'percent'], kinds.map((kind) => {
      const counted = summary.kinds[kind]!;
      return [kind, counted.hit, counted.total, counted.total === 0 ? '-' : `${counted.percent.toFixed(1)}%`];
    })),
    '',
    options.files
      ? `per file\n${formatTable(['file', ...kinds], groupRows(summary.files, shortPath))}`
      : `per module (all variants and instances)\n${formatTable(['module', ...kinds], groupRows(summary.modules, (name) => name))}`,
  ];
  const userTotal = summary.kinds.user.total;
  if (userTotal > 0) {
    const limit = options.holes ?? 40;
    const listed = summary.holes.slice(0, limit).map((hole) => `  ${hole.hierarchy}  (${shortPath(hole.file)}:${hole.line})`);
    if (summary.holes.length > limit) listed.push(`  … and ${summary.holes.length - limit} more`);
    parts.push('', summary.holes.length === 0
      ? `every user cover point was hit (${userTotal})`
      : `user cover points never hit: ${summary.holes.length} of ${userTotal}\n${listed.join('\n')}`);
  }
  return parts.join('\n');
}
