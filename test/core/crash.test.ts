// Process faults the RTL cannot report: the model aborting or dereferencing
// a null pointer (a buggy DPI function, a bug in generated code), and the
// host dying under a running simulator (no-leftovers.test.ts). Each fails within its timeout with
// a message that says which, and leaves no process and no socket file.
import { existsSync } from 'node:fs';
import { beforeAll, expect, test } from 'vitest';
import { crashDesign } from '../../src/build/design.js';
import { ensureModel } from '../../src/build/verilate.js';
import { SimulatorExitedError } from '../../src/errors.js';
import { Clock } from '../../src/sim/clock.js';
import { Simulator } from '../../src/sim/simulator.js';
import { ClockCycles } from '../../src/sim/triggers.js';

beforeAll(async () => {
  await ensureModel(crashDesign, { log: (line) => console.log(line) });
}, 20 * 60_000);

function alive(pid: number | undefined): boolean {
  if (pid === undefined) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

for (const [how, value, signal] of [['abort()', 1, 'SIGABRT'], ['a segmentation fault', 2, 'SIGSEGV']] as const) {
  test(`the model crashing with ${how} fails the run at once, naming ${signal} and the command, and is cleaned up`, async () => {
    const sim = await Simulator.start({ design: crashDesign, timeoutMs: 5000 });
    const pid = sim.pid;
    const socket = sim.connection.endpoint.slice('ipc://'.length);
    const t0 = performance.now();
    try {
      const error = await sim
        .runMain(async () => {
          new Clock(sim.dut.clk_i, 10, 'ns').start();
          await ClockCycles(sim.dut.clk_i, 5);
          sim.dut.crash_i.value = value;
          await ClockCycles(sim.dut.clk_i, 5);
        })
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(SimulatorExitedError);
      expect((error as SimulatorExitedError).signal).toBe(signal);
      expect((error as Error).message).toMatch(new RegExp(`simulator \\(pid ${pid}\\) killed by ${signal} during 'batch'`));
      expect(performance.now() - t0).toBeLessThan(3000);
    } finally {
      await sim.close();
    }
    expect(alive(pid)).toBe(false);
    expect(existsSync(socket)).toBe(false);
  }, 60_000);
}
