// Failover: when a node fails its partner takes its allocations over from
// the mirror and its processes carry on there; with the link cut and both
// alive, exactly one node keeps serving.
import { expect } from 'vitest';
import { mirrorDesign } from '../../src/mirror/design.js';
import { diskBlockWord, MirrorEnv } from '../../src/mirror/env.js';
import { nodeNamed, otherNode } from '../../src/mirror/state.js';
import { expectMirrored, randomPage, writePage } from './mirror-checks.js';
import { guidNode, Status, ownerOf } from '../../src/mirror/encoding.js';
import type { Random } from '../../src/sim/random.js';
import { ClockCycles } from '../../src/sim/triggers.js';
import { createSimTest } from '../../src/vitest/sim-test.js';

const simTest = createSimTest({ design: mirrorDesign() });

/** Fails A and waits until B serves alone. */
async function failA(env: MirrorEnv): Promise<void> {
  const dut = env.sim.dut;
  dut.a_fail_i.value = 1;
  await dut.b_solo_o.waitFor(1, { clock: dut.clk_i, budget: 5000 });
}

/** Waits until A, back, is resynchronized (within `budget` cycles) and B hands it back. */
async function handedBack(env: MirrorEnv, budget: number): Promise<void> {
  const dut = env.sim.dut;
  await dut.a_returned_o.waitFor(0, { clock: dut.clk_i, budget });
  await dut.b_solo_o.waitFor(0, { clock: dut.clk_i, budget: 1000 });
}

/**
 * Where the failback tests start: A's allocation `g` with page 0 written
 * before A fails and page 1 written at B while A is down, and B's own
 * allocation `h` with a read pointer held throughout.
 */
async function aDownWithWritesAtB(env: MirrorEnv, random: Random) {
  const [a, b] = [env.processes.a, env.processes.b];
  const first = randomPage(env, random);
  const g = (await a.allocate(1, 3)).guid;
  await writePage(a, 1, g, 0, first);
  const h = (await b.allocate(2, 2)).guid;
  expect((await b.getRead(2, h, 1)).status).toBe(Status.Ok);
  await env.quiesce();
  await failA(env);
  const second = randomPage(env, random);
  await writePage(b, 1, g, 1, second);
  return { g, h, first, second };
}

simTest('A fails: B takes over its allocations; A\'s processes carry on at B with every acknowledged write', async ({ sim, random }) => {
  const env = await MirrorEnv.start(sim);
  const dut = sim.dut;
  const [a, b] = [env.processes.a, env.processes.b];
  const words = env.config.pageWords;
  const acknowledged = Array.from({ length: words }, () => random.int(0, 0xffff_ffff));
  const g = (await a.allocate(1, 3)).guid;
  expect((await a.getWrite(1, g, 0)).status).toBe(Status.Ok);
  for (let offset = 0; offset < words; offset++) await a.access({ write: true, pid: 1, guid: g, page: 0, offset, wdata: acknowledged[offset] });
  expect((await a.releasePointer(1, g, 0)).status).toBe(Status.Ok);
  // At the failure A's processes hold a read pointer and a write pointer with unreleased writes.
  expect((await a.getRead(2, g, 1)).status).toBe(Status.Ok);
  expect((await a.getWrite(3, g, 0)).status).toBe(Status.Ok);
  await a.access({ write: true, pid: 3, guid: g, page: 0, offset: 0, wdata: 0xdead_beef });
  const h = (await b.allocate(4, 1)).guid;
  await env.quiesce();

  await failA(env);
  const state = await env.views.b.state();
  expect(state.allocs.map((alloc) => alloc.guid).sort()).toEqual([g, h].sort());
  const pages = state.pages.get(g)!;
  // The failed node's pointers are void: its processes' locks are gone; the data is the acknowledged page.
  expect(pages[1]).toMatchObject({ resident: true, readCount: 0, readOwners: 0, writeLocked: false });
  expect(pages[0]).toMatchObject({ resident: true, writeLocked: false });
  expect(await env.views.b.frame(pages[0]!.frame)).toEqual(acknowledged);
  expect(Number(await dut.u_node_b.u_mm.stat_takeovers.value)).toBe(1);

  // A's process 1 carries on at B: read pointer, the acknowledged words, a write and its release.
  expect((await b.getRead(1, g, 0)).status).toBe(Status.Ok);
  for (const offset of [0, 5, words - 1]) {
    expect(await b.access({ write: false, pid: 1, guid: g, page: 0, offset })).toEqual({ status: Status.Ok, rdata: acknowledged[offset] });
  }
  expect((await b.releasePointer(1, g, 0)).status).toBe(Status.Ok);
  expect((await b.getWrite(1, g, 2)).status).toBe(Status.Ok);
  await b.access({ write: true, pid: 1, guid: g, page: 2, offset: 3, wdata: 0x1234_5678 });
  expect((await b.releasePointer(1, g, 2)).status).toBe(Status.Ok);
  // A new allocation for A's process continues A's GUIDs (the counter came back from A's record).
  const next = await b.allocate(5, 2, { home: 0 });
  expect(next.status).toBe(Status.Ok);
  expect(next.guid).toBe(g + 1);
  // B's own processes are served as before; B's process cannot use A's allocation as its own.
  expect((await b.getRead(4, h, 0)).status).toBe(Status.Ok);
  expect((await b.access({ write: false, pid: 4, guid: g, page: 0, offset: 0 })).status).toBe(Status.NotOwner);

  await env.quiesce();
  const after = await env.views.b.state();
  expect(after.pages.get(g)![2]).toMatchObject({ resident: true, writeLocked: false });
  expect((await env.views.b.frame(after.pages.get(g)![2]!.frame))[3]).toBe(0x1234_5678);
  // B destaged the taken-over pages itself: the disk holds the acknowledged page.
  const slot = after.allocs.find((alloc) => alloc.guid === g)!.origSlot;
  const disk = await sim.memory('u_disk.blocks_q').readAll(diskBlockWord(env.config, 0, slot, 0), words);
  expect(disk.map(Number)).toEqual(acknowledged);
});

simTest('an allocation in flight when its node fails is dropped by the takeover: nothing half-applied', async ({ sim }) => {
  const env = await MirrorEnv.start(sim);
  const dut = sim.dut;
  const kept = (await env.processes.a.allocate(0, 2)).guid;
  expect((await env.processes.a.getRead(0, kept, 1)).status).toBe(Status.Ok);
  await env.quiesce();
  const framesBefore = (await env.views.b.state()).freeFrames;
  // Fail A the moment B's partner side creates the next allocation, before A hears back.
  const write = sim.signal('u_node_b.u_mm.part_alloc_wr');
  void env.processes.a.allocate(1, 2);
  await write.waitFor(1n << BigInt(write.width - 1), { clock: dut.clk_i, mask: 1n << BigInt(write.width - 1), budget: 5000 });
  await failA(env);
  const state = await env.views.b.state();
  expect(state.allocs.map((alloc) => alloc.guid)).toEqual([kept]);
  expect(state.freeFrames).toBe(framesBefore);
  expect(state.pages.get(kept)![1]).toMatchObject({ resident: true, readCount: 0 });
});

simTest('split brain: with the link cut and both alive, exactly one node wins the reservation and serves alone; the other fences itself', async ({ sim }) => {
  const env = await MirrorEnv.start(sim);
  const dut = sim.dut;
  const ga = (await env.processes.a.allocate(0, 1)).guid;
  const gb = (await env.processes.b.allocate(2, 1)).guid;
  expect((await env.processes.b.getWrite(2, gb, 0)).status).toBe(Status.Ok);
  await env.processes.b.access({ write: true, pid: 2, guid: gb, page: 0, offset: 1, wdata: 77 });
  expect((await env.processes.b.releasePointer(2, gb, 0)).status).toBe(Status.Ok);
  await env.quiesce();
  dut.fault_cut_i.value = 1;
  // Both see the link go down, both claim the reservation; the first claim wins.
  await dut.a_link_up_o.waitFor(0, { clock: dut.clk_i, budget: 2000 });
  await dut.b_link_up_o.waitFor(0, { clock: dut.clk_i, budget: 2000 });
  await ClockCycles(dut.clk_i, 200);
  const solo = { a: Number(await dut.a_solo_o.value), b: Number(await dut.b_solo_o.value) };
  const fenced = { a: Number(await dut.a_fenced_o.value), b: Number(await dut.b_fenced_o.value) };
  console.log(`[mirrorsim] split brain: solo ${JSON.stringify(solo)}, fenced ${JSON.stringify(fenced)}`);
  expect(solo.a + solo.b).toBe(1);
  const winner = solo.a === 1 ? 'a' : 'b';
  const loser = otherNode(winner);
  expect(fenced).toEqual({ [winner]: 0, [loser]: 1 });
  // The loser holds nothing any more; the winner holds both nodes' allocations.
  expect((await env.views[loser].state()).allocs).toEqual([]);
  expect((await env.views[winner].state()).allocs.map((alloc) => alloc.guid).sort()).toEqual([ga, gb].sort());
  // B's process carries on at the winner with what B had acknowledged.
  const server = env.processes[winner];
  expect((await server.getRead(2, gb, 0)).status).toBe(Status.Ok);
  expect(await server.access({ write: false, pid: 2, guid: gb, page: 0, offset: 1 })).toEqual({ status: Status.Ok, rdata: 77 });
  expect((await env.views[winner].state()).pages.get(gb)![0]!.readOwners).toBe(1 << ownerOf(1, 2));
  // Until the cut heals the loser serves nothing; then the winner resynchronizes it and hands its allocations back.
  expect((await env.processes[loser].getRead(0, ga, 0)).status).toBe(Status.PartnerDown);
  dut.fault_cut_i.value = 0;
  await dut[`${loser}_fenced_o`].waitFor(0, { clock: dut.clk_i, budget: 20_000 });
  await dut[`${winner}_solo_o`].waitFor(0, { clock: dut.clk_i, budget: 1000 });
  await env.quiesce();
  const home = (guid: number) => env.processes[nodeNamed(guidNode(guid))];
  expect((await home(gb).getRead(2, gb, 0)).status).toBe(Status.Ok);
  expect((await home(gb).access({ write: false, pid: 2, guid: gb, page: 0, offset: 1 })).rdata).toBe(77);
  expect((await home(ga).getWrite(0, ga, 0)).status).toBe(Status.Ok);
});

simTest('failback: A returns, B rebuilds A\'s tables and pages from its own, hands A\'s allocations back; both mirror again', async ({ sim, random }) => {
  const env = await MirrorEnv.start(sim);
  const dut = sim.dut;
  const [a, b] = [env.processes.a, env.processes.b];
  // While A is down its processes work at B: a written page, a read pointer held across the failback.
  const { g, h, first, second } = await aDownWithWritesAtB(env, random);
  expect((await b.getRead(3, g, 0)).status).toBe(Status.Ok);

  dut.a_fail_i.value = 0;
  expect(Number(await dut.a_returned_o.value)).toBe(0); // (it turns returned on the next edge)
  await dut.a_returned_o.waitFor(1, { clock: dut.clk_i, budget: 100 });
  // Back but empty, A holds its processes off until it is resynchronized.
  expect((await a.getRead(3, g, 0)).status).toBe(Status.PartnerDown);
  await handedBack(env, 20_000);
  await env.quiesce();

  // Both nodes hold the same tables, locks and pages again.
  await expectMirrored(env);
  const [sa, sb] = await Promise.all([env.views.a.state(), env.views.b.state()]);
  expect(sa.pages.get(g)![0]!.readOwners).toBe(1 << ownerOf(0, 3));
  expect(sa.pages.get(h)![1]!.readOwners).toBe(1 << ownerOf(1, 2));
  for (const [index, data] of [[0, first], [1, second]] as const) {
    expect(await env.views.a.frame(sa.pages.get(g)![index]!.frame)).toEqual(data);
    expect(await env.views.b.frame(sb.pages.get(g)![index]!.frame)).toEqual(data);
  }
  // A serves its own allocations again, mirrored to B; B no longer serves them.
  expect((await a.releasePointer(3, g, 0)).status).toBe(Status.Ok);
  expect((await a.getRead(1, g, 1)).status).toBe(Status.Ok);
  expect((await a.access({ write: false, pid: 1, guid: g, page: 1, offset: 2 })).rdata).toBe(second[2]);
  expect((await a.allocate(4, 1)).guid).toBe(g + 1);
  expect((await b.getRead(5, g, 0)).status).toBe(Status.NotLocal);
  expect(Number(await dut.u_node_b.u_mm.stat_resync_errors.value)).toBe(0);
});

simTest('serving alone, an allocation for the failed node\'s process gets disk blocks of its own', async ({ sim, random }) => {
  const env = await MirrorEnv.start(sim);
  const [a, b] = [env.processes.a, env.processes.b];
  const words = env.config.pageWords;
  const first = randomPage(env, random);
  const g = (await a.allocate(1, 1)).guid;
  await writePage(a, 1, g, 0, first);
  await env.quiesce();
  await failA(env);
  // A's process 2 allocates at B: the new allocation is A's, beside A's first one in B's table.
  const second = randomPage(env, random);
  const next = await b.allocate(2, 1, { home: 0 });
  expect(next.status).toBe(Status.Ok);
  await writePage(b, 2, next.guid, 0, second);
  await env.quiesce();
  const allocs = (await env.views.b.state()).allocs;
  const slot = (guid: number) => allocs.find((alloc) => alloc.guid === guid)!.origSlot;
  // Disk blocks are named {home node, orig slot, page}: the two must not share them.
  expect(slot(next.guid)).not.toBe(slot(g));
  const disk = sim.memory('u_disk.blocks_q');
  expect((await disk.readAll(diskBlockWord(env.config, 0, slot(g), 0), words)).map(Number)).toEqual(first);
  expect((await disk.readAll(diskBlockWord(env.config, 0, slot(next.guid), 0), words)).map(Number)).toEqual(second);
});

simTest('failback with the link cut part-way through the resync: the returning node drops what it got, the resync starts over, both mirror', async ({ sim, random }) => {
  const env = await MirrorEnv.start(sim);
  const dut = sim.dut;
  const [a, b] = [env.processes.a, env.processes.b];
  const { g, h, first, second } = await aDownWithWritesAtB(env, random);
  await env.quiesce();

  // A returns; once B's resync has sent a few messages, the link is cut.
  dut.a_fail_i.value = 0;
  const resync = sim.signal('u_node_b.u_mm.u_resync.state_q');
  const sent = sim.signal('u_node_b.u_mm.u_resync.tag_q');
  const tagBefore = await sent.readNumber();
  await sent.waitFor((tagBefore + 2) & 0xff, { clock: dut.clk_i, budget: 20_000 });
  expect(await resync.readNumber()).not.toBe(0);
  expect((await env.views.a.state()).allocs.length).toBeGreaterThan(0); // A holds part of the resync
  dut.fault_cut_i.value = 1;
  await dut.b_link_up_o.waitFor(0, { clock: dut.clk_i, budget: 2000 });
  await dut.a_link_up_o.waitFor(0, { clock: dut.clk_i, budget: 2000 });
  await resync.waitFor(0, { clock: dut.clk_i, budget: 1000 });
  await ClockCycles(dut.clk_i, 50);
  // The resync is abandoned; A dropped what it had, and both still wait for a complete one.
  expect(Number(await dut.b_solo_o.value)).toBe(1);
  expect(Number(await dut.a_returned_o.value)).toBe(1);
  expect((await env.views.a.state()).allocs).toEqual([]);
  // B serves its processes meanwhile.
  expect((await b.releasePointer(2, h, 1)).status).toBe(Status.Ok);

  dut.fault_cut_i.value = 0;
  await handedBack(env, 40_000);
  await env.quiesce();
  await expectMirrored(env);
  const sa = await env.views.a.state();
  expect(await env.views.a.frame(sa.pages.get(g)![0]!.frame)).toEqual(first);
  expect(await env.views.a.frame(sa.pages.get(g)![1]!.frame)).toEqual(second);
  expect(Number(await dut.u_node_b.u_mm.stat_resync_errors.value)).toBe(0);
  expect((await a.getRead(1, g, 1)).status).toBe(Status.Ok);
});

simTest('failback: the survivor gives back the frames its own pages took beyond the quota while alone, so the returning node can page in', async ({ sim, random }) => {
  const env = await MirrorEnv.start(sim);
  const dut = sim.dut;
  const [a, b] = [env.processes.a, env.processes.b];
  const quota = env.config.frames / 2;
  const g = (await a.allocate(1, 2)).guid;
  const h = (await b.allocate(2, env.config.frames)).guid;
  await env.quiesce();

  await failA(env);
  // Serving alone B has no quota: its own pages take every frame.
  const written = new Map<number, number[]>();
  for (let page = 0; page < env.config.frames; page++) {
    const data = randomPage(env, random);
    await writePage(b, 2, h, page, data);
    written.set(page, data);
  }
  const residentOwn = async () => (await env.views.b.state()).pages.get(h)!.filter((entry) => entry.resident).length;
  expect(await residentOwn()).toBe(env.config.frames);

  dut.a_fail_i.value = 0;
  await dut.a_returned_o.waitFor(1, { clock: dut.clk_i, budget: 100 });
  await handedBack(env, 50_000);
  await env.quiesce();
  // Back under the quota on both nodes, one eviction per page over it.
  expect(await residentOwn()).toBe(quota);
  expect(Number(await dut.u_node_b.u_mm.u_originator.stat_trims_q.value)).toBe(env.config.frames - quota);
  await expectMirrored(env);

  // A's process pages in at once (without the trim it waited for a frame for good).
  expect((await a.getRead(1, g, 0)).status).toBe(Status.Ok);
  expect((await a.releasePointer(1, g, 0)).status).toBe(Status.Ok);
  // B's evicted pages come back from the disk as written.
  for (const [page, data] of written) {
    expect((await b.getRead(2, h, page)).status).toBe(Status.Ok);
    expect((await b.access({ write: false, pid: 2, guid: h, page, offset: env.config.pageWords - 1 })).rdata).toBe(data[env.config.pageWords - 1]);
    expect((await b.releasePointer(2, h, page)).status).toBe(Status.Ok);
  }
});
