// The vitest fixture: `simTest('name', async ({ dut }) => { ... })` gets a
// fresh simulation of the design, its own printed seed, waveforms when
// WAVES=1, coverage when COVERAGE=1, and runs as cocotb's main test task.
import { basename, join } from 'node:path';
import { beforeAll, test, type TestContext } from 'vitest';
import { ensureModel } from '../build/verilate.js';
import type { Design } from '../build/design.js';
import { coverageDir, wavesDir } from '../build/paths.js';
import { Random } from '../sim/random.js';
import { Simulator, type SimulatorOptions } from '../sim/simulator.js';
import { chooseSeed, fileSafe, replayCommand } from './seed.js';

export interface SimFixtures {
  seed: number;
  random: Random;
  sim: Simulator;
  /** The design's hierarchy, as cocotb's `dut`. */
  dut: any;
}

export type SimTestContext = SimFixtures & TestContext;
export type SimTestBody = (context: SimTestContext) => Promise<void>;

export interface SimTestConfig {
  design: Design;
  /** Per-test vitest timeout in ms (default 60000). */
  timeoutMs?: number;
  /** More simulator options for every test. */
  simulator?: Omit<SimulatorOptions, 'design' | 'seed' | 'waves' | 'coverageFile'>;
}

function envFlag(name: string): boolean {
  const value = process.env[name];
  return value !== undefined && value !== '' && value !== '0';
}

export function createSimTest(config: SimTestConfig) {
  // Build (or find in the cache) before the file's tests start, so a first
  // build never eats into a test's own timeout.
  beforeAll(async () => {
    await ensureModel(config.design, { log: (line) => console.log(line) });
  }, 30 * 60_000);

  const withSim = test.extend<SimFixtures>({
    seed: [
      async ({ task }, use) => {
        const seed = chooseSeed();
        console.log(`[mirrorsim] ${task.name}: seed=${seed}`);
        await use(seed);
      },
      { auto: true },
    ],
    random: [async ({ seed }, use) => use(new Random(seed)), { auto: true }],
    sim: [
      async ({ seed, task, onTestFailed }, use) => {
        const file = task.file?.filepath ?? 'test';
        const stem = `${fileSafe(basename(file).replace(/\.test\.ts$/, ''))}/${fileSafe(task.name)}-seed${seed}`;
        const waves = envFlag('MIRRORSIM_WAVES') ? join(wavesDir, `${stem}.fst`) : undefined;
        const coverageFile = envFlag('MIRRORSIM_COVERAGE') ? join(coverageDir, `${stem}.dat`) : undefined;
        onTestFailed(() => {
          console.log(`[mirrorsim] FAILED ${task.name} with seed=${seed}; replay with waveforms:\n  ${replayCommand(file, task.name, seed)}`);
        });
        const sim = await Simulator.start({ ...config.simulator, design: config.design, seed, waves, coverageFile });
        try {
          await use(sim);
        } finally {
          await sim.close();
          if (waves) console.log(`[mirrorsim] waveform: ${waves}`);
        }
      },
      { auto: true },
    ],
    dut: [async ({ sim }, use) => use(sim.dut), { auto: true }],
  });

  // vitest reads which fixtures a test uses from its parameter's destructuring,
  // so the wrapper names them (and the built-in context fields it passes on).
  const wrap =
    (body: SimTestBody) =>
    ({ sim, dut, seed, random, task, expect, skip, onTestFailed, onTestFinished, signal, annotate }: SimTestContext): Promise<void> =>
      sim.runMain(
        () => body({ sim, dut, seed, random, task, expect, skip, onTestFailed, onTestFinished, signal, annotate } as SimTestContext),
        task.name,
      );

  const timeout = config.timeoutMs ?? 60_000;
  const simTest = (name: string, body: SimTestBody, timeoutMs = timeout) => withSim(name, wrap(body), timeoutMs);
  simTest.only = (name: string, body: SimTestBody, timeoutMs = timeout) => withSim.only(name, wrap(body), timeoutMs);
  simTest.skip = (name: string, body: SimTestBody, timeoutMs = timeout) => withSim.skip(name, wrap(body), timeoutMs);
  return simTest;
}
