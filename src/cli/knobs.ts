// The `make sim` knobs, read from the environment (the Makefile forwards
// SEED=, SEEDS=, OPS=, TEST=, WAVES=, COVERAGE=, SHARD=, REPORT_DIR= as
// MIRRORSIM_*).
import { availableParallelism } from 'node:os';
import { join, resolve } from 'node:path';
import { buildDir } from '../build/paths.js';

/** `SHARD=i/n`: this machine runs the seeds at positions i-1, i-1+n, i-1+2n, … of the whole list. */
export interface Shard {
  index: number;
  count: number;
}

export interface SimKnobs {
  /** The whole regression's seeds, before sharding: a seed's position picks its scenario. */
  seeds: number[];
  /** The positions in `seeds` this run executes (all of them unless sharded). */
  positions: number[];
  shard: Shard | undefined;
  /** Where results.json, junit.xml, report.html, failure waves and coverage files go. */
  reportDir: string;
  ops: number;
  test: string | undefined;
  coverage: boolean;
  /** Build parameters (undefined: the RTL default). */
  pageBytes: number | undefined;
  frames: number | undefined;
  /** Seeds run at once, each in its own worker process and simulator (JOBS=, default: the cores). */
  jobs: number;
}

function integer(name: string, fallback: number, min: number): number {
  const text = process.env[name];
  if (text === undefined || text === '') return fallback;
  const value = Number(text);
  if (!Number.isSafeInteger(value) || value < min) {
    throw new RangeError(`${name.replace('MIRRORSIM_', '')}=${text} must be an integer >= ${min}`);
  }
  return value;
}

function optionalPowerOfTwo(name: string, min: number, max: number): number | undefined {
  if (!process.env[name]) return undefined;
  const value = integer(name, min, min);
  if (value > max || (value & (value - 1)) !== 0) throw new RangeError(`${name.replace('MIRRORSIM_', '')}=${value} must be a power of two in [${min}, ${max}]`);
  return value;
}

export function parseShard(text: string | undefined): Shard | undefined {
  if (text === undefined || text === '') return undefined;
  const match = /^(\d+)\/(\d+)$/.exec(text);
  const index = Number(match?.[1]);
  const count = Number(match?.[2]);
  if (!match || count < 1 || index < 1 || index > count) throw new RangeError(`SHARD=${text} must be i/n with 1 <= i <= n (e.g. SHARD=1/4)`);
  return { index, count };
}

/** The first seed of a sharded regression that names none: every shard draws the same list from it. */
export const SHARDED_FIRST_SEED = 1;

function defaultReportDir(shard: Shard | undefined, replayed: number | undefined): string {
  const name = shard ? `sim-shard${shard.index}of${shard.count}` : replayed !== undefined ? `sim-seed${replayed}` : 'sim';
  return join(buildDir, 'reports', name);
}

export function readKnobs(defaults: { seeds: number; ops: number }): SimKnobs {
  const seed = process.env.MIRRORSIM_SEED;
  const shard = parseShard(process.env.MIRRORSIM_SHARD);
  // SEED= alone replays one seed; a regression (sharded or not) runs the default count.
  const replay = Boolean(seed) && !shard && !process.env.MIRRORSIM_SEEDS;
  const count = integer('MIRRORSIM_SEEDS', replay ? 1 : defaults.seeds, 1);
  // Every shard must draw the same seed list: without SEED= they start at SHARDED_FIRST_SEED.
  const first = seed ? integer('MIRRORSIM_SEED', 1, 0) : shard ? SHARDED_FIRST_SEED : Math.floor(Math.random() * 0x7fff_ffff);
  const positions = Array.from({ length: count }, (_, i) => i).filter((i) => !shard || i % shard.count === shard.index - 1);
  // A replayed seed writes its own report, so the regression's report it came from stays.
  const reportDir = process.env.MIRRORSIM_REPORT_DIR ? resolve(process.env.MIRRORSIM_REPORT_DIR) : defaultReportDir(shard, replay ? first : undefined);
  return {
    seeds: Array.from({ length: count }, (_, i) => (first + i) >>> 0),
    positions,
    shard,
    reportDir,
    ops: integer('MIRRORSIM_OPS', defaults.ops, 1),
    test: process.env.MIRRORSIM_TEST || undefined,
    coverage: ['1', 'true', 'yes'].includes(process.env.MIRRORSIM_COVERAGE ?? ''),
    pageBytes: optionalPowerOfTwo('MIRRORSIM_PAGE_BYTES', 16, 4096),
    frames: optionalPowerOfTwo('MIRRORSIM_FRAMES', 2, 256),
    jobs: integer('MIRRORSIM_JOBS', availableParallelism(), 1),
  };
}
