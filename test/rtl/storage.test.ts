// The node's storage datapath (rtl/storage/): disk model, storage cache, local
// memory and DMA engine, on the two-node test top storage_tb_top.
import { beforeAll, expect } from 'vitest';
import { ensureModel } from '../../src/build/verilate.js';
import { ClockCycles } from '../../src/sim/triggers.js';
import { createSimTest } from '../../src/vitest/sim-test.js';
import {
  DEFAULT_PARAMS, Disk, Op, Status, StorageNode, randomPage, resetStorage, storageDesign,
} from './storage/storage-env.js';

const P = DEFAULT_PARAMS;
const design = storageDesign('storage', P);
const simTest = createSimTest({ design });

beforeAll(async () => {
  await ensureModel(design, { log: (line) => console.log(line) });
}, 20 * 60_000);

simTest('page-in from disk lands word-identical in the frame', async ({ sim, dut, random }) => {
  await resetStorage(dut);
  const disk = new Disk(sim, P);
  const a = await StorageNode.create(sim, 'a', P);
  const page = randomPage(random, P.PageWords);
  await disk.writeBlock(37, page);
  const { done, cycles } = await a.timed({ op: Op.PageIn, frame: 3, block: 37 });
  expect(done).toMatchObject({ op: Op.PageIn, frame: 3, status: Status.Ok });
  expect(await a.frame(3)).toEqual(page);
  console.log(`page-in miss: ${cycles} cycles`);
});
