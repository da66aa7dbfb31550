// inter_node_link: reliable, in-order, exactly-once delivery over a faulty
// wire; heartbeats, link-down detection and recovery (docs/rtl-link.md).
import { expect } from 'vitest';
import { createSimTest } from '../../src/vitest/sim-test.js';
import { LinkBench, linkDesign, BRINGUP_BOUND } from './link/bench.js';

const simTest = createSimTest({ design: linkDesign });

simTest('explore', async ({ sim, dut, random }) => {
  const bench = await LinkBench.start(sim, dut, random);
  const up = await bench.waitBothUp(1000);
  console.log('up after', up);
  expect(up).toBeGreaterThan(0);
  expect(up).toBeLessThanOrEqual(BRINGUP_BOUND);
  const ma = bench.makeMessages('a', 200);
  const mb = bench.makeMessages('b', 200);
  const t0 = bench.now();
  bench.send('a', ma);
  bench.send('b', mb);
  const rb = await bench.receive('b', 200, 20000);
  const ra = await bench.receive('a', 200, 20000);
  console.log('cycles', bench.now() - t0, rb.waited, ra.waited, await bench.stats());
  expect(rb.messages).toEqual(ma);
  expect(ra.messages).toEqual(mb);
});
