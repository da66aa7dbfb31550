// Directed tests of the mirrored memory system: every message answered as
// Fig. 10 says, every branch of Figs. 5-9, both nodes checked by backdoor.
import { expect } from 'vitest';
import { createSimTest } from '../../src/vitest/sim-test.js';
import { mirrorDesign } from '../../src/mirror/design.js';
import { diskBlockWord, linkTiming, MirrorEnv } from '../../src/mirror/env.js';
import { MsgType, Status, ownerOf } from '../../src/mirror/encoding.js';
import { ClockCycles } from '../../src/sim/triggers.js';
import { startSoon } from '../../src/sim/task.js';

const simTest = createSimTest({ design: mirrorDesign() });

simTest('allocate on A builds the allocation on both nodes', async ({ sim }) => {
  const env = await MirrorEnv.start(sim);
  const resp = await env.processes.a.allocate(2, 4, { policy: 3 });
  expect(resp.status).toBe(Status.Ok);
  expect(resp.guid >> 15).toBe(0);
  await env.quiesce();
  const [a, b] = await Promise.all([env.views.a.state(), env.views.b.state()]);
  for (const state of [a, b]) {
    expect(state.allocs).toHaveLength(1);
    expect(state.allocs[0]).toMatchObject({ guid: resp.guid, pages: 4, policy: 3, owner: ownerOf(0, 2) });
  }
});

simTest('write pointer, data write, release: the page is mirrored and reaches the disk', async ({ sim, random }) => {
  const env = await MirrorEnv.start(sim);
  const { guid } = await env.processes.a.allocate(1, 2);
  const ptr = await env.processes.a.getWrite(1, guid, 1);
  expect(ptr.status).toBe(Status.Ok);
  const data = Array.from({ length: env.config.pageWords }, () => random.int(0, 0xffff_ffff));
  for (let offset = 0; offset < data.length; offset++) {
    expect((await env.processes.a.access({ write: true, pid: 1, guid, page: 1, offset, wdata: data[offset] })).status).toBe(Status.Ok);
  }
  const before = await env.views.a.state();
  expect(before.pages.get(guid)![1]).toMatchObject({ resident: true, writeLocked: true, writeOwner: ownerOf(0, 1), modified: true });
  expect((await env.processes.a.releasePointer(1, guid, 1)).status).toBe(Status.Ok);
  await env.quiesce();
  const [a, b] = await Promise.all([env.views.a.state(), env.views.b.state()]);
  const pa = a.pages.get(guid)![1]!;
  const pb = b.pages.get(guid)![1]!;
  expect(pa).toMatchObject({ resident: true, writeLocked: false, modified: false });
  expect(pb).toMatchObject({ resident: true, writeLocked: false });
  expect(await env.views.a.frame(pa.frame)).toEqual(data);
  expect(await env.views.b.frame(pb.frame)).toEqual(data);
  const disk = await sim.memory('u_disk.blocks_q').readAll(diskBlockWord(env.config, 0, a.allocs[0]!.origSlot, 1), env.config.pageWords);
  expect(disk.map(Number)).toEqual(data);
});

simTest('a read pointer on a write-locked page is null, queued, and granted after the release', async ({ sim }) => {
  const env = await MirrorEnv.start(sim);
  const a = env.processes.a;
  const { guid } = await a.allocate(1, 1);
  expect((await a.getWrite(1, guid, 0)).status).toBe(Status.Ok);
  const reader = await a.getRead(2, guid, 0);
  expect(reader.status).toBe(Status.Null);
  const grant = a.granted(reader.tag);
  expect((await a.releasePointer(1, guid, 0)).status).toBe(Status.Ok);
  const granted = await grant;
  expect(granted).toMatchObject({ status: Status.Granted, pid: 2, guid });
  await env.quiesce();
  for (const view of [env.views.a, env.views.b]) {
    const page = (await view.state()).pages.get(guid)![0]!;
    expect(page).toMatchObject({ writeLocked: false, readCount: 1, readOwners: 1 << ownerOf(0, 2) });
  }
});

simTest('readers share a page; a writer waits for all of them', async ({ sim }) => {
  const env = await MirrorEnv.start(sim);
  const a = env.processes.a;
  const { guid } = await a.allocate(0, 1);
  expect((await a.getRead(1, guid, 0)).status).toBe(Status.Ok);
  expect((await a.getRead(2, guid, 0)).status).toBe(Status.Ok);
  const writer = await a.getWrite(3, guid, 0);
  expect(writer.status).toBe(Status.Null);
  const grant = a.granted(writer.tag);
  expect((await a.releasePointer(1, guid, 0)).status).toBe(Status.Ok);
  expect((await a.releasePointer(2, guid, 0)).status).toBe(Status.Ok);
  expect(await grant).toMatchObject({ status: Status.Granted, pid: 3 });
  await env.quiesce();
  const [sa, sb] = [await env.views.a.state(), await env.views.b.state()];
  expect(sa.pages.get(guid)![0]).toMatchObject({ writeLocked: true, writeOwner: ownerOf(0, 3), readCount: 0 });
  expect(sb.pages.get(guid)![0]).toMatchObject({ writeLocked: true, writeOwner: ownerOf(0, 3), readCount: 0 });
});

simTest('release memory dismantles the allocation on both nodes and frees its frames', async ({ sim }) => {
  const env = await MirrorEnv.start(sim);
  const b = env.processes.b;
  const { guid, status } = await b.allocate(4, 3);
  expect(status).toBe(Status.Ok);
  expect(guid >> 15).toBe(1);
  for (const page of [0, 2]) expect((await b.getRead(4, guid, page)).status).toBe(Status.Ok);
  await env.quiesce();
  const framesBefore = (await env.views.a.state()).freeFrames;
  expect(framesBefore).toBe(env.config.frames - 2);
  expect((await b.releaseMemory(4, guid)).status).toBe(Status.Ok);
  await env.quiesce();
  for (const view of [env.views.a, env.views.b]) {
    const state = await view.state();
    expect(state.allocs).toEqual([]);
    expect(state.freeFrames).toBe(env.config.frames);
  }
});

simTest('errors: unknown GUID, page out of range, release without a pointer, data write without a write pointer', async ({ sim }) => {
  const env = await MirrorEnv.start(sim);
  const a = env.processes.a;
  expect((await a.getRead(0, 0x0123, 0)).status).toBe(Status.UnknownGuid);
  const { guid } = await a.allocate(0, 2);
  expect((await a.getWrite(0, guid, 5)).status).toBe(Status.BadPage);
  expect((await a.releasePointer(0, guid, 0)).status).toBe(Status.NotOwner);
  expect((await a.getRead(0, guid, 1)).status).toBe(Status.Ok);
  expect((await a.access({ write: true, pid: 0, guid, page: 1, offset: 0, wdata: 7 })).status).toBe(Status.NotOwner);
  expect((await a.access({ write: false, pid: 1, guid, page: 1, offset: 0 })).status).toBe(Status.NotOwner);
  expect((await a.access({ write: false, pid: 0, guid, page: 1, offset: 0 })).status).toBe(Status.Ok);
  expect((await a.allocate(0, 0)).status).toBe(Status.BadPage);
});

simTest('the host as originating partner: each message answered as Fig. 10 says', async ({ sim }) => {
  const env = await MirrorEnv.start(sim);
  const host = env.partners.b; // the host plays node A towards node B
  const guid = 0x0042; // node A's GUID space
  const owner = ownerOf(0, 5);
  const [space, spaceDone] = await host.exchange({ type: MsgType.SpaceReq, tag: 1, arg0: 2 }, 2);
  expect(space).toMatchObject({ type: MsgType.SpaceStatus, tag: 1, arg0: env.config.frames });
  expect(space!.arg1 & 1).toBe(1);
  expect(spaceDone).toMatchObject({ type: MsgType.Complete, arg1: Status.Ok });
  const [created] = await host.exchange({ type: MsgType.AllocMem, tag: 2, guid, owner, arg0: 3, arg1: (5 << 8) | 2 });
  expect(created).toMatchObject({ type: MsgType.Complete, tag: 2, arg1: Status.Ok });
  const [dup] = await host.exchange({ type: MsgType.AllocMem, tag: 3, guid, owner, arg0: 3 });
  expect(dup).toMatchObject({ type: MsgType.Complete, arg1: Status.Duplicate });
  const [read] = await host.exchange({ type: MsgType.AllocRead, tag: 4, guid, page: 1, owner, arg1: 1 });
  expect(read).toMatchObject({ type: MsgType.Complete, arg1: Status.Ok });
  const [lock] = await host.exchange({ type: MsgType.LockReq, tag: 5, guid, page: 1 });
  expect(lock).toMatchObject({ type: MsgType.LockStatus, arg1: 1 << owner });
  expect(lock!.arg0 & 0xff).toBe(1);
  expect((lock!.arg0 >> 15) & 1).toBe(1);
  const [header] = await host.exchange({ type: MsgType.ReadHeader, tag: 6, guid });
  expect(header!.type).toBe(MsgType.Header);
  expect(header!.payload).toHaveLength(2 + 2 * 3);
  expect(header!.payload[0]! >>> 16).toBe(guid);
  const [sense] = await host.exchange({ type: MsgType.SenseReq, tag: 7, arg0: 1 });
  expect(sense).toMatchObject({ type: MsgType.SenseInfo, arg0: 1 });
  const page = Array.from({ length: env.config.pageWords }, (_, i) => 0x1000 + i);
  const [written] = await host.exchange({ type: MsgType.WritePage, tag: 8, guid, page: 1, owner, payload: page });
  expect(written).toMatchObject({ type: MsgType.Complete, arg1: Status.Ok });
  const state = await env.views.b.state();
  expect(await env.views.b.frame(state.pages.get(guid)![1]!.frame)).toEqual(page);
  const [released] = await host.exchange({ type: MsgType.ReleasePtr, tag: 9, guid, page: 1, owner });
  expect(released).toMatchObject({ type: MsgType.Complete, arg1: Status.Ok });
  const [again] = await host.exchange({ type: MsgType.ReleasePtr, tag: 10, guid, page: 1, owner });
  expect(again).toMatchObject({ type: MsgType.Complete, arg1: Status.NotOwner });
  const [unknown] = await host.exchange({ type: MsgType.LockReq, tag: 11, guid: 0x0077, page: 0 });
  expect(unknown).toMatchObject({ type: MsgType.Complete, arg1: Status.UnknownGuid });
  const [gone] = await host.exchange({ type: MsgType.ReleaseMem, tag: 12, guid });
  expect(gone).toMatchObject({ type: MsgType.Complete, arg1: Status.Ok });
  expect((await env.views.b.state()).allocs).toEqual([]);
  // A message cut short is answered as malformed, and changes nothing.
  host.sendWords([(MsgType.AllocMem << 28) | (13 << 20) | guid, 0]);
  expect(await host.answer()).toMatchObject({ type: MsgType.Complete, arg1: Status.BadRequest });
  expect((await env.views.b.state()).allocs).toEqual([]);
});

simTest('lossy link: drops, corruption and delay are retransmitted and the pages still mirror', async ({ sim, random }) => {
  const env = await MirrorEnv.start(sim);
  const dut = sim.dut;
  const a = env.processes.a;
  const { guid, status } = await a.allocate(0, 2);
  expect(status).toBe(Status.Ok);
  // First a loss that cannot miss: A's lock request leaves while every frame
  // towards B is dropped, so its answer can only come by a retransmission.
  // (A random burst may hit only heartbeats and acknowledgements, which a
  // later frame makes good without one.) The window is shorter than the
  // heartbeat timeout, so the link stays up.
  dut.fault_drop_ab_i.value = 1;
  const lock = a.getWrite(0, guid, 0);
  await ClockCycles(dut.clk_i, 3 * linkTiming(env.config).frameCycles);
  dut.fault_drop_ab_i.value = 0;
  expect((await lock).status).toBe(Status.Ok);
  expect(Number(await dut.u_link.stat_retx_ab_o.value)).toBeGreaterThan(0);
  // Then short bursts of each fault, in both directions, while the operations run.
  const faults = startSoon(async () => {
    const kinds = [dut.fault_drop_ab_i, dut.fault_drop_ba_i, dut.fault_corrupt_ab_i, dut.fault_corrupt_ba_i];
    for (;;) {
      await ClockCycles(dut.clk_i, random.int(20, 60));
      const fault = random.pick(kinds);
      fault.value = 1;
      dut.fault_delay_ab_i.value = random.int(0, 30);
      await ClockCycles(dut.clk_i, random.int(5, 25));
      fault.value = 0;
    }
  }, 'fault bursts');
  const data = Array.from({ length: env.config.pageWords }, () => random.int(0, 0xffff_ffff));
  for (let offset = 0; offset < data.length; offset++) await a.access({ write: true, pid: 0, guid, page: 0, offset, wdata: data[offset] });
  expect((await a.releasePointer(0, guid, 0)).status).toBe(Status.Ok);
  expect((await a.getRead(1, guid, 1)).status).toBe(Status.Ok);
  faults.cancel();
  for (const signal of [dut.fault_drop_ab_i, dut.fault_drop_ba_i, dut.fault_corrupt_ab_i, dut.fault_corrupt_ba_i, dut.fault_delay_ab_i]) signal.value = 0;
  await env.quiesce();
  // (That a loss was retransmitted is asserted above, where it cannot miss.)
  const link = dut.u_link;
  expect(Number(await link.a_down_events_o.value) + Number(await link.b_down_events_o.value)).toBe(0);
  const pb = (await env.views.b.state()).pages.get(guid)![0]!;
  expect(await env.views.b.frame(pb.frame)).toEqual(data);
});

simTest('a failed partner is answered by a timeout or partner-down, never a hang; then the survivor serves alone', async ({ sim }) => {
  const env = await MirrorEnv.start(sim);
  const dut = sim.dut;
  const { guid } = await env.processes.a.allocate(0, 1);
  dut.b_fail_i.value = 1;
  const response = await env.processes.a.getRead(0, guid, 0);
  expect([Status.PartnerDown, Status.PartnerTimeout]).toContain(response.status);
  await dut.a_link_up_o.waitFor(0, { clock: dut.clk_i, budget: 2000 });
  await dut.a_solo_o.waitFor(1, { clock: dut.clk_i, budget: 2000 });
  expect((await env.processes.a.getWrite(0, guid, 0)).status).toBe(Status.Ok);
  expect((await env.views.a.state()).pages.get(guid)![0]).toMatchObject({ resident: true, writeLocked: true, writeOwner: ownerOf(0, 0) });
});

simTest('allocation space: denied at once when immediate, granted after a release otherwise', async ({ sim }) => {
  const env = await MirrorEnv.start(sim);
  const a = env.processes.a;
  const guids: number[] = [];
  for (let i = 0; i < 8; i++) {
    const resp = await a.allocate(0, 1);
    expect(resp.status).toBe(Status.Ok);
    guids.push(resp.guid);
  }
  // Every table slot is in use (on both nodes): Fig. 5 510/550.
  expect((await a.allocate(1, 1, { immediate: true })).status).toBe(Status.Denied);
  const waiting = a.allocate(2, 1);
  await ClockCycles(sim.dut.clk_i, 500);
  expect((await a.releaseMemory(0, guids[3]!)).status).toBe(Status.Ok);
  const granted = await waiting;
  expect(granted).toMatchObject({ status: Status.Ok, pid: 2 });
  await env.quiesce();
  for (const view of [env.views.a, env.views.b]) {
    const state = await view.state();
    expect(state.allocs.map((alloc) => alloc.guid).sort()).toEqual([...guids.filter((_, i) => i !== 3), granted.guid].sort());
  }
});

simTest('frame quota: own pages fill half the frames; a queued request evicts a released page on both nodes', async ({ sim }) => {
  const env = await MirrorEnv.start(sim);
  const a = env.processes.a;
  const b = env.processes.b;
  const quota = env.config.frames / 2;
  const big = (await a.allocate(0, 8)).guid;
  const small = (await a.allocate(0, 2)).guid;
  for (let page = 0; page < quota; page++) expect([page, (await a.getRead(1, big, page)).status]).toEqual([page, Status.Ok]);
  // B's own pages take the other half of the frames, on both nodes.
  const other = (await b.allocate(0, quota)).guid;
  for (let page = 0; page < quota; page++) expect((await b.getRead(1, other, page)).status).toBe(Status.Ok);
  // A is at its quota with every page held: the next page-in waits.
  const request = await a.getRead(2, small, 0);
  expect(request.status).toBe(Status.Null);
  const grant = a.granted(request.tag);
  expect((await a.releasePointer(1, big, 3)).status).toBe(Status.Ok);
  expect(await grant).toMatchObject({ status: Status.Granted, pid: 2, guid: small });
  await env.quiesce();
  for (const view of [env.views.a, env.views.b]) {
    const state = await view.state();
    expect(state.pages.get(big)![3]!.resident).toBe(false);
    expect(state.pages.get(small)![0]).toMatchObject({ resident: true, readCount: 1, readOwners: 1 << ownerOf(0, 2) });
    expect(state.pages.get(other)!.every((page) => page.resident)).toBe(true);
    expect(state.freeFrames).toBe(0);
  }
  expect(Number(await sim.dut.u_node_a.u_mm.u_originator.stat_evictions_q.value)).toBe(1);
});

simTest('a written page evicted and paged in again comes back identical on both nodes', async ({ sim, random }) => {
  const env = await MirrorEnv.start(sim);
  const a = env.processes.a;
  const big = (await a.allocate(0, 8)).guid;
  const small = (await a.allocate(0, 2)).guid;
  expect((await a.getWrite(1, big, 3)).status).toBe(Status.Ok);
  const data = Array.from({ length: env.config.pageWords }, () => random.int(0, 0xffff_ffff));
  for (let offset = 0; offset < data.length; offset++) await a.access({ write: true, pid: 1, guid: big, page: 3, offset, wdata: data[offset] });
  for (const page of [0, 1, 2]) expect((await a.getRead(1, big, page)).status).toBe(Status.Ok);
  // A's own pages are at the quota and all held: the next request waits, and
  // the release of the written page makes it the one to evict (right after its destage).
  const request = await a.getRead(2, small, 0);
  expect(request.status).toBe(Status.Null);
  const grant = a.granted(request.tag);
  expect((await a.releasePointer(1, big, 3)).status).toBe(Status.Ok);
  expect((await grant).status).toBe(Status.Granted);
  await env.quiesce();
  for (const view of [env.views.a, env.views.b]) expect((await view.state()).pages.get(big)![3]!.resident).toBe(false);
  // Make room again and read the written page back in, on both nodes.
  expect((await a.releaseMemory(0, small)).status).toBe(Status.Ok);
  expect((await a.getRead(2, big, 3)).status).toBe(Status.Ok);
  await env.quiesce();
  for (const view of [env.views.a, env.views.b]) {
    const page = (await view.state()).pages.get(big)![3]!;
    expect(page.resident).toBe(true);
    expect(await view.frame(page.frame)).toEqual(data);
  }
});

simTest('read header returns the allocation and every page entry exactly as the tables hold them', async ({ sim }) => {
  const env = await MirrorEnv.start(sim);
  const host = env.partners.a; // the host plays node B towards node A
  const guid = 0x8005; // node B's GUID space
  const owner = ownerOf(1, 3);
  expect((await host.exchange({ type: MsgType.AllocMem, tag: 1, guid, owner, arg0: 2, arg1: (4 << 8) | 6 }))[0]!.arg1).toBe(Status.Ok);
  expect((await host.exchange({ type: MsgType.AllocWrite, tag: 2, guid, page: 1, owner, arg1: 1 }))[0]!.arg1).toBe(Status.Ok);
  const [header] = await host.exchange({ type: MsgType.ReadHeader, tag: 3, guid });
  const state = await env.views.a.state();
  const alloc = state.allocs.find((entry) => entry.guid === guid)!;
  const pages = state.pages.get(guid)!;
  expect(header!.payload[0]).toBe(((guid << 16) | (2 << 8) | (6 << 4) | owner) >>> 0);
  expect(header!.payload[1]).toBe((1 << 8) | alloc.origSlot);
  expect(alloc.origSlot).toBe(4);
  pages.forEach((page, index) => {
    const mapWord =
      ((page.resident ? 1 : 0) << 30) | ((page.modified ? 1 : 0) << 29) | ((page.writeLocked ? 1 : 0) << 28) |
      (page.writeOwner << 24) | (page.readCount << 16) | page.frame;
    expect(header!.payload[2 + 2 * index]).toBe(mapWord >>> 0);
    expect(header!.payload[3 + 2 * index]).toBe(((page.readOwners << 16) | page.usage) >>> 0);
  });
  expect(pages[1]).toMatchObject({ resident: true, writeLocked: true, writeOwner: owner });
  const [freeFrames] = await host.exchange({ type: MsgType.SenseReq, tag: 4, arg0: 0 });
  expect(freeFrames).toMatchObject({ type: MsgType.SenseInfo, arg0: state.freeFrames, arg1: env.config.frames });
  const [node] = await host.exchange({ type: MsgType.SenseReq, tag: 5, arg0: 3 });
  expect(node).toMatchObject({ arg0: 0, arg1: 1 });
  const [bad] = await host.exchange({ type: MsgType.SenseReq, tag: 6, arg0: 9 });
  expect(bad).toMatchObject({ type: MsgType.Complete, arg1: Status.BadRequest });
});

simTest('sense under load: the paging queue depth counts the requests waiting for a locked page', async ({ sim }) => {
  const env = await MirrorEnv.start(sim);
  const a = env.processes.a;
  const { guid } = await a.allocate(0, 1);
  expect((await a.getWrite(0, guid, 0)).status).toBe(Status.Ok);
  const waiting = [];
  for (const pid of [1, 2, 3, 4]) {
    const response = await a.getRead(pid, guid, 0);
    expect(response.status).toBe(Status.Null);
    waiting.push(a.granted(response.tag));
  }
  // The host asks node A (as node B would) how deep its queues are.
  const [queues] = await env.partners.a.exchange({ type: MsgType.SenseReq, tag: 1, srcNode: 1, arg0: 2 });
  expect(queues).toMatchObject({ type: MsgType.SenseInfo });
  expect((queues!.arg0 >>> 16) & 0xff).toBe(4); // paging queue
  expect((await a.releasePointer(0, guid, 0)).status).toBe(Status.Ok);
  for (const grant of waiting) expect((await grant).status).toBe(Status.Granted);
  const [after] = await env.partners.a.exchange({ type: MsgType.SenseReq, tag: 2, srcNode: 1, arg0: 2 });
  expect((after!.arg0 >>> 16) & 0xff).toBe(0);
  await env.quiesce();
  const page = (await env.views.b.state()).pages.get(guid)![0]!;
  expect(page.readOwners).toBe([1, 2, 3, 4].reduce((mask, pid) => mask | (1 << ownerOf(0, pid)), 0));
});

simTest('a reused allocation slot: the partner pages the block in from disk, never a stale copy of it from its own cache', async ({ sim, random }) => {
  const env = await MirrorEnv.start(sim);
  const b = env.processes.b;
  const first = (await b.allocate(1, 1)).guid;
  // A pages the block in (and would keep it in its cache), then B writes it and it reaches the disk.
  expect((await b.getRead(1, first, 0)).status).toBe(Status.Ok);
  expect((await b.releasePointer(1, first, 0)).status).toBe(Status.Ok);
  expect((await b.getWrite(1, first, 0)).status).toBe(Status.Ok);
  const data = Array.from({ length: env.config.pageWords }, () => random.int(0, 0xffff_ffff));
  for (let offset = 0; offset < data.length; offset++) await b.access({ write: true, pid: 1, guid: first, page: 0, offset, wdata: data[offset] });
  expect((await b.releasePointer(1, first, 0)).status).toBe(Status.Ok);
  await env.quiesce();
  const slot = (await env.views.b.state()).allocs[0]!.slot;
  expect((await b.releaseMemory(1, first)).status).toBe(Status.Ok);
  // The same slot again: both nodes page the same block in and must hold the same words.
  const second = (await b.allocate(2, 1)).guid;
  expect((await env.views.b.state()).allocs[0]!.slot).toBe(slot);
  expect((await b.getRead(2, second, 0)).status).toBe(Status.Ok);
  await env.quiesce();
  const [sa, sb] = await Promise.all([env.views.a.state(), env.views.b.state()]);
  expect(await env.views.a.frame(sa.pages.get(second)![0]!.frame)).toEqual(data);
  expect(await env.views.b.frame(sb.pages.get(second)![0]!.frame)).toEqual(data);
});
