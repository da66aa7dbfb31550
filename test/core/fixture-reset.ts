// The fixture design's start: its clock running and two cycles of reset.
import { Clock } from '../../src/sim/clock.js';
import { ClockCycles } from '../../src/sim/triggers.js';

export async function clockAndReset(dut: any, clockNs = 10): Promise<void> {
  new Clock(dut.clk_i, clockNs, 'ns').start();
  dut.rst_ni.value = 0;
  await ClockCycles(dut.clk_i, 2);
  dut.rst_ni.value = 1;
}
