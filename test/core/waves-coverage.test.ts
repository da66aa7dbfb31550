// Waveforms and coverage on request: an FST file of the run, and Verilator's
// coverage data written by the bridge.
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { fixtureDesign } from '../../src/build/design.js';
import { ensureModel } from '../../src/build/verilate.js';
import { Simulator } from '../../src/sim/simulator.js';
import { ClockCycles } from '../../src/sim/triggers.js';
import { clockAndReset } from './fixture-reset.js';

const dir = mkdtempSync(join(tmpdir(), 'mirrorsim-waves-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function countFor(sim: Simulator, cycles: number): Promise<void> {
  await sim.runMain(async () => {
    const dut = sim.dut;
    await clockAndReset(dut);
    dut.cnt_en_i.value = 1;
    await ClockCycles(dut.clk_i, cycles);
  });
}

beforeAll(async () => {
  await ensureModel(fixtureDesign, { coverage: true, log: console.log });
}, 30 * 60_000);

test('waves: an FST file of the run, and trace_stop closes it', async () => {
  const file = join(dir, 'run.fst');
  const sim = await Simulator.start({ design: fixtureDesign, waves: file });
  try {
    await countFor(sim, 200);
  } finally {
    await sim.close();
  }
  expect(existsSync(file)).toBe(true);
  // An FST file starts with a header block (type 0) and is far larger than a header alone.
  const bytes = readFileSync(file);
  expect(bytes[0]).toBe(0);
  expect(statSync(file).size).toBeGreaterThan(500);
});

test('coverage: a model built with coverage writes Verilator coverage data', async () => {
  const file = join(dir, 'coverage.dat');
  const sim = await Simulator.start({ design: fixtureDesign, coverageFile: file });
  expect(sim.info.features.coverage).toBe(true);
  try {
    await countFor(sim, 50);
  } finally {
    await sim.close();
  }
  const text = readFileSync(file, 'utf8');
  expect(text).toMatch(/^# SystemC::Coverage-3/);
  expect(text).toMatch(/counter\.sv/);
});

test('coverage on a model built without it is refused clearly', async () => {
  const sim = await Simulator.start({ design: fixtureDesign });
  try {
    expect(sim.info.features.coverage).toBe(false);
    await expect(sim.connection.request('coverage_write', { file: join(dir, 'no.dat') })).rejects.toMatchObject({ code: 'unsupported' });
  } finally {
    await sim.close();
  }
});
