// Bad input and bad simulators: each gives a clear error within a timeout,
// and leaves no process or socket file behind.
import { existsSync } from 'node:fs';
import { expect, test } from 'vitest';
import { fixtureDesign } from '../../src/build/design.js';
import { SimulationFinishedError, SimulatorExitedError, SimulatorTimeoutError } from '../../src/errors.js';
import { Clock } from '../../src/sim/clock.js';
import { Simulator } from '../../src/sim/simulator.js';
import { ClockCycles } from '../../src/sim/triggers.js';
import { simTest, startAndReset } from '../fixture.js';

function processExists(pid: number | undefined): boolean {
  if (pid === undefined) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

function socketFile(sim: Simulator): string {
  return sim.connection.endpoint.slice('ipc://'.length);
}

simTest('malformed and unknown requests get error answers, and the bridge keeps serving', async ({ sim }) => {
  const cases: Array<[string, string]> = [
    ['this is not json', 'malformed'],
    ['[1, 2, 3]', 'malformed'],
    ['{"cmd": 5}', 'malformed'],
    ['{"id": 1}', 'malformed'],
    ['', 'malformed'],
    ['{"cmd": "reed", "sig": "a_i"}', 'unknown_command'],
    ['{"cmd": "read"}', 'bad_argument'],
    ['{"cmd": "read", "sig": 3.5}', 'bad_argument'],
    ['{"cmd": "write", "sig": "a_i", "value": -1}', 'bad_argument'],
    ['{"cmd": "write", "sig": "a_i", "value": "0xzz"}', 'bad_argument'],
    ['{"cmd": "write", "sig": "a_i", "value": 1, "mode": "shove"}', 'bad_argument'],
    ['{"cmd": "write", "sig": "a_i", "value": 1e300}', 'bad_argument'],
    ['{"cmd": "clock", "sig": "clk_i", "period": 1}', 'bad_argument'],
    ['{"cmd": "clock", "sig": "cnt_count_o", "period": 10}', 'bad_argument'],
    ['{"cmd": "arm", "triggers": [{"id": 1, "kind": "sometimes"}]}', 'bad_argument'],
    ['{"cmd": "batch", "cmds": [{"cmd": "batch", "cmds": []}]}', 'bad_argument'],
    ['{"cmd": "hello", "version": 99}', 'version_mismatch'],
    ['{"cmd": "run"}', 'nothing_to_run'],
  ];
  for (const [frame, code] of cases) {
    const reply = await sim.connection.requestRaw(frame);
    expect(reply.ok, frame).toBe(false);
    expect(reply.error?.code, frame).toBe(code);
    expect(reply.error?.message.length, frame).toBeGreaterThan(5);
  }
  const unknown = await sim.connection.requestRaw('{"cmd": "reed"}');
  expect(unknown.error?.candidates).toContain('read');
  const reply = await sim.connection.requestRaw('{"id": "x7", "cmd": "ping"}');
  expect(reply).toMatchObject({ id: 'x7', ok: true });
  // A trigger armed with nothing to drive time: the bridge says so instead of hanging.
  await sim.connection.request('arm', { triggers: [{ id: 1, kind: 'edge', sig: 'a_i', edge: 'any' }] });
  expect((await sim.connection.requestRaw('{"cmd": "run"}')).error?.code).toBe('stalled');
});

simTest('a batch runs in order and stops at the first failure', async ({ sim, dut }) => {
  const reply = await sim.connection.requestRaw(
    JSON.stringify({
      cmd: 'batch',
      cmds: [
        { cmd: 'write', sig: 'a_i', value: 5 },
        { cmd: 'write', sig: 'no_such', value: 1 },
        { cmd: 'write', sig: 'b_i', value: 6 },
      ],
    }),
  );
  expect(reply.ok).toBe(false);
  expect(reply.error).toMatchObject({ code: 'unknown_signal', index: 1 });
  expect((reply.results as unknown[]).length).toBe(2);
  expect(await dut.a_i.value).toBe(5n);
  expect(await dut.b_i.value).toBe(0n);
});

simTest('$fatal in the RTL fails the test with its file, line, time and message', async ({ dut }) => {
  await startAndReset(dut);
  dut.fatal_i.value = 1;
  const error = await ClockCycles(dut.clk_i, 5).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(SimulationFinishedError);
  const finished = error as SimulationFinishedError;
  expect(finished.file).toMatch(/sim_control\.sv$/);
  expect(finished.line).toBe(14);
  expect(finished.simTime).toBeGreaterThan(0n);
  expect(finished.message).toMatch(/fatal requested/);
  // Nothing more can run; the next wait fails the same way.
  await expect(ClockCycles(dut.clk_i, 1)).rejects.toBe(finished);
});

simTest('a failing assertion ($error) is reported like $fatal', async ({ dut }) => {
  await startAndReset(dut);
  dut.error_i.value = 1;
  const error = await ClockCycles(dut.clk_i, 5).catch((e: unknown) => e);
  expect(error).toBeInstanceOf(SimulationFinishedError);
  expect(error).toMatchObject({ line: 19 });
  expect((error as Error).message).toMatch(/error requested/);
});

simTest('$finish ends the simulation with kind finish', async ({ dut }) => {
  await startAndReset(dut);
  dut.finish_i.value = 1;
  const error = await ClockCycles(dut.clk_i, 5).catch((e: unknown) => e);
  expect(error).toBeInstanceOf(SimulationFinishedError);
  expect(error).toMatchObject({ kind: 'finish', line: 11 });
});

test('a simulator killed mid-test fails the test with how it died, and is cleaned up', async () => {
  const sim = await Simulator.start({ design: fixtureDesign });
  const pid = sim.pid;
  try {
    const run = sim.runMain(async () => {
      new Clock(sim.dut.clk_i, 10, 'ns').start();
      setTimeout(() => process.kill(pid!, 'SIGKILL'), 300);
      await ClockCycles(sim.dut.clk_i, 1_000_000_000);
    });
    const error = await run.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SimulatorExitedError);
    expect((error as SimulatorExitedError).signal).toBe('SIGKILL');
    expect((error as Error).message).toMatch(/killed by SIGKILL/);
  } finally {
    await sim.close();
  }
  expect(processExists(pid)).toBe(false);
  expect(existsSync(socketFile(sim))).toBe(false);
});

test('a hung simulator times out with a clear error and is killed', async () => {
  const sim = await Simulator.start({ design: fixtureDesign, timeoutMs: 1500 });
  const pid = sim.pid;
  const started = Date.now();
  try {
    const run = sim.runMain(async () => {
      new Clock(sim.dut.clk_i, 10, 'ns').start();
      setTimeout(() => process.kill(pid!, 'SIGSTOP'), 200);
      await ClockCycles(sim.dut.clk_i, 1_000_000_000);
    });
    const error = await run.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SimulatorTimeoutError);
    expect(error).toMatchObject({ timedOut: true, timeoutMs: 1500, pid });
    expect(Date.now() - started).toBeLessThan(8000);
  } finally {
    await sim.close();
  }
  expect(processExists(pid)).toBe(false);
  expect(existsSync(socketFile(sim))).toBe(false);
});

test('a simulator that cannot start fails with its output, not a hang', async () => {
  const sim = Simulator.start({ design: fixtureDesign, spinUs: -5 });
  const error = await sim.catch((e: unknown) => e);
  expect(error).toBeInstanceOf(SimulatorExitedError);
  expect((error as SimulatorExitedError).exitCode).toBe(2);
  expect((error as Error).message).toMatch(/spin-us/);
});

test('a body waiting on what a stopped task would have delivered ends with the simulation error, not a hang', async () => {
  const sim = await Simulator.start({ design: fixtureDesign });
  try {
    const started = performance.now();
    const outcome = await sim
      .runMain(async () => {
        await startAndReset(sim.dut);
        // A helper task would hand the body its result after 10 cycles; the design stops first.
        const handOver = new Promise<void>((resolve) => {
          void ClockCycles(sim.dut.clk_i, 10).then(resolve, () => undefined);
        });
        sim.dut.fatal_i.value = 1;
        await handOver;
      })
      .then(
        () => undefined,
        (error: unknown) => error,
      );
    expect(outcome).toBeInstanceOf(SimulationFinishedError);
    expect(performance.now() - started).toBeLessThan(10_000);
  } finally {
    await sim.close();
  }
}, 30_000);
