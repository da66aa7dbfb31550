// The node's storage datapath (rtl/storage/): disk model, storage cache, local
// memory and DMA engine, on the two-node test top storage_tb_top
// (test/fixtures/rtl/). Commands and completions move as whole stream
// transactions inside the simulator; disk and memories are checked through
// the backdoor. docs/rtl-storage.md describes the design.
import { beforeAll, expect } from 'vitest';
import { ensureModel } from '../../src/build/verilate.js';
import { ClockCycles } from '../../src/sim/triggers.js';
import { createSimTest } from '../../src/vitest/sim-test.js';
import {
  DEFAULT_PARAMS, Disk, Op, Status, StorageNode, collectWithin, cyclesBetween, randomPage, resetStorage, storageDesign, unpackDone,
  type Cmd, type StorageParams,
} from './storage/storage-env.js';
import { StorageModel } from './storage/storage-model.js';

const P = DEFAULT_PARAMS;
const design = storageDesign('storage', P);
const simTest = createSimTest({ design });

// 4 KiB pages: 1024 words. A small disk keeps the backdoor arrays short.
const P4K: StorageParams = { PageWords: 1024, Blocks: 16, Frames: 4, Lines: 4, Latency: 20, IdleDelay: 16 };
const design4k = storageDesign('storage4k', P4K);
const simTest4k = createSimTest({ design: design4k });

beforeAll(async () => {
  // Built here, not in the first test, so the build does not count against a test's timeout.
  await ensureModel(design, { log: (line) => console.log(line) });
  await ensureModel(design4k, { log: (line) => console.log(line) });
}, 20 * 60_000);

function zeros(n: number): bigint[] {
  return Array.from({ length: n }, () => 0n);
}

simTest('page-in from disk lands word-identical in the frame (a miss)', async ({ sim, dut, random }) => {
  await resetStorage(dut);
  const disk = new Disk(sim, P);
  const a = await StorageNode.create(sim, 'a', P);
  const page = randomPage(random, P.PageWords);
  const before = await a.frame(2);
  await disk.writeBlock(37, page);
  const { done, cycles } = await a.timed({ op: Op.PageIn, frame: 3, block: 37, tag: 0xa5 });
  expect(done).toMatchObject({ op: Op.PageIn, frame: 3, tag: 0xa5, status: Status.Ok });
  expect(await a.frame(3)).toEqual(page);
  expect(await a.frame(2)).toEqual(before);
  expect(await a.stats()).toMatchObject({ hits: 0, misses: 1 });
  // Latency + PageWords + 4: request, lookup, cut-through fill, completion.
  console.log(`[storage] page-in miss: ${cycles} cycles from command to completion`);
  expect(cycles).toBe(P.Latency + P.PageWords + 4);
});

simTest('destage: the cache holds the page dirty, the disk gets it later in the background', async ({ sim, dut, random }) => {
  await resetStorage(dut);
  dut.a_destage_en_i.value = 1;
  const disk = new Disk(sim, P);
  const a = await StorageNode.create(sim, 'a', P);
  const old = randomPage(random, P.PageWords);
  const fresh = randomPage(random, P.PageWords);
  await disk.writeBlock(50, old);
  await a.writeFrame(1, fresh);

  const { done, cycles } = await a.timed({ op: Op.Destage, frame: 1, block: 50 });
  expect(done).toMatchObject({ op: Op.Destage, frame: 1, status: Status.Ok });
  // Completed as soon as the cache held it: the disk has not seen it yet.
  expect(await disk.block(50)).toEqual(old);
  expect(await a.signal('clean_o').read()).toBe(0n);
  expect(await a.stats()).toMatchObject({ destaged: 0 });

  // Lazy: it waits until the cache has been quiet for IdleDelay cycles.
  await ClockCycles(dut.clk_i, P.IdleDelay);
  expect(await disk.block(50)).toEqual(old);
  const lazy = P.IdleDelay + (await a.signal('clean_o').waitFor(1, { clock: dut.clk_i, budget: 1_000 }));
  expect(await disk.block(50)).toEqual(fresh);
  expect(await a.stats()).toMatchObject({ destaged: 1 });
  // IdleDelay quiet cycles, then one disk write (its Latency runs from the request).
  expect(lazy).toBeGreaterThanOrEqual(P.IdleDelay + P.Latency);
  console.log(`[storage] destage: ${cycles} cycles to completion; clean ${lazy} cycles later`);
  expect(cycles).toBe(P.PageWords + 4);
});

simTest('flush writes every dirty line back; without it (background destage off) they stay dirty', async ({ sim, dut, random }) => {
  await resetStorage(dut);
  const disk = new Disk(sim, P);
  const a = await StorageNode.create(sim, 'a', P);
  const blocks = [60, 61, 90];
  const olds = blocks.map(() => randomPage(random, P.PageWords));
  const pages = blocks.map(() => randomPage(random, P.PageWords));
  for (const [i, b] of blocks.entries()) {
    await disk.writeBlock(b, olds[i]!);
    await a.writeFrame(i, pages[i]!);
  }
  const dones = await a.run(blocks.map((block, frame) => ({ op: Op.Destage, frame, block })));
  expect(dones.map((d) => d.status)).toEqual([Status.Ok, Status.Ok, Status.Ok]);

  await ClockCycles(dut.clk_i, 500);
  expect(await a.signal('clean_o').read()).toBe(0n);
  for (const [i, b] of blocks.entries()) expect(await disk.block(b)).toEqual(olds[i]);

  await a.pulse('flush_i');
  const cycles = await a.signal('clean_o').waitFor(1, { clock: dut.clk_i, budget: 1_000 });
  for (const [i, b] of blocks.entries()) expect(await disk.block(b)).toEqual(pages[i]);
  expect(await a.stats()).toMatchObject({ destaged: 3, misses: 0 });
  console.log(`[storage] flush of 3 dirty lines: ${cycles} cycles`);
});

simTest('read-ahead makes the next sequential page-ins hits', async ({ sim, dut, random }) => {
  await resetStorage(dut);
  const disk = new Disk(sim, P);
  const a = await StorageNode.create(sim, 'a', P);
  const pages = [0, 1, 2, 3].map(() => randomPage(random, P.PageWords));
  for (const [i, page] of pages.entries()) await disk.writeBlock(100 + i, page);

  const miss = await a.timed({ op: Op.PageIn, frame: 0, block: 100 });
  // Block 101 is read ahead in the background; wait until it is in.
  await a.signal('stat_readahead_o').waitFor(1, { clock: dut.clk_i, budget: 500 });
  const hit = await a.timed({ op: Op.PageIn, frame: 1, block: 101 });
  // That hit on a read-ahead line reads 102 ahead; ask for it at once, while it is still coming.
  const inflight = await a.timed({ op: Op.PageIn, frame: 2, block: 102 });
  const next = await a.timed({ op: Op.PageIn, frame: 3, block: 103 });
  for (const [i, page] of pages.entries()) expect(await a.frame(i)).toEqual(page);
  for (const r of [miss, hit, inflight, next]) expect(r.done.status).toBe(Status.Ok);

  const stats = await a.stats();
  expect(stats.misses).toBe(1);
  expect(stats.hits).toBe(3);
  expect(stats.readahead).toBeGreaterThanOrEqual(3);
  expect(hit.cycles).toBe(P.PageWords + 3);
  expect(hit.cycles).toBeLessThan(miss.cycles);
  expect(inflight.cycles).toBeLessThanOrEqual(miss.cycles);
  console.log(`[storage] page-in: miss ${miss.cycles}, hit ${hit.cycles}, hit on a read-ahead in flight ${inflight.cycles}, next ${next.cycles} cycles`);

  // A jump elsewhere is a miss again.
  await a.run([{ op: Op.PageIn, frame: 4, block: 7 }]);
  expect((await a.stats()).misses).toBe(2);
});

simTest('a page-in of a block that is dirty in the cache returns the newest data', async ({ sim, dut, random }) => {
  await resetStorage(dut);
  const disk = new Disk(sim, P);
  const a = await StorageNode.create(sim, 'a', P);
  const old = randomPage(random, P.PageWords);
  const fresh = randomPage(random, P.PageWords);
  await disk.writeBlock(70, old);
  await a.writeFrame(2, fresh);
  const dones = await a.run([
    { op: Op.Destage, frame: 2, block: 70 },
    { op: Op.PageIn, frame: 5, block: 70 },
  ]);
  expect(dones.map((d) => d.status)).toEqual([Status.Ok, Status.Ok]);
  expect(await a.frame(5)).toEqual(fresh);
  expect(await disk.block(70)).toEqual(old);
  expect(await a.stats()).toMatchObject({ hits: 1, misses: 0, destaged: 0 });
});

simTest('the other node\'s blocks: a line written for it (a takeover) is the newest copy until on disk, then dropped, so the owner\'s later writes are read', async ({ sim, dut, random }) => {
  await resetStorage(dut);
  const disk = new Disk(sim, P);
  const [a, b] = [await StorageNode.create(sim, 'a', P), await StorageNode.create(sim, 'b', P)];
  // Block 37 belongs to node A (top block bit 0). B writes it while serving
  // alone for A; while dirty, B reads its own newest copy.
  const fromB = randomPage(random, P.PageWords);
  await b.writeFrame(1, fromB);
  await b.run([{ op: Op.Destage, frame: 1, block: 37 }, { op: Op.PageIn, frame: 2, block: 37 }]);
  expect(await b.frame(2)).toEqual(fromB);
  expect(await b.stats()).toMatchObject({ hits: 1, misses: 0 });
  await b.pulse('flush_i');
  await b.signal('clean_o').waitFor(1, { clock: dut.clk_i, budget: 1_000 });
  expect(await disk.block(37)).toEqual(fromB);
  // A has it back and writes it through its own cache, to disk.
  const fromA = randomPage(random, P.PageWords);
  await a.writeFrame(0, fromA);
  await a.run([{ op: Op.Destage, frame: 0, block: 37 }]);
  await a.pulse('flush_i');
  await a.signal('clean_o').waitFor(1, { clock: dut.clk_i, budget: 1_000 });
  expect(await disk.block(37)).toEqual(fromA);
  // B kept no copy of A's block once it was on disk: its page-in reads A's.
  await b.run([{ op: Op.PageIn, frame: 3, block: 37 }]);
  expect(await b.frame(3)).toEqual(fromA);
  expect(await b.stats()).toMatchObject({ hits: 1, misses: 1 });
});

simTest('SEND produces exactly the frame\'s words, last on the final one, under back-pressure', async ({ sim, dut, random }) => {
  await resetStorage(dut);
  const a = await StorageNode.create(sim, 'a', P);
  const send = await sim.streamMonitor(
    { name: 'a_send', clock: dut.clk_i, valid: dut.a_send_valid_o, ready: dut.a_send_ready_i, data: [dut.a_send_data_o, dut.a_send_last_o] },
    { driveReady: 0.5 },
  );
  const page = randomPage(random, P.PageWords);
  await a.writeFrame(4, page);
  const [done] = await a.run([{ op: Op.Send, frame: 4 }]);
  expect(done).toMatchObject({ op: Op.Send, frame: 4, status: Status.Ok });
  const words = await send.drain();
  expect(words.map((w) => w.data[0])).toEqual(page);
  expect(words.map((w) => w.data[1])).toEqual([...zeros(P.PageWords - 1), 1n]);
  expect(done!.time > words[words.length - 1]!.time).toBe(true);
  // Back-pressure really happened, and nothing more comes out.
  expect(cyclesBetween(words[0]!.time, words[words.length - 1]!.time)).toBeGreaterThan(P.PageWords);
  await ClockCycles(dut.clk_i, 50);
  expect(await send.drain()).toEqual([]);
  expect(await a.frame(4)).toEqual(page);
});

simTest('RECEIVE lands a stream in a frame and completes only after the last word is there', async ({ sim, dut, random }) => {
  await resetStorage(dut);
  const a = await StorageNode.create(sim, 'a', P);
  const recv = await sim.streamDriver(
    { name: 'a_recv', clock: dut.clk_i, valid: dut.a_recv_valid_i, ready: dut.a_recv_ready_o, data: [dut.a_recv_data_i, dut.a_recv_last_i] },
    { idleProb: 0.3 },
  );
  const seen = await sim.streamMonitor({ name: 'a_recv_seen', clock: dut.clk_i, valid: dut.a_recv_valid_i, ready: dut.a_recv_ready_o, data: [dut.a_recv_data_i] });
  const page = randomPage(random, P.PageWords);
  a.send({ op: Op.Receive, frame: 6 });
  await recv.send(...page.slice(0, -1).map((w) => [w, 0n]));
  await ClockCycles(dut.clk_i, 100);
  // Everything but the last word has landed, and there is no completion yet.
  expect(await a.done.drain()).toEqual([]);
  expect((await a.frame(6)).slice(0, -1)).toEqual(page.slice(0, -1));
  recv.send([page[page.length - 1]!, 1n]);
  const [item] = await collectWithin(a.done, 1, 100);
  // Read at the completion's own clock edge: the data is already in memory.
  expect(await a.frame(6)).toEqual(page);
  const words = await seen.drain();
  expect(words.length).toBe(P.PageWords);
  expect(item!.time > words[words.length - 1]!.time).toBe(true);
  expect(Number(item!.data[0]! & 7n)).toBe(Status.Ok);
});

simTest('SEND on node A into RECEIVE on node B over the looped link mirrors a frame', async ({ sim, dut, random }) => {
  await resetStorage(dut);
  dut.link_loop_i.value = 1;
  const a = await StorageNode.create(sim, 'a', P);
  const b = await StorageNode.create(sim, 'b', P, { doneReady: 0.5 });
  const page = randomPage(random, P.PageWords);
  await a.writeFrame(1, page);
  b.send({ op: Op.Receive, frame: 5 });
  const [sent] = await a.run([{ op: Op.Send, frame: 1 }]);
  const [received] = (await collectWithin(b.done, 1, 200)).map((i) => Number(i.data[0]! & 7n));
  expect(sent!.status).toBe(Status.Ok);
  expect(received).toBe(Status.Ok);
  expect(await b.frame(5)).toEqual(page);
});

simTest('both nodes share the disk under random traffic and match a reference model', async ({ sim, dut, random }) => {
  await resetStorage(dut);
  // A destages in the background; B only on eviction and on the final flush.
  dut.a_destage_en_i.value = 1;
  const disk = new Disk(sim, P);
  const nodes = [
    await StorageNode.create(sim, 'a', P, { cmdIdle: 0.2, doneReady: 0.7 }),
    await StorageNode.create(sim, 'b', P, { cmdIdle: 0.2, doneReady: 0.7 }),
  ];
  const sends = await Promise.all(
    nodes.map((n) =>
      sim.streamMonitor(
        { name: `${n.prefix}_send`, clock: dut.clk_i, valid: n.signal('send_valid_o'), ready: n.signal('send_ready_i'), data: [n.signal('send_data_o'), n.signal('send_last_o')] },
        { driveReady: 0.6 },
      ),
    ),
  );

  const model = new StorageModel(P, 2);
  model.randomize(random);
  await disk.blocks.writeAll(0, model.disk);
  for (const [i, n] of nodes.entries()) await n.mem.writeAll(0, model.mem[i]!);

  // Each node owns a small range of blocks (more blocks than cache lines, so
  // lines are evicted), with runs of sequential page-ins for read-ahead.
  const ranges = [{ base: 10, count: 12 }, { base: 140, count: 12 }];
  const opsPerNode = 150;
  const programs = nodes.map((_, i) => model.randomProgram(random, i, ranges[i]!, opsPerNode));
  // In chunks with random pauses between them, so A's background destage
  // gets quiet time to run in, while B only writes back on eviction.
  const chunk = 30;
  for (let start = 0; start < opsPerNode; start += chunk) {
    for (const [i, n] of nodes.entries()) n.send(...programs[i]!.slice(start, start + chunk));
    for (const [i, n] of nodes.entries()) {
      const items = await collectWithin(n.done, chunk, 100_000);
      const expected = programs[i]!.slice(start, start + chunk).map((c) => ({ op: c.op, frame: c.frame, tag: c.tag, status: Status.Ok }));
      expect(items.map((item) => {
        const { time, ...done } = unpackDone(item);
        void time;
        return done;
      })).toEqual(expected);
    }
    await ClockCycles(dut.clk_i, random.int(1, 80));
  }

  for (const [i, mon] of sends.entries()) {
    const expectedPages = model.sent[i]!;
    const words = await mon.drain();
    expect(words.map((w) => w.data[0])).toEqual(expectedPages.flat());
    const lasts = words.flatMap((w, k) => (w.data[1] === 1n ? [k] : []));
    expect(lasts).toEqual(expectedPages.map((_, k) => (k + 1) * P.PageWords - 1));
  }

  for (const n of nodes) await n.pulse('flush_i');
  for (const n of nodes) await n.signal('clean_o').waitFor(1, { clock: dut.clk_i, budget: 5_000 });
  expect(await disk.blocks.readAll()).toEqual(model.disk);
  for (const [i, n] of nodes.entries()) expect(await n.mem.readAll()).toEqual(model.mem[i]);

  for (const [i, n] of nodes.entries()) {
    const stats = await n.stats();
    const pageIns = programs[i]!.filter((c) => c.op === Op.PageIn).length;
    expect(stats.hits + stats.misses).toBe(pageIns);
    expect(stats.hits).toBeGreaterThan(0);
    expect(stats.destaged).toBeGreaterThan(0);
    console.log(`[storage] random traffic, node ${n.prefix}: ${pageIns} page-ins, ${JSON.stringify(stats)}`);
  }
});

simTest('invalidate drops dirty lines without writing them back', async ({ sim, dut, random }) => {
  await resetStorage(dut);
  const disk = new Disk(sim, P);
  const a = await StorageNode.create(sim, 'a', P);
  const old = randomPage(random, P.PageWords);
  const fresh = randomPage(random, P.PageWords);
  await disk.writeBlock(80, old);
  await a.writeFrame(0, fresh);
  await a.run([{ op: Op.Destage, frame: 0, block: 80 }]);
  expect(await a.signal('clean_o').read()).toBe(0n);

  await a.pulse('invalidate_i');
  await ClockCycles(dut.clk_i, 2);
  expect(await a.signal('clean_o').read()).toBe(1n);
  expect(await a.signal('invalidating_o').read()).toBe(0n);
  await ClockCycles(dut.clk_i, 200);
  expect(await disk.block(80)).toEqual(old);
  expect((await a.stats()).destaged).toBe(0);
  // The cache no longer has it: the page-in misses and reads the disk's old page.
  const [done] = await a.run([{ op: Op.PageIn, frame: 3, block: 80 }]);
  expect(done!.status).toBe(Status.Ok);
  expect(await a.frame(3)).toEqual(old);
  expect(await a.stats()).toMatchObject({ hits: 0, misses: 1 });

  // An invalidate during a page-in waits for it: the page-in completes with
  // the right data, then the lines are dropped (the same block misses again).
  await ClockCycles(dut.clk_i, 100);  // the read-ahead of block 81 is done
  const page = randomPage(random, P.PageWords);
  await disk.writeBlock(90, page);
  a.send({ op: Op.PageIn, frame: 4, block: 90 });
  await ClockCycles(dut.clk_i, 10);
  await a.pulse('invalidate_i');
  expect(await a.signal('invalidating_o').read()).toBe(1n);
  const [late] = (await collectWithin(a.done, 1, 200)).map(unpackDone);
  expect(late!.status).toBe(Status.Ok);
  expect(await a.frame(4)).toEqual(page);
  await a.signal('invalidating_o').waitFor(0, { clock: dut.clk_i, budget: 200 });
  await a.run([{ op: Op.PageIn, frame: 5, block: 90 }]);
  expect(await a.frame(5)).toEqual(page);
  expect(await a.stats()).toMatchObject({ hits: 0, misses: 3 });
});

simTest('latencies: one word per cycle when nothing stalls', async ({ sim, dut, random }) => {
  await resetStorage(dut);
  const disk = new Disk(sim, P);
  const a = await StorageNode.create(sim, 'a', P);
  await sim.streamMonitor(
    { name: 'a_send', clock: dut.clk_i, valid: dut.a_send_valid_o, ready: dut.a_send_ready_i, data: [dut.a_send_data_o] },
    { driveReady: 1 },
  );
  const recv = await sim.streamDriver({ name: 'a_recv', clock: dut.clk_i, valid: dut.a_recv_valid_i, ready: dut.a_recv_ready_o, data: [dut.a_recv_data_i, dut.a_recv_last_i] });
  await a.mem.writeAll(0, randomPage(random, P.Frames * P.PageWords));
  const t: Record<string, number> = {};
  t.pageInMiss = (await a.timed({ op: Op.PageIn, frame: 0, block: 40 })).cycles;
  await ClockCycles(dut.clk_i, 100);  // the read-ahead of block 41 is in
  t.pageInHit = (await a.timed({ op: Op.PageIn, frame: 1, block: 41 })).cycles;
  t.destage = (await a.timed({ op: Op.Destage, frame: 2, block: 60 })).cycles;
  // Four dirty lines: the next destage first writes the least recently used one back.
  for (const block of [61, 62, 63]) await a.run([{ op: Op.Destage, frame: 3, block }]);
  expect(await a.stats()).toMatchObject({ destaged: 0 });
  t.destageEvicting = (await a.timed({ op: Op.Destage, frame: 4, block: 64 })).cycles;
  expect(await a.stats()).toMatchObject({ destaged: 1 });
  expect(await disk.block(60)).toEqual(await a.frame(2));
  t.send = (await a.timed({ op: Op.Send, frame: 5 })).cycles;
  recv.send(...randomPage(random, P.PageWords).map((w, i) => [w, i === P.PageWords - 1 ? 1n : 0n]));
  t.receive = (await a.timed({ op: Op.Receive, frame: 6 })).cycles;
  t.zero = (await a.timed({ op: Op.Zero, frame: 7 })).cycles;
  t.error = (await a.timed({ op: Op.PageIn, frame: 99, block: 0 })).cycles;
  console.log(`[storage] latencies (cycles, command accepted -> completion taken): ${JSON.stringify(t)}`);
  expect(t).toEqual({
    pageInMiss: P.Latency + P.PageWords + 4,
    pageInHit: P.PageWords + 3,
    destage: P.PageWords + 4,
    // + one write-back: the disk's write latency from its request, and the handshakes around it.
    destageEvicting: P.PageWords + 4 + Math.max(P.Latency, P.PageWords + 1) + 3,
    send: P.PageWords + 3,
    receive: P.PageWords + 1,
    zero: P.PageWords + 1,
    error: 1,
  });
});

simTest('bad frame, block, op or payload length complete with an error status and never hang', async ({ sim, dut, random }) => {
  await resetStorage(dut);
  const a = await StorageNode.create(sim, 'a', P);
  const recv = await sim.streamDriver({ name: 'a_recv', clock: dut.clk_i, valid: dut.a_recv_valid_i, ready: dut.a_recv_ready_o, data: [dut.a_recv_data_i, dut.a_recv_last_i] });
  const memBefore = await a.mem.readAll();
  const bad: Array<[Cmd, number]> = [
    [{ op: Op.PageIn, frame: P.Frames, block: 5 }, Status.BadFrame],
    [{ op: Op.PageIn, frame: 0, block: P.Blocks }, Status.BadBlock],
    [{ op: Op.Destage, frame: 0, block: 0xffff }, Status.BadBlock],
    [{ op: Op.Destage, frame: 0xffff, block: 0xffff }, Status.BadFrame],
    [{ op: Op.Send, frame: 9 }, Status.BadFrame],
    [{ op: Op.Zero, frame: 100 }, Status.BadFrame],
    [{ op: Op.None, frame: 0 }, Status.BadOp],
    [{ op: 6, frame: 0 }, Status.BadOp],
    [{ op: 7, frame: 0 }, Status.BadOp],
  ];
  const dones = await a.run(bad.map(([c]) => c), 500);
  expect(dones.map((d) => d.status)).toEqual(bad.map(([, s]) => s));
  expect(dones.map((d) => d.op)).toEqual(bad.map(([c]) => c.op));
  expect(await a.mem.readAll()).toEqual(memBefore);

  // RECEIVE into a bad frame still consumes its payload (the link stays aligned).
  const page = randomPage(random, P.PageWords);
  a.send({ op: Op.Receive, frame: P.Frames + 3 });
  recv.send(...page.map((w, i) => [w, i === page.length - 1 ? 1n : 0n]));
  let [d] = (await collectWithin(a.done, 1, 500)).map((i) => Number(i.data[0]! & 7n));
  expect(d).toBe(Status.BadFrame);
  expect(await a.mem.readAll()).toEqual(memBefore);

  // Early last: the words that came are in the frame, the status says short.
  a.send({ op: Op.Receive, frame: 2 });
  recv.send(...page.slice(0, 5).map((w, i) => [w, i === 4 ? 1n : 0n]));
  [d] = (await collectWithin(a.done, 1, 500)).map((i) => Number(i.data[0]! & 7n));
  expect(d).toBe(Status.BadLength);
  expect((await a.frame(2)).slice(0, 5)).toEqual(page.slice(0, 5));

  // Too long: the page is written, the surplus is discarded up to last.
  const long = randomPage(random, P.PageWords + 3);
  a.send({ op: Op.Receive, frame: 3 });
  recv.send(...long.map((w, i) => [w, i === long.length - 1 ? 1n : 0n]));
  [d] = (await collectWithin(a.done, 1, 500)).map((i) => Number(i.data[0]! & 7n));
  expect(d).toBe(Status.BadLength);
  expect(await a.frame(3)).toEqual(long.slice(0, P.PageWords));
  await recv.idle();

  // And the engine still works.
  const [ok] = await a.run([{ op: Op.Zero, frame: 3 }], 500);
  expect(ok!.status).toBe(Status.Ok);
  expect(await a.frame(3)).toEqual(zeros(P.PageWords));
});

simTest('abort drops the command in flight; the engine, the cache and the shared disk carry on', async ({ sim, dut, random }) => {
  await resetStorage(dut);
  const disk = new Disk(sim, P);
  const a = await StorageNode.create(sim, 'a', P);
  const b = await StorageNode.create(sim, 'b', P);
  const pageA = randomPage(random, P.PageWords);
  const pageB = randomPage(random, P.PageWords);
  await disk.writeBlock(20, pageA);
  await disk.writeBlock(200, pageB);

  // Abort a page-in while it waits for the disk.
  a.send({ op: Op.PageIn, frame: 0, block: 20 });
  await ClockCycles(dut.clk_i, 10);
  expect(await a.signal('busy_o').read()).toBe(1n);
  await a.pulse('abort_i');
  expect(await a.signal('busy_o').read()).toBe(0n);
  await ClockCycles(dut.clk_i, 100);
  expect(await a.done.drain()).toEqual([]);

  // Abort a destage half-way through its page: the half-written line is dropped.
  await a.writeFrame(1, randomPage(random, P.PageWords));
  a.send({ op: Op.Destage, frame: 1, block: 21 });
  await dut.u_a_cache.up_wr_ready_o.waitFor(1, { clock: dut.clk_i, budget: 100 });
  await ClockCycles(dut.clk_i, P.PageWords / 2);
  await a.pulse('abort_i');
  await ClockCycles(dut.clk_i, 100);
  expect(await a.done.drain()).toEqual([]);
  expect(await a.signal('clean_o').read()).toBe(1n);

  // Both nodes still get their pages through the shared disk.
  const [da] = await a.run([{ op: Op.PageIn, frame: 2, block: 20 }], 500);
  const [db] = await b.run([{ op: Op.PageIn, frame: 2, block: 200 }], 500);
  expect([da!.status, db!.status]).toEqual([Status.Ok, Status.Ok]);
  expect(await a.frame(2)).toEqual(pageA);
  expect(await b.frame(2)).toEqual(pageB);
});

simTest('ZERO clears a frame; the memory manager port reads next cycle; wipes clear memory and disk', async ({ sim, dut, random }) => {
  await resetStorage(dut);
  const disk = new Disk(sim, P);
  const a = await StorageNode.create(sim, 'a', P);
  const contents = randomPage(random, P.Frames * P.PageWords);
  await a.mem.writeAll(0, contents);
  const [done] = await a.run([{ op: Op.Zero, frame: 5 }]);
  expect(done!.status).toBe(Status.Ok);
  const after = await a.mem.readAll();
  const expected = contents.slice();
  expected.fill(0n, 5 * P.PageWords, 6 * P.PageWords);
  expect(after).toEqual(expected);

  // Memory manager port: a write, then a read of the same word; data the next cycle.
  const addr = 3 * P.PageWords + 7;
  const value = random.bits(32);
  dut.a_mm_req_i.value = 1;
  dut.a_mm_we_i.value = 1;
  dut.a_mm_addr_i.value = addr;
  dut.a_mm_wdata_i.value = value;
  await ClockCycles(dut.clk_i, 1);
  dut.a_mm_we_i.value = 0;
  await ClockCycles(dut.clk_i, 1);
  dut.a_mm_req_i.value = 0;
  expect(await dut.a_mm_rvalid_o.value).toBe(1n);
  expect(await dut.a_mm_rdata_o.value).toBe(value);
  expect(await a.mem.read(addr)).toBe(value);
  await ClockCycles(dut.clk_i, 1);
  expect(await dut.a_mm_rvalid_o.value).toBe(0n);

  // Node failure: the memory is lost, one word per cycle.
  await a.pulse('mem_wipe_i');
  expect(await dut.a_mem_wiping_o.value).toBe(1n);
  expect(await dut.a_mm_gnt_o.value).toBe(0n);
  const wipe = await dut.a_mem_wiping_o.waitFor(0, { clock: dut.clk_i, budget: 10_000 });
  expect(wipe).toBe(P.Frames * P.PageWords);
  expect(await a.mem.readAll()).toEqual(zeros(P.Frames * P.PageWords));

  // The disk is only cleared by its own wipe.
  await disk.writeBlock(9, randomPage(random, P.PageWords));
  dut.disk_wipe_i.value = 1;
  await ClockCycles(dut.clk_i, 1);
  dut.disk_wipe_i.value = 0;
  await dut.disk_wiping_o.waitFor(0, { clock: dut.clk_i, budget: 10_000 });
  expect(await disk.blocks.readAll()).toEqual(zeros(P.Blocks * P.PageWords));
});

simTest4k('4 KiB pages: a page-in and a destage with flush move 1024 words', async ({ sim, dut, random }) => {
  await resetStorage(dut);
  const disk = new Disk(sim, P4K);
  const a = await StorageNode.create(sim, 'a', P4K);
  const page = randomPage(random, P4K.PageWords);
  await disk.writeBlock(5, page);
  const { done, cycles } = await a.timed({ op: Op.PageIn, frame: 2, block: 5 }, 5_000);
  expect(done.status).toBe(Status.Ok);
  expect(await a.frame(2)).toEqual(page);
  expect(cycles).toBe(P4K.Latency + P4K.PageWords + 4);

  const fresh = randomPage(random, P4K.PageWords);
  await a.writeFrame(3, fresh);
  const [d] = await a.run([{ op: Op.Destage, frame: 3, block: 15 }], 5_000);
  expect(d!.status).toBe(Status.Ok);
  await a.pulse('flush_i');
  await a.signal('clean_o').waitFor(1, { clock: dut.clk_i, budget: 5_000 });
  expect(await disk.block(15)).toEqual(fresh);
  console.log(`[storage] 4 KiB page-in miss: ${cycles} cycles`);
});
