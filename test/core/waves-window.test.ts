// Waveform windows: `trace_start` with from/to (the host's `waves: { file,
// fromNs, toNs }`) dumps only that window of the run, and bad windows are
// refused naming the field, by the host and by the bridge.
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, test } from 'vitest';
import { fixtureDesign } from '../../src/build/design.js';
import { MissingToolError } from '../../src/errors.js';
import { Clock } from '../../src/sim/clock.js';
import { Simulator, type SimulatorOptions } from '../../src/sim/simulator.js';
import { Random } from '../../src/sim/random.js';
import { ClockCycles } from '../../src/sim/triggers.js';
import { saveFileForTrace } from '../../src/waves/failure-waves.js';
import { fstTimeRange, readFstHeader, readFstSignals } from '../../src/waves/fst-signals.js';
import { genericWaveGroups } from '../../src/waves/groups.js';
import { parseSaveFile, zoomFor } from '../../src/waves/gtkw.js';
import { WavesWindowError } from '../../src/waves/window.js';
import { readFstTimes } from '../fst-times.js';
import { clockAndReset } from './fixture-reset.js';

const dir = mkdtempSync(join(tmpdir(), 'mirrorsim-window-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const CLOCK_NS = 10;

/** Counts for `cycles` 10 ns cycles after reset; returns the count and when the run ended. */
async function count(waves: SimulatorOptions['waves'], cycles: number): Promise<{ count: number; endNs: number }> {
  const sim = await Simulator.start({ design: fixtureDesign, waves });
  try {
    const value = await sim.runMain(async () => {
      const dut = sim.dut;
      await clockAndReset(dut, CLOCK_NS);
      dut.cnt_en_i.value = 1;
      await ClockCycles(dut.clk_i, cycles);
      return Number(await dut.cnt_count_o.value);
    });
    return { count: value, endNs: sim.time('ns') };
  } finally {
    await sim.close();
  }
}

/**
 * Random words through the FIFO under the bridge's random back-pressure and
 * gaps: a run whose trace does not compress to nothing. Returns what came
 * out, when the run ended, and its wall time.
 */
async function traffic(waves: SimulatorOptions['waves'], words: number): Promise<{ out: bigint[]; endNs: number; ms: number }> {
  const sim = await Simulator.start({ design: fixtureDesign, waves, seed: 7 });
  try {
    const started = performance.now();
    const out = await sim.runMain(async () => {
      const dut = sim.dut;
      await clockAndReset(dut, CLOCK_NS);
      dut.cnt_en_i.value = 1;
      await ClockCycles(dut.clk_i, 1);
      const driver = await sim.streamDriver({ name: 'in', clock: dut.clk_i, valid: dut.in_valid_i, ready: dut.in_ready_o, data: [dut.in_data_i] }, { idleProb: 0.3 });
      const monitor = await sim.streamMonitor({ name: 'out', clock: dut.clk_i, valid: dut.out_valid_o, ready: dut.out_ready_i, data: [dut.out_data_o] }, { driveReady: 0.5 });
      const random = new Random(11);
      await driver.send(...Array.from({ length: words }, () => random.bits(32)));
      return (await monitor.collect(words)).map((item) => BigInt(item.data[0]!));
    });
    return { out, endNs: sim.time('ns'), ms: performance.now() - started };
  } finally {
    await sim.close();
  }
}

test('a windowed FST holds only the window, and is much smaller than the whole run', async () => {
  const words = 40_000;
  const whole = join(dir, 'whole.fst');
  const windowed = join(dir, 'window.fst');
  // From mid-cycle, to a clock edge: both edges of the window become time steps of their own.
  const fromNs = 300_005;
  const toNs = 320_000;
  const plain = await traffic(undefined, words);
  const all = await traffic(whole, words);
  const part = await traffic({ file: windowed, fromNs, toNs }, words);
  // Tracing, windowed or not, does not change what the design does.
  expect(all.out).toEqual(plain.out);
  expect(part.out).toEqual(plain.out);
  expect(all.endNs).toBe(plain.endNs);
  expect(part.endNs).toBe(plain.endNs);
  expect(plain.endNs).toBeGreaterThan(2 * toNs);

  const { timescale } = await readFstHeader(windowed);
  expect(timescale).toEqual({ magnitude: 1, exponent: -12 });
  const ps = (ns: number): number => ns * 1000;
  const times = await readFstTimes(windowed);
  expect(times.first).toBe(ps(fromNs));
  expect(times.last).toBe(ps(toNs));
  // Every clock edge of the window is in it: two per 10 ns cycle.
  expect(times.count).toBeGreaterThanOrEqual((2 * (toNs - fromNs)) / CLOCK_NS);
  const wholeTimes = await readFstTimes(whole);
  expect(wholeTimes.first).toBe(0);
  expect(wholeTimes.last).toBe(ps(plain.endNs));
  // The FST's own header says the same, and a save file without a window shows all of it.
  expect(fstTimeRange(windowed)).toEqual({ start: ps(fromNs), end: ps(toNs) });
  expect(fstTimeRange(whole)).toEqual({ start: 0, end: ps(plain.endNs) });
  const { gtkw } = await saveFileForTrace({ fst: windowed, groups: genericWaveGroups });
  const saved = parseSaveFile(readFileSync(gtkw, 'utf8'));
  expect(saved.timestart).toBe(ps(fromNs));
  expect(saved.zoom).toBeCloseTo(zoomFor(ps(toNs - fromNs)), 5);

  const wholeBytes = statSync(whole).size;
  const windowBytes = statSync(windowed).size;
  const cycles = plain.endNs / CLOCK_NS;
  console.log(`[waves] ${cycles} cycles: whole run ${wholeBytes} bytes, ${(toNs - fromNs) / CLOCK_NS}-cycle window ${windowBytes} bytes; wall ms: untraced ${plain.ms.toFixed(0)}, whole ${all.ms.toFixed(0)}, window ${part.ms.toFixed(0)}`);
  expect(windowBytes * 10).toBeLessThan(wholeBytes);
  // Both files describe the same signals.
  expect(await readFstSignals(windowed)).toEqual(await readFstSignals(whole));
}, 120_000);

test('a window the run never reaches leaves a valid FST with its signals and no values', async () => {
  const file = join(dir, 'late.fst');
  await count({ file, fromNs: 10_000_000 }, 100);
  expect((await readFstSignals(file)).length).toBeGreaterThan(50);
  // fst2vcd shows such a file as one time 0 with every value unknown.
  expect(await readFstTimes(file)).toMatchObject({ count: 1, known: 0 });
});

test('FST names are GTKWave\'s: scopes joined by dots, a vector\'s range without a space', async () => {
  const file = join(dir, 'names.fst');
  await count(file, 10);
  const names = await readFstSignals(file);
  expect(names).toContain('TOP.clk_i');
  expect(names).toContain('TOP.cnt_count_o[7:0]');
  expect(names).toContain('TOP.fixture_top.u_counter.count_q[7:0]');
  expect(names.filter((name) => /\s/.test(name))).toEqual([]);
  // A missing fst2vcd is named, with the package that has it.
  const path = process.env.PATH;
  process.env.PATH = join(dir, 'no-tools-here');
  try {
    await expect(readFstSignals(file)).rejects.toSatisfy((error) => error instanceof MissingToolError && error.tool === 'fst2vcd' && /gtkwave/.test(error.installHint));
  } finally {
    process.env.PATH = path;
  }
});

test('the host refuses bad windows before it starts anything, naming the field', async () => {
  const file = join(dir, 'bad.fst');
  const cases: Array<[unknown, string, RegExp]> = [
    [{ file, fromNs: 50, toNs: 20 }, 'SimulatorOptions.waves.toNs', /ends before SimulatorOptions.waves.fromNs \(50\)/],
    [{ file, toNs: -1 }, 'SimulatorOptions.waves.toNs', /negative/],
    [{ file, fromNs: -5 }, 'SimulatorOptions.waves.fromNs', /negative/],
    [{ file, fromNs: 'soon' }, 'SimulatorOptions.waves.fromNs', /finite number/],
    [{ file, toNs: Number.NaN }, 'SimulatorOptions.waves.toNs', /finite number/],
    [{ fromNs: 1 }, 'SimulatorOptions.waves.file', /file name/],
    ['', 'SimulatorOptions.waves', /file name/],
  ];
  for (const [waves, field, message] of cases) {
    const started = Simulator.start({ design: fixtureDesign, waves: waves as SimulatorOptions['waves'] });
    await expect(started).rejects.toBeInstanceOf(RangeError);
    await expect(started).rejects.toMatchObject({ name: 'WavesWindowError', field });
    await expect(started).rejects.toThrow(message);
  }
  expect(new WavesWindowError('x', 1, 'why')).toBeInstanceOf(RangeError);
});

test('the bridge refuses bad windows with bad_argument naming the field, and keeps serving', async () => {
  const sim = await Simulator.start({ design: fixtureDesign });
  try {
    const file = join(dir, 'raw.fst');
    const cases: Array<[Record<string, unknown>, string, RegExp]> = [
      [{ from: 100, to: 50 }, 'to', /'to' \(50\) is before 'from' \(100\)/],
      [{ from: -1 }, 'from', /at least 0/],
      [{ to: 'later' }, 'to', /must be an integer/],
      [{ from: 1.5 }, 'from', /must be an integer/],
    ];
    for (const [window, field, message] of cases) {
      await expect(sim.connection.request('trace_start', { file, ...window })).rejects.toMatchObject({ code: 'bad_argument', details: { field }, message: expect.stringMatching(message) });
    }
    await sim.runMain(async () => {
      new Clock(sim.dut.clk_i, CLOCK_NS, 'ns').start();
      await ClockCycles(sim.dut.clk_i, 10);
    });
    // A window that ended already cannot be traced.
    await expect(sim.connection.request('trace_start', { file, to: 10 })).rejects.toMatchObject({ code: 'bad_argument', details: { field: 'to' }, message: expect.stringMatching(/before the current time \(\d+\)/) });
    await sim.connection.request('ping');
  } finally {
    await sim.close();
  }
});
