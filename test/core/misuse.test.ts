// Host misuse, each with an error that names the mistake: a trigger made
// but never awaited, anything done after the simulation was closed or
// after the design finished it, a negative or fractional value, two
// simulators started on one endpoint. (Unknown signals, writes in ReadOnly
// and values too wide are in handles and triggers.)
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test } from 'vitest';
import { fixtureDesign } from '../../src/build/design.js';
import { EndpointInUseError, InvalidValueError, SimulationClosedError, SimulationFinishedError, UnawaitedTriggerError } from '../../src/errors.js';
import { Clock } from '../../src/sim/clock.js';
import { Simulator } from '../../src/sim/simulator.js';
import { ClockCycles, Combine, First, FallingEdge, RisingEdge, Timer, withTimeout } from '../../src/sim/triggers.js';

async function withSim(body: (sim: Simulator) => Promise<void>): Promise<void> {
  const sim = await Simulator.start({ design: fixtureDesign });
  try {
    await body(sim);
  } finally {
    await sim.close();
  }
}

test('a test body that forgets to await a trigger fails, naming the trigger', async () => {
  await withSim(async (sim) => {
    const forgetful = sim.runMain(async () => {
      new Clock(sim.dut.clk_i, 10, 'ns').start();
      await ClockCycles(sim.dut.clk_i, 2);
      RisingEdge(sim.dut.clk_i);
      ClockCycles(sim.dut.clk_i, 3);
      await ClockCycles(sim.dut.clk_i, 2);
    });
    const error = await forgetful.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UnawaitedTriggerError);
    expect((error as UnawaitedTriggerError).triggers).toEqual(['RisingEdge(clk_i)', 'ClockCycles(clk_i, 3)']);
    expect((error as Error).message).toMatch(/RisingEdge\(clk_i\), ClockCycles\(clk_i, 3\) were made but never awaited: .*write `await RisingEdge\(clk_i\)`/);
    // Handed to First, Combine or withTimeout, or kept and awaited later, a trigger is not forgotten.
    await sim.runMain(async () => {
      const later = FallingEdge(sim.dut.clk_i);
      await First(RisingEdge(sim.dut.clk_i), Timer(1000, 'ns'));
      await Combine(RisingEdge(sim.dut.clk_i), ClockCycles(sim.dut.clk_i, 2));
      await withTimeout(RisingEdge(sim.dut.clk_i), 100, 'ns');
      await later;
    });
  });
});

test('a negative, fractional or unsafe value is refused, naming the signal and the value; nothing is written', async () => {
  await withSim(async (sim) => {
    await sim.runMain(async () => {
      new Clock(sim.dut.clk_i, 10, 'ns').start();
      sim.dut.cnt_load_value_i.value = 5;
      await ClockCycles(sim.dut.clk_i, 1);
      for (const [value, reason] of [
        [-1, /cannot write -1 to cnt_load_value_i: negative value -1: signals are unsigned, write the two's complement explicitly/],
        [-3n, /cannot write -3 to cnt_load_value_i: negative value -3/],
        [1.5, /cannot write 1.5 to cnt_load_value_i: value 1.5 is not a non-negative safe integer/],
        [2 ** 60, /cannot write 1152921504606847000 to cnt_load_value_i: value 1152921504606847000 is not a non-negative safe integer: pass a bigint/],
        ['-0x1', /cannot write '-0x1' to cnt_load_value_i: '-0x1' is not a number/],
      ] as const) {
        let error: unknown;
        try {
          sim.dut.cnt_load_value_i.value = value;
        } catch (e) {
          error = e;
        }
        expect(error).toBeInstanceOf(InvalidValueError);
        expect(error).toMatchObject({ signal: 'cnt_load_value_i', value });
        expect((error as Error).message).toMatch(reason);
      }
      await expect(sim.memory('u_ram.mem_q').writeAll(0, [1n, -2n])).rejects.toThrow(/cannot write -2 to u_ram\.mem_q/);
      await ClockCycles(sim.dut.clk_i, 1);
      expect(await sim.dut.cnt_load_value_i.value).toBe(5n);
    });
  });
});

test('anything awaited, read or written after close() fails with SimulationClosedError', async () => {
  const sim = await Simulator.start({ design: fixtureDesign });
  await sim.runMain(async () => {
    new Clock(sim.dut.clk_i, 10, 'ns').start();
    await ClockCycles(sim.dut.clk_i, 2);
  });
  await sim.close();
  for (const [what, act] of [
    ['await', () => RisingEdge(sim.dut.clk_i).then(() => undefined)],
    ['read', () => sim.dut.a_i.value],
    ['write', () => sim.runMain(async () => { sim.dut.a_i.value = 1; await ClockCycles(sim.dut.clk_i, 1); })],
    ['runMain', () => sim.runMain(async () => undefined)],
  ] as const) {
    const error = await Promise.resolve().then(act).catch((e: unknown) => e);
    expect(error, what).toBeInstanceOf(SimulationClosedError);
    expect((error as Error).message, what).toMatch(/the simulation was closed \(Simulator.close\(\)\)/);
  }
});

test('awaiting after the design ended the simulation ($finish) fails with how it ended', async () => {
  await withSim(async (sim) => {
    const ended = sim.runMain(async () => {
      new Clock(sim.dut.clk_i, 10, 'ns').start();
      sim.dut.finish_i.value = 1;
      await ClockCycles(sim.dut.clk_i, 3).catch(() => undefined);
      // The mistake: going on as if nothing happened.
      await ClockCycles(sim.dut.clk_i, 3);
    });
    const error = await ended.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SimulationFinishedError);
    expect(error).toMatchObject({ kind: 'finish' });
  });
});

test('a second simulator started on the endpoint of a running one is refused, naming the endpoint; the first keeps its socket and runs on', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'mirrorsim-endpoint-'));
  const endpoint = `ipc://${join(dir, 'shared.sock')}`;
  try {
    const first = await Simulator.start({ design: fixtureDesign, endpoint });
    try {
      await first.runMain(async () => {
        new Clock(first.dut.clk_i, 10, 'ns').start();
        await ClockCycles(first.dut.clk_i, 5);
      });
      const started = Date.now();
      const error = await Simulator.start({ design: fixtureDesign, endpoint }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(EndpointInUseError);
      expect(error).toMatchObject({ endpoint });
      expect((error as Error).message).toMatch(/cannot listen on ipc:\/\/.*shared\.sock: another simulator is listening on it/);
      expect(Date.now() - started).toBeLessThan(5000);
      // ZeroMQ alone would have unlinked the first one's socket and bound anew.
      expect(existsSync(join(dir, 'shared.sock'))).toBe(true);
      const before = first.time('ns');
      await first.runMain(async () => {
        await ClockCycles(first.dut.clk_i, 5);
      });
      expect(first.time('ns') - before).toBe(50);
    } finally {
      await first.close();
    }
    // Its own socket file is removed with it; the endpoint can then be used again.
    expect(existsSync(join(dir, 'shared.sock'))).toBe(false);
    const again = await Simulator.start({ design: fixtureDesign, endpoint });
    await again.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a socket file left behind by a simulator that died (nobody listening) is bound over; a tcp port in use is refused', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'mirrorsim-endpoint-'));
  try {
    const stale = join(dir, 'stale.sock');
    writeFileSync(stale, '');
    const sim = await Simulator.start({ design: fixtureDesign, endpoint: `ipc://${stale}` });
    await sim.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  try {
    const error = await Simulator.start({ design: fixtureDesign, endpoint: `tcp://127.0.0.1:${port}` }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(EndpointInUseError);
    expect(error).toMatchObject({ endpoint: `tcp://127.0.0.1:${port}` });
  } finally {
    server.close();
  }
});
