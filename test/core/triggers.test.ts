// Every trigger, and cocotb's scheduling rules, checked against simulation time.
import { expect, test } from 'vitest';
import { fixtureDesign } from '../../src/build/design.js';
import { ReadOnlyWriteError, SimTimeoutError, TaskCancelledError, WaitUntilTimeoutError } from '../../src/errors.js';
import { Clock } from '../../src/sim/clock.js';
import { Simulator } from '../../src/sim/simulator.js';
import { startSoon } from '../../src/sim/task.js';
import {
  ClockCycles,
  Combine,
  Edge,
  FallingEdge,
  First,
  NextTimeStep,
  ReadOnly,
  ReadWrite,
  RisingEdge,
  Timer,
  ValueChange,
  WaitUntil,
  withTimeout,
} from '../../src/sim/triggers.js';
import { simTest, startAndReset } from '../fixture.js';

simTest('RisingEdge and FallingEdge follow the generated clock exactly', async ({ sim, dut }) => {
  new Clock(dut.clk_i, 10, 'ns').start();
  await RisingEdge(dut.clk_i);
  const first = sim.time('ns');
  await RisingEdge(dut.clk_i);
  expect(sim.time('ns') - first).toBe(10);
  expect(await dut.clk_i.value).toBe(1n);
  await FallingEdge(dut.clk_i);
  expect(sim.time('ns') - first).toBe(15);
  expect(await dut.clk_i.value).toBe(0n);
  expect(() => RisingEdge(dut.cnt_count_o)).toThrow(/1-bit/);
});

simTest('a clock with a duty cycle and a phase', async ({ sim, dut }) => {
  new Clock(dut.clk_i, 20, 'ns', 0.25).start({ phase: 3 });
  await RisingEdge(dut.clk_i);
  expect(sim.time('ns')).toBe(3);
  await FallingEdge(dut.clk_i);
  expect(sim.time('ns')).toBe(8);
  await RisingEdge(dut.clk_i);
  expect(sim.time('ns')).toBe(23);
});

simTest('ValueChange (and its alias Edge) fires on every change of a multi-bit signal', async ({ dut }) => {
  await startAndReset(dut);
  dut.cnt_en_i.value = 1;
  const seen: bigint[] = [];
  for (let i = 0; i < 5; i++) {
    await (i % 2 === 0 ? ValueChange(dut.cnt_count_o) : Edge(dut.cnt_count_o));
    seen.push(await dut.cnt_count_o.value);
  }
  expect(seen).toEqual([1n, 2n, 3n, 4n, 5n]);
});

simTest('ClockCycles waits exactly N edges inside the simulator', async ({ sim, dut }) => {
  await startAndReset(dut);
  dut.cnt_en_i.value = 1;
  await RisingEdge(dut.clk_i);
  const start = sim.time('ns');
  const before = await dut.cnt_count_o.value;
  const runsBefore = sim.scheduler.counters.runs;
  await ClockCycles(dut.clk_i, 1000);
  expect(sim.time('ns') - start).toBe(10_000);
  expect(await dut.cnt_count_o.value).toBe((before + 1000n) % 256n);
  // One run, not one per cycle (a yield on a slow machine may add one).
  expect(sim.scheduler.counters.runs - runsBefore).toBeLessThanOrEqual(2);
  await ClockCycles(dut.clk_i, 2, false);
  expect(await dut.clk_i.value).toBe(0n);
});

simTest('Timer advances simulation time by exactly its amount', async ({ sim }) => {
  await Timer(123, 'ns');
  expect(sim.time('ns')).toBe(123);
  await Timer(7, 'step');
  expect(sim.time('step')).toBe(123_007);
  await Timer(0.5, 'us');
  expect(sim.time('ps')).toBe(623_007);
  expect(() => Timer(0, 'ns').then()).toThrow(/at least one simulator step/);
});

simTest('ReadOnly sees the settled step and refuses writes', async ({ sim, dut }) => {
  await startAndReset(dut);
  await RisingEdge(dut.clk_i);
  const edgeTime = sim.time();
  await ReadOnly();
  expect(sim.time()).toBe(edgeTime);
  expect(() => {
    dut.a_i.value = 1;
  }).toThrow(ReadOnlyWriteError);
  expect(await dut.clk_i.value).toBe(1n);
  // The bridge enforces the rule too.
  await expect(sim.connection.request('write', { sig: 'a_i', value: 1 })).rejects.toMatchObject({ code: 'readonly_phase' });
  await NextTimeStep();
  expect(sim.time()).toBeGreaterThan(edgeTime);
  dut.a_i.value = 1; // allowed again
});

simTest('writes made before ReadWrite are evaluated within the same time step', async ({ sim, dut }) => {
  await startAndReset(dut);
  await RisingEdge(dut.clk_i);
  const edgeTime = sim.time();
  dut.a_i.value = 20;
  dut.b_i.value = 22;
  await ReadWrite();
  expect(sim.time()).toBe(edgeTime);
  expect(await dut.sum_o.value).toBe(42n);
});

simTest('NextTimeStep wakes at the next scheduled event', async ({ sim, dut }) => {
  new Clock(dut.clk_i, 10, 'ns').start();
  await RisingEdge(dut.clk_i);
  const t = sim.time('ns');
  await NextTimeStep();
  expect(sim.time('ns')).toBe(t + 5);
});

simTest('the last write in a time step wins, and only it is seen', async ({ dut }) => {
  dut.a_i.value = 1;
  await Timer(1, 'ns');
  const seen: bigint[] = [];
  const watcher = startSoon(async () => {
    await ValueChange(dut.sum_o);
    seen.push(await dut.sum_o.value);
    await ValueChange(dut.sum_o);
    seen.push(await dut.sum_o.value);
  });
  await Timer(1, 'ns');
  dut.a_i.value = 2;
  dut.a_i.value = 3;
  dut.a_i.value = 7;
  await Timer(1, 'ns');
  dut.a_i.value = 9;
  await watcher;
  expect(seen).toEqual([7n, 9n]);
});

simTest('Combine waits for all; First for the earliest, withdrawing the rest', async ({ sim, dut }) => {
  new Clock(dut.clk_i, 10, 'ns').start({ startHigh: false });
  // Rising edges at 5, 15, 25, … ns.
  const [cycles, timer] = await Combine(ClockCycles(dut.clk_i, 2), Timer(32, 'ns'));
  expect([cycles, timer]).toEqual([undefined, undefined]);
  expect(sim.time('ns')).toBe(32);
  const winner = await First(Timer(100, 'ns').then(() => 'timer'), ClockCycles(dut.clk_i, 3).then(() => 'cycles'));
  expect(winner).toBe('cycles');
  expect(sim.time('ns')).toBe(55);
  // The withdrawn timer must not wake anything later.
  await Timer(200, 'ns');
  expect(sim.time('ns')).toBe(255);
});

simTest('withTimeout passes a trigger that comes in time and throws for one that does not', async ({ sim, dut }) => {
  await startAndReset(dut);
  await withTimeout(ClockCycles(dut.clk_i, 2), 50, 'ns');
  const start = sim.time('ns');
  await expect(withTimeout(ClockCycles(dut.clk_i, 10), 50, 'ns')).rejects.toBeInstanceOf(SimTimeoutError);
  expect(sim.time('ns') - start).toBe(50);
});

simTest('WaitUntil matches inside the simulator or answers timed out after its budget', async ({ dut }) => {
  await startAndReset(dut);
  dut.cnt_en_i.value = 1;
  const hit = await WaitUntil(dut.cnt_count_o, 20, { clock: dut.clk_i, budget: 100 });
  expect(hit.matched).toBe(true);
  expect(await dut.cnt_count_o.value).toBe(20n);
  const masked = await WaitUntil(dut.cnt_count_o, 0x30, { clock: dut.clk_i, budget: 100, mask: 0xf0 });
  expect(masked.matched).toBe(true);
  expect((await dut.cnt_count_o.value) & 0xf0n).toBe(0x30n);
  const miss = await WaitUntil(dut.cnt_wrap_o, 1, { clock: dut.clk_i, budget: 5 });
  expect(miss).toEqual({ matched: false, cycles: 5 });
  await expect(dut.u_counter.count_q.waitFor(7, { clock: dut.clk_i, budget: 3 })).rejects.toBeInstanceOf(WaitUntilTimeoutError);
});

simTest('tasks run concurrently and join with their results', async ({ dut }) => {
  await startAndReset(dut);
  const edges = startSoon(async () => {
    let count = 0;
    for (let i = 0; i < 10; i++) {
      await RisingEdge(dut.clk_i);
      count++;
    }
    return count;
  });
  const timer = startSoon(async () => {
    await Timer(45, 'ns');
    return 'timer done';
  });
  expect(await timer).toBe('timer done');
  expect(edges.done).toBe(false);
  expect(await edges).toBe(10);
});

simTest('a cancelled task stops at its next trigger', async ({ dut }) => {
  await startAndReset(dut);
  let reached = false;
  const task = startSoon(async () => {
    await ClockCycles(dut.clk_i, 100);
    reached = true;
  });
  await ClockCycles(dut.clk_i, 2);
  task.cancel();
  await expect(task).rejects.toBeInstanceOf(TaskCancelledError);
  await ClockCycles(dut.clk_i, 200);
  expect(reached).toBe(false);
});

test('an error in a background task fails the test that started it', async () => {
  const sim = await Simulator.start({ design: fixtureDesign });
  try {
    const run = sim.runMain(async () => {
      new Clock(sim.dut.clk_i, 10, 'ns').start();
      startSoon(async () => {
        await ClockCycles(sim.dut.clk_i, 3);
        throw new Error('checker saw a bad value');
      }, 'checker');
      await ClockCycles(sim.dut.clk_i, 50);
    });
    await expect(run).rejects.toThrow(/in task 'checker': checker saw a bad value/);
  } finally {
    await sim.close();
  }
});
