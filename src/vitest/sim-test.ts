// The vitest fixture: `simTest('name', async ({ dut }) => { ... })` gets a
// fresh simulation of the design, its own printed seed, waveforms when
// WAVES=1 (and, when it fails, of its last cycles: see failure-waves.ts),
// coverage when COVERAGE=1, and runs as cocotb's main test task.
import { join } from 'node:path';
import { beforeAll, test, type TestContext } from 'vitest';
import { ensureModel } from '../build/verilate.js';
import type { Design } from '../build/design.js';
import { coverageDir } from '../build/paths.js';
import { collectFunctionalCoverage } from '../coverage/functional-registry.js';
import { Random } from '../sim/random.js';
import { Simulator, type SimulatorOptions } from '../sim/simulator.js';
import { chooseSeed, replayCommand, testStem } from './seed.js';
import type { SignalGroup } from '../waves/gtkw.js';
import { readWaveKnobs } from '../waves/knobs.js';
import { failureWaves, failureWavesSetup, failureWavesTimeoutMs, recordFor, testWavesStem, tracedRunSaveFile, type RunRecord } from './failure-waves.js';

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
  /** Clock period (ns) the WAVES_LAST cycles before a failure are counted in (default 10). */
  clockNs?: number;
  /** The save file's signal groups (default: the design's own, see src/waves/design-groups.ts). */
  waveGroups?: (signals: string[]) => SignalGroup[];
}

function envFlag(name: string): boolean {
  const value = process.env[name];
  return value !== undefined && value !== '' && value !== '0';
}

export function createSimTest(config: SimTestConfig) {
  // Build (or find in the cache) before the file's tests start, so a first
  // build never eats into a test's own timeout (with COVERAGE=1, the coverage build the tests run).
  beforeAll(async () => {
    await ensureModel(config.design, { coverage: envFlag('MIRRORSIM_COVERAGE'), log: (line) => console.log(line) });
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
        const { dir, name } = testStem(file, task.name, seed);
        const stem = join(dir, name);
        const knobs = readWaveKnobs();
        const traced = testWavesStem(file, task.name, seed);
        const waves = knobs.whole ? { file: join(traced.dir, `${traced.stem}.fst`), fromNs: knobs.fromNs, toNs: knobs.toNs } : undefined;
        const coverageFile = envFlag('MIRRORSIM_COVERAGE') ? join(coverageDir, `${stem}.dat`) : undefined;
        // And the functional coverage of whatever environment the test builds (it registers itself).
        const functional = coverageFile ? collectFunctionalCoverage(join(coverageDir, 'functional', `${stem}.json`)) : undefined;
        const wavesSetup = failureWavesSetup({ design: config.design, simulator: config.simulator, file, testName: task.name, seed, clockNs: config.clockNs, groups: config.waveGroups, tracedFile: waves?.file, knobs });
        let record: RunRecord | undefined;
        // Its own timeout: the re-run with waveforms must not die with the test's.
        onTestFailed(async () => {
          console.log(`[mirrorsim] FAILED ${task.name} with seed=${seed}; replay with waveforms:\n  ${replayCommand(file, task.name, seed)}`);
          if (record) await failureWaves(wavesSetup, record, task.timeout);
        }, failureWavesTimeoutMs(task.timeout));
        const sim = await Simulator.start({ ...config.simulator, design: config.design, seed, waves, coverageFile });
        record = recordFor(sim);
        try {
          await use(sim);
        } finally {
          record.closedAtNs = sim.time('ns');
          await sim.close();
          functional?.finish();
          // A failed test's save file gets the failure marker in onTestFailed.
          if (waves && task.result?.state !== 'fail') await tracedRunSaveFile(wavesSetup);
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
    ({ sim, dut, seed, random, task, expect, skip, onTestFailed, onTestFinished, signal, annotate }: SimTestContext): Promise<void> => {
      const context = { sim, dut, seed, random, task, expect, skip, onTestFailed, onTestFinished, signal, annotate } as SimTestContext;
      // Kept for the re-run with waveforms, should the test fail.
      const record = recordFor(sim);
      record.body = body;
      record.context = context;
      return sim.runMain(() => body(context), task.name).catch((error: unknown) => {
        if (record.closedAtNs === undefined) record.failedAtNs = sim.time('ns');
        throw error;
      });
    };

  const timeout = config.timeoutMs ?? 60_000;
  const simTest = (name: string, body: SimTestBody, timeoutMs = timeout) => withSim(name, wrap(body), timeoutMs);
  simTest.only = (name: string, body: SimTestBody, timeoutMs = timeout) => withSim.only(name, wrap(body), timeoutMs);
  simTest.skip = (name: string, body: SimTestBody, timeoutMs = timeout) => withSim.skip(name, wrap(body), timeoutMs);
  return simTest;
}
