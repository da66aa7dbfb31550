// The `make sim` knobs, read from the environment (the Makefile forwards
// SEED=, SEEDS=, OPS=, TEST=, WAVES=, COVERAGE=, SHARD=, REPORT_DIR= as
// MIRRORSIM_*).
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
  waves: boolean;
  coverage: boolean;
  /** Build parameters (undefined: the RTL default). */
  pageBytes: number | undefined;
  frames: number | undefined;
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

export function readKnobs(defaults: { seeds: number; ops: number }): SimKnobs {
  const seed = process.env.MIRRORSIM_SEED;
  const shard = parseShard(process.env.MIRRORSIM_SHARD);
  // Every shard must draw the same seed list, so a sharded run names its first seed.
  if (shard && !seed) throw new RangeError(`SHARD=${shard.index}/${shard.count} needs SEED= (the first seed of the whole regression), so that every shard runs part of the same seed list`);
  const count = integer('MIRRORSIM_SEEDS', seed && !shard ? 1 : defaults.seeds, 1);
  const first = seed ? integer('MIRRORSIM_SEED', 1, 0) : Math.floor(Math.random() * 0x7fff_ffff);
  const positions = Array.from({ length: count }, (_, i) => i).filter((i) => !shard || i % shard.count === shard.index - 1);
  const reportDir = process.env.MIRRORSIM_REPORT_DIR ? resolve(process.env.MIRRORSIM_REPORT_DIR) : join(buildDir, 'reports', shard ? `sim-shard${shard.index}of${shard.count}` : 'sim');
  return {
    seeds: Array.from({ length: count }, (_, i) => (first + i) >>> 0),
    positions,
    shard,
    reportDir,
    ops: integer('MIRRORSIM_OPS', defaults.ops, 1),
    test: process.env.MIRRORSIM_TEST || undefined,
    waves: ['1', 'true', 'yes'].includes(process.env.MIRRORSIM_WAVES ?? ''),
    coverage: ['1', 'true', 'yes'].includes(process.env.MIRRORSIM_COVERAGE ?? ''),
    pageBytes: optionalPowerOfTwo('MIRRORSIM_PAGE_BYTES', 16, 4096),
    frames: optionalPowerOfTwo('MIRRORSIM_FRAMES', 2, 256),
  };
}
