// Waveforms for a failing simTest, without asking: the test runs again with
// the same seed, tracing only the last cycles before the failure, and the
// failure output ends with the FST, its GTKWave save file and the command
// that opens them. With WAVES=1 the run was traced already: only the save
// file is written. The re-run is bounded (it stops once the window has been
// traced, and after a wall-time cap), runs in vitest's onTestFailed hook with
// a timeout of its own (the test's timeout is spent by then), never re-runs
// itself, and at most MIRRORSIM_WAVES_RERUNS (default 3) tests of a file
// are re-run.
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Design } from '../build/design.js';
import { wavesDir } from '../build/paths.js';
import { Random } from '../sim/random.js';
import { Simulator, type SimulatorOptions } from '../sim/simulator.js';
import { waveGroupsFor } from '../waves/design-groups.js';
import { captureFailureWaves, failureWindow, saveFileForTrace, type WavesRequest } from '../waves/failure-waves.js';
import type { SignalGroup } from '../waves/gtkw.js';
import { readWaveKnobs, type WaveKnobs } from '../waves/knobs.js';
import { testStem } from './seed.js';
import type { SimTestBody, SimTestContext } from './sim-test.js';

export const DEFAULT_RERUNS_PER_FILE = 3;
/** Clock period the WAVES_LAST cycles are counted in, unless the config says otherwise (every design here runs at 10 ns). */
export const DEFAULT_CLOCK_NS = 10;
/** How often a re-run looks whether the simulation is past the trace window (the bridge answers at least every 500 ms). */
const WINDOW_POLL_MS = 50;

/** What the fixture and the test wrapper note about one test's run. */
export interface RunRecord {
  /** Sim time when the body failed (its runMain rejected), ns. */
  failedAtNs?: number;
  /** Sim time when the fixture closed the simulation (a timed-out body never failed on its own), ns. */
  closedAtNs?: number;
  body?: SimTestBody;
  context?: SimTestContext;
}

const records = new WeakMap<Simulator, RunRecord>();
let reruns = 0;

export function recordFor(sim: Simulator): RunRecord {
  let record = records.get(sim);
  if (!record) {
    record = {};
    records.set(sim, record);
  }
  return record;
}

/**
 * Where a test's waves go: build/waves/<test file>/<test name>-seed<N>.fst
 * (MIRRORSIM_WAVES_DIR= replaces build/waves).
 */
export function testWavesStem(file: string, testName: string, seed: number): { dir: string; stem: string } {
  const stem = testStem(file, testName, seed);
  return { dir: join(process.env.MIRRORSIM_WAVES_DIR || wavesDir, stem.dir), stem: stem.name };
}

export interface FailureWavesSetup {
  design: Design;
  simulator: Omit<SimulatorOptions, 'design' | 'seed' | 'waves' | 'coverageFile'> | undefined;
  file: string;
  testName: string;
  seed: number;
  clockNs: number;
  groups: (signals: string[]) => SignalGroup[];
  /** The FST of this run when WAVES=1 traced it. */
  tracedFile: string | undefined;
  knobs: WaveKnobs;
}

/** How long the onTestFailed hook may take: the re-run's wall cap plus closing and the save file. */
export function failureWavesTimeoutMs(testTimeoutMs: number): number {
  return rerunWallCapMs(testTimeoutMs) + 30_000;
}

function rerunWallCapMs(testTimeoutMs: number): number {
  return 3 * testTimeoutMs + 30_000;
}

function rerunsPerFile(): number {
  const text = process.env.MIRRORSIM_WAVES_RERUNS;
  if (text === undefined || text === '') return DEFAULT_RERUNS_PER_FILE;
  const value = Number(text);
  if (!Number.isSafeInteger(value) || value < 0) throw new RangeError(`MIRRORSIM_WAVES_RERUNS=${text} must be an integer >= 0`);
  return value;
}

function log(line: string): void {
  console.log(`[mirrorsim] ${line}`);
}

function printTrace(fst: string, gtkw: string, openCommand: string): void {
  // Last, so the failure output ends with them.
  log(`waveform: ${fst}`);
  log(`save file: ${gtkw}`);
  log(`open with: ${openCommand}`);
}

/** The test's first error message, as vitest recorded it. */
function firstErrorMessage(context: SimTestContext | undefined): string | undefined {
  return context?.task.result?.errors?.[0]?.message;
}

/** For a run WAVES=1 traced and that passed: the save file next to its FST, and how to open them. */
export async function tracedRunSaveFile(setup: FailureWavesSetup): Promise<void> {
  if (!setup.tracedFile) return;
  const saved = await saveFileForTrace({ fst: setup.tracedFile, groups: setup.groups, comments: [`${setup.testName} (${setup.file}), seed=${setup.seed}`] });
  printTrace(setup.tracedFile, saved.gtkw, saved.openCommand);
}

/** Called from the fixture's onTestFailed hook, after the simulation was closed. */
export async function failureWaves(setup: FailureWavesSetup, record: RunRecord, testTimeoutMs: number): Promise<void> {
  const failureNs = record.failedAtNs ?? record.closedAtNs;
  if (failureNs === undefined) return; // failed before the simulation ran
  const { knobs } = setup;
  const { dir, stem } = testWavesStem(setup.file, setup.testName, setup.seed);
  const window = failureWindow({ failureNs, windowCycles: knobs.lastCycles, clockNs: setup.clockNs, fromNs: knobs.fromNs, toNs: knobs.toNs });
  const comments = [`${setup.testName} (${setup.file}), seed=${setup.seed}`, `error: ${(firstErrorMessage(record.context) ?? '?').split('\n')[0]}`];
  if (setup.tracedFile) {
    const saved = await saveFileForTrace({ fst: setup.tracedFile, groups: setup.groups, markerNs: failureNs, windowNs: window, comments: [...comments, `failure at ${failureNs} ns (marker A)`] });
    printTrace(setup.tracedFile, saved.gtkw, saved.openCommand);
    return;
  }
  if (!knobs.rerun || !record.body || !record.context) return;
  const limit = rerunsPerFile();
  if (reruns >= limit) {
    log(`not re-run with waveforms: ${limit} failing test(s) of this file were already (MIRRORSIM_WAVES_RERUNS=); use the replay command above`);
    return;
  }
  reruns++;
  const body = record.body;
  const original = record.context;
  const originalMessage = firstErrorMessage(original);
  log(`re-running '${setup.testName}' with seed=${setup.seed}, tracing ${window[0]}-${window[1]} ns (the failure was at ${failureNs} ns)`);
  const capMs = rerunWallCapMs(testTimeoutMs);
  const waves = await captureFailureWaves({
    dir,
    stem,
    failureNs,
    windowCycles: knobs.lastCycles,
    clockNs: setup.clockNs,
    fromNs: knobs.fromNs,
    toNs: knobs.toNs,
    groups: setup.groups,
    comments,
    rerun: async (request) => {
      const outcome = await rerun(setup, body, original, request, capMs);
      const reproduced = outcome.kind === 'failed' && outcome.message === originalMessage && outcome.atNs === failureNs;
      log(`re-run ${describeOutcome(outcome)}${reproduced ? ': the same failure at the same time' : outcome.kind === 'failed' ? ' (not the same failure: the test is not deterministic, or its error names things that change)' : ''}`);
      return { reproduced };
    },
  });
  printTrace(waves.fst, waves.gtkw, waves.openCommand);
}

type Outcome = { kind: 'failed'; message: string; atNs: number } | { kind: 'passed' } | { kind: 'window-end'; atNs: number } | { kind: 'wall-cap'; ms: number };

function describeOutcome(outcome: Outcome): string {
  switch (outcome.kind) {
    case 'failed':
      return `failed at ${outcome.atNs} ns: ${outcome.message.split('\n')[0]}`;
    case 'passed':
      return 'passed';
    case 'window-end':
      return `reached the end of the trace window (${outcome.atNs} ns) and was stopped there`;
    case 'wall-cap':
      return `was stopped after ${Math.round(outcome.ms / 1000)} s of wall time`;
  }
}

/** Runs the test body once more, on a fresh simulation traced in `request`'s window, until it ends, the window ends, or `capMs` pass. */
async function rerun(setup: FailureWavesSetup, body: SimTestBody, original: SimTestContext, request: WavesRequest, capMs: number): Promise<Outcome> {
  const sim = await Simulator.start({ ...setup.simulator, design: setup.design, seed: setup.seed, waves: request });
  const cap = new AbortController();
  try {
    // The same context as the first run, with a fresh simulation and generator;
    // hooks and annotations of the test are over by now.
    const context: SimTestContext = {
      ...original,
      sim,
      dut: sim.dut,
      seed: setup.seed,
      random: new Random(setup.seed),
      signal: new AbortController().signal,
      onTestFailed: () => undefined,
      onTestFinished: () => undefined,
      annotate: (async (message: string) => ({ message, type: 'notice' })) as SimTestContext['annotate'],
    };
    const run = sim.runMain(() => body(context), setup.testName).then(
      (): Outcome => ({ kind: 'passed' }),
      (error: unknown): Outcome => ({ kind: 'failed', message: error instanceof Error ? error.message : String(error), atNs: sim.time('ns') }),
    );
    // Watched from outside, not with a Timer: a trigger of its own would let the
    // simulation advance while the body waits on something else, which the
    // first run did not do.
    const windowEnd = (async (): Promise<Outcome> => {
      while (sim.time('ns') < request.toNs) await sleep(WINDOW_POLL_MS, undefined, { signal: cap.signal });
      return { kind: 'window-end', atNs: sim.time('ns') };
    })();
    return await Promise.race([run, windowEnd, sleep(capMs, undefined, { signal: cap.signal }).then((): Outcome => ({ kind: 'wall-cap', ms: capMs }))]);
  } finally {
    cap.abort();
    await sim.close();
  }
}

/** The knobs and groups a simTest config gives, for failureWaves(). */
export function failureWavesSetup(options: Omit<FailureWavesSetup, 'knobs' | 'groups' | 'clockNs'> & { clockNs?: number; groups?: (signals: string[]) => SignalGroup[]; knobs?: WaveKnobs }): FailureWavesSetup {
  return { ...options, clockNs: options.clockNs ?? DEFAULT_CLOCK_NS, groups: options.groups ?? waveGroupsFor, knobs: options.knobs ?? readWaveKnobs() };
}
