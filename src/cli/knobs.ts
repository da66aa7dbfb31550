// The `make sim` knobs, read from the environment (the Makefile forwards
// SEED=, SEEDS=, OPS=, TEST=, WAVES=, COVERAGE= as MIRRORSIM_*).

export interface SimKnobs {
  seeds: number[];
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

export function readKnobs(defaults: { seeds: number; ops: number }): SimKnobs {
  const seed = process.env.MIRRORSIM_SEED;
  const count = integer('MIRRORSIM_SEEDS', seed ? 1 : defaults.seeds, 1);
  const first = seed ? integer('MIRRORSIM_SEED', 1, 0) : Math.floor(Math.random() * 0x7fff_ffff);
  return {
    seeds: Array.from({ length: count }, (_, i) => (first + i) >>> 0),
    ops: integer('MIRRORSIM_OPS', defaults.ops, 1),
    test: process.env.MIRRORSIM_TEST || undefined,
    waves: ['1', 'true', 'yes'].includes(process.env.MIRRORSIM_WAVES ?? ''),
    coverage: ['1', 'true', 'yes'].includes(process.env.MIRRORSIM_COVERAGE ?? ''),
    pageBytes: optionalPowerOfTwo('MIRRORSIM_PAGE_BYTES', 16, 4096),
    frames: optionalPowerOfTwo('MIRRORSIM_FRAMES', 2, 256),
  };
}
