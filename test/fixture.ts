// The simTest every core test uses: a fresh simulation of the fixture design.
import { fixtureDesign } from '../src/build/design.js';
import { createSimTest } from '../src/vitest/sim-test.js';
import { Clock } from '../src/sim/clock.js';
import { ClockCycles } from '../src/sim/triggers.js';

export const simTest = createSimTest({ design: fixtureDesign });

/** Starts a 10 ns clock and holds reset for two cycles, as most tests begin. */
export async function startAndReset(dut: any, cycles = 2): Promise<void> {
  new Clock(dut.clk_i, 10, 'ns').start();
  dut.rst_ni.value = 0;
  await ClockCycles(dut.clk_i, cycles);
  dut.rst_ni.value = 1;
  await ClockCycles(dut.clk_i, 1);
}
