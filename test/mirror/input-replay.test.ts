// Input recording in the bridge and its replay on the model alone: a short
// seed replays to the very outputs the run ended with, a recording altered
// in one input value does not, and the commands refuse bad input.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { readInputRecording } from '../../src/bridge/input-recording.js';
import { ensureModel } from '../../src/build/verilate.js';
import { BridgeError } from '../../src/errors.js';
import { mirrorDesign } from '../../src/mirror/design.js';
import { runRegression } from '../../src/mirror/regression.js';
import { ReplayFailedError, replayHarness, replayRecording } from '../../src/mirror/replay.js';
import { findScenario } from '../../src/mirror/scenarios.js';
import { Clock } from '../../src/sim/clock.js';
import { Simulator } from '../../src/sim/simulator.js';
import { ClockCycles } from '../../src/sim/triggers.js';
import { chooseSeed } from '../../src/vitest/seed.js';

const dir = mkdtempSync(join(tmpdir(), 'mirrorsim-replay-'));
const recorded = join(dir, 'run.inputs');
let recordedEvals = 0;

beforeAll(async () => {
  await ensureModel(mirrorDesign(), { log: (line) => console.log(line) });
  await ensureModel(mirrorDesign(), { harness: replayHarness(), log: (line) => console.log(line) });
}, 30 * 60_000);

afterAll(() => rmSync(dir, { recursive: true, force: true }));

test('a recorded seed replays on the model alone to the outputs the run ended with', async () => {
  const seed = chooseSeed();
  console.log(`[mirrorsim] input replay: seed=${seed}`);
  const run = await runRegression({ scenario: findScenario('random')!, seed, ops: 12, recordInputs: recorded });
  const summary = run.bridge?.recording;
  expect(summary?.file).toBe(recorded);
  recordedEvals = summary!.evals;

  const recording = readInputRecording(readFileSync(recorded));
  expect(recording.top).toBe('mirror_top');
  expect(recording.evalsBefore).toBe(1);
  expect(recording.evals).toBe(recordedEvals);
  expect(recording.inputs.map((port) => port.name)).toContain('clk_i');
  expect(recording.outputs.map((port) => port.name)).toContain('a_link_up_o');
  // The first record holds every input; the link came up during the run.
  expect(recording.changes.filter((change) => change.eval === 0)).toHaveLength(recording.inputs.length);
  const linkUp = recording.outputs.findIndex((port) => port.name === 'a_link_up_o');
  expect(recording.finalOutputs[linkUp]![0]).toBe(1);

  const replay = await replayRecording(recorded);
  expect(replay.evals).toBe(recordedEvals);
  // Two evals per clock cycle, and the run's cycles are all there.
  expect(replay.cycles).toBeGreaterThanOrEqual(run.cycles);
  expect(replay.cycles).toBeLessThanOrEqual(recordedEvals / 2 + 1);
  expect(replay.simTime).toBe(recording.endTime);
  expect(replay.cyclesPerS).toBeGreaterThan(0);
}, 120_000);

test('a recording altered in one input value makes the replay report the first output that differs', async () => {
  expect(recordedEvals).toBeGreaterThan(0);
  const data = readFileSync(recorded);
  const recording = readInputRecording(data);
  const reset = recording.inputs.findIndex((port) => port.name === 'rst_ni');
  const release = recording.changes.filter((change) => change.input === reset).at(-1)!;
  // The reset's release, turned into keeping the system in reset.
  expect(data[release.offset]).toBe(1);
  data[release.offset] = 0;
  const altered = join(dir, 'altered.inputs');
  writeFileSync(altered, data);

  const failure = await replayRecording(altered).then(
    () => undefined,
    (error: unknown) => error,
  );
  expect(failure).toBeInstanceOf(ReplayFailedError);
  const error = failure as ReplayFailedError;
  expect(error.exitCode).toBe(1);
  expect(recording.outputs.map((port) => port.name)).toContain(error.port);
  expect(error.message).toContain(`output port '${error.port}'`);
}, 60_000);

test('record_inputs refuses a file it cannot write and a second recording; quit writes the trailer', async () => {
  const sim = await Simulator.start({ design: mirrorDesign() });
  const file = join(dir, 'quit.inputs');
  try {
    const unwritable = await sim.recordInputs(dir).then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(unwritable).toBeInstanceOf(BridgeError);
    expect((unwritable as BridgeError).code).toBe('bad_argument');
    expect((unwritable as BridgeError).details.field).toBe('file');
    expect((unwritable as BridgeError).message).toContain(dir);

    await sim.recordInputs(file);
    const twice = await sim.recordInputs(join(dir, 'other.inputs')).then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(twice).toBeInstanceOf(BridgeError);
    expect((twice as BridgeError).code).toBe('bad_argument');
    expect((twice as BridgeError).message).toContain(`already on (to '${file}')`);

    await sim.runMain(async () => {
      new Clock(sim.dut.clk_i, 10, 'ns').start();
      await ClockCycles(sim.dut.clk_i, 50);
    });
  } finally {
    await sim.close();
  }
  // No record_stop: quit finished the file, and the 50 cycles are in it
  // (the clock starts high: 50 rising edges are 99 toggles).
  const recording = readInputRecording(readFileSync(file));
  expect(recording.evals).toBeGreaterThanOrEqual(99);
  const replay = await replayRecording(file);
  expect(replay.evals).toBe(recording.evals);
  expect(replay.cycles).toBeGreaterThanOrEqual(50);
}, 60_000);
