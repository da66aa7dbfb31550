// Per-test seeds: printed with every test, and fixed by MIRRORSIM_SEED
// (`make test SEED=…`) to replay one.
import { basename, relative } from 'node:path';
import { repoRoot } from '../build/paths.js';

export function chooseSeed(): number {
  const fixed = process.env.MIRRORSIM_SEED;
  if (fixed !== undefined && fixed !== '') {
    const seed = Number(fixed);
    if (!Number.isSafeInteger(seed) || seed < 0 || seed > 0xffff_ffff) {
      throw new RangeError(`MIRRORSIM_SEED=${fixed} is not an integer in [0, 2^32)`);
    }
    return seed;
  }
  return Math.floor(Math.random() * 0x7fff_ffff);
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** The one command that replays a test with its seed and waveforms. */
export function replayCommand(file: string, testName: string, seed: number): string {
  const name = escapeRegExp(testName).replaceAll("'", "'\\''");
  return `make test TEST=${relative(repoRoot, file)} NAME='${name}' SEED=${seed} WAVES=1`;
}

/** A file-system-safe version of a test name, for waveform and coverage files. */
export function fileSafe(name: string): string {
  return name.replace(/[^A-Za-z0-9_.-]+/g, '_').replace(/^_+|_+$/g, '').slice(0, 100) || 'test';
}

/** Where a test's files go below a directory (waves, coverage): `<test file>/<test name>-seed<N>`. */
export function testStem(file: string, testName: string, seed: number): { dir: string; name: string } {
  return { dir: fileSafe(basename(file).replace(/\.test\.ts$/, '')), name: `${fileSafe(testName)}-seed${seed}` };
}
