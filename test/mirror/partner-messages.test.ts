// The host as the originating partner (the injection port): every error
// answer of Fig. 10 as docs/rtl.md lists it, duplicates and messages out of
// order, and after each one the receiving node's tables and local memory
// read by backdoor, exactly as expected: unchanged for every error answer.
// The host plays node A towards node B unless a test says otherwise, so its
// GUIDs have bit 15 clear and its owners are ownerOf(0, pid).
import { describe, expect } from 'vitest';
import { createSimTest } from '../../src/vitest/sim-test.js';
import { mirrorDesign } from '../../src/mirror/design.js';
import { MirrorEnv } from '../../src/mirror/env.js';
import { MsgType, Status, encodeMessage, ownerOf, type Message } from '../../src/mirror/encoding.js';
import type { PartnerAgent } from '../../src/mirror/partner-agent.js';
import type { NodeState, NodeView, PageEntry } from '../../src/mirror/state.js';
import type { Random } from '../../src/sim/random.js';
import type { Simulator } from '../../src/sim/simulator.js';
import type { StreamMonitor } from '../../src/sim/streams.js';
import { ClockCycles, withTimeout } from '../../src/sim/triggers.js';

const simTest = createSimTest({ design: mirrorDesign() });

type Request = Partial<Message> & { type: MsgType };

const MAX_PAGES = 8;
/** An allocation of node A's GUID space that node B has never heard of. */
const UNKNOWN_GUID = 0x0077;

/** Everything the receiving node keeps: its tables and every frame of its local memory. */
interface Snapshot {
  state: NodeState;
  memory: number[][];
}

async function snapshot(env: MirrorEnv, view: NodeView): Promise<Snapshot> {
  const memory: number[][] = [];
  for (let frame = 0; frame < env.config.frames; frame++) memory.push(await view.frame(frame));
  return { state: await view.state(), memory };
}

/** The next answer of the node, failing (instead of hanging) when none comes. */
function answer(host: PartnerAgent): Promise<Message> {
  return withTimeout(host.answer(), 50, 'us');
}

async function ask(host: PartnerAgent, request: Request): Promise<Message> {
  host.send(request);
  return answer(host);
}

/** A `complete` echoing the request's tag, GUID, page and owner, with `status`. */
function expectComplete(reply: Message, request: Request, status: Status): void {
  expect(reply).toMatchObject({
    type: MsgType.Complete,
    tag: request.tag ?? 0,
    guid: request.guid ?? 0,
    page: request.page ?? 0,
    owner: request.owner ?? 0,
    arg1: status,
  });
}

/** Sends `request`, expects the error answer `status`, and that the node kept everything as it was. */
async function expectRefused(env: MirrorEnv, host: PartnerAgent, view: NodeView, request: Request, status: Status): Promise<void> {
  const before = await snapshot(env, view);
  expectComplete(await ask(host, request), request, status);
  expect(await snapshot(env, view)).toEqual(before);
}

function lockWord(page: PageEntry): number {
  return (
    ((page.resident ? 1 : 0) << 15) |
    ((page.modified ? 1 : 0) << 14) |
    ((page.writeLocked ? 1 : 0) << 13) |
    (page.writeOwner << 8) |
    page.readCount
  );
}

function pageData(env: MirrorEnv, random: Random): number[] {
  return Array.from({ length: env.config.pageWords }, () => random.int(0, 0xffff_ffff));
}

/**
 * Node B mirrors an allocation of the host (playing A) that is in use:
 * three pages, page 1 read-locked by `reader`, page 2 write-locked by
 * `writer` and holding `data`, page 0 not resident.
 */
async function allocationInUse(env: MirrorEnv, random: Random) {
  const host = env.partners.b;
  const view = env.views.b;
  const guid = 0x0042;
  const owner = ownerOf(0, 5);
  const reader = ownerOf(0, 5);
  const writer = ownerOf(0, 6);
  const data = pageData(env, random);
  expectComplete(await ask(host, { type: MsgType.AllocMem, tag: 1, guid, owner, arg0: 3, arg1: (5 << 8) | 2 }), { tag: 1, guid, owner, type: MsgType.AllocMem }, Status.Ok);
  const read = { type: MsgType.AllocRead, tag: 2, guid, page: 1, owner: reader, arg1: 1 };
  expectComplete(await ask(host, read), read, Status.Ok);
  const write = { type: MsgType.AllocWrite, tag: 3, guid, page: 2, owner: writer, arg1: 1 };
  expectComplete(await ask(host, write), write, Status.Ok);
  const written = { type: MsgType.WritePage, tag: 4, guid, page: 2, owner: writer, payload: data };
  expectComplete(await ask(host, written), { ...written, payload: undefined }, Status.Ok);

  const state = await view.state();
  expect(state.allocs).toEqual([{ slot: expect.any(Number), guid, pages: 3, policy: 2, owner, origSlot: 5 }]);
  const pages = state.pages.get(guid)!;
  expect(pages[0]).toMatchObject({ resident: false, readCount: 0, writeLocked: false });
  expect(pages[1]).toMatchObject({ resident: true, readCount: 1, readOwners: 1 << reader, writeLocked: false });
  expect(pages[2]).toMatchObject({ resident: true, readCount: 0, readOwners: 0, writeLocked: true, writeOwner: writer });
  expect(await view.frame(pages[2]!.frame)).toEqual(data);
  expect(state.freeFrames).toBe(env.config.frames - 2);
  return { host, view, guid, owner, reader, writer, data };
}

/** The node still answers, and what it answers matches its tables: a lock request for every page. */
async function expectStillServing(host: PartnerAgent, view: NodeView, guid: number, tag = 200): Promise<void> {
  const pages = (await view.state()).pages.get(guid)!;
  for (let page = 0; page < pages.length; page++) {
    const status = await ask(host, { type: MsgType.LockReq, tag: tag + page, guid, page });
    expect(status).toMatchObject({ type: MsgType.LockStatus, tag: tag + page, guid, page, arg0: lockWord(pages[page]!), arg1: pages[page]!.readOwners });
  }
}

/**
 * Node B still takes messages from the link too (the link and the injection
 * port share its receiver): a process on A allocates, B mirrors it, A
 * releases it again, and B ends as it was.
 */
async function expectLinkServing(env: MirrorEnv): Promise<void> {
  await env.quiesce();
  const before = await snapshot(env, env.views.b);
  const made = await env.processes.a.allocate(4, 2, { immediate: true });
  expect(made.status).toBe(Status.Ok);
  await env.quiesce();
  expect((await env.views.b.state()).allocs.map((entry) => entry.guid)).toContain(made.guid);
  expect((await env.processes.a.releaseMemory(4, made.guid)).status).toBe(Status.Ok);
  await env.quiesce();
  expect(await snapshot(env, env.views.b)).toEqual(before);
}

/** Every beat that moves on a node's injection port and its answer port from now on, with its time. */
interface InjectionWatch {
  taken: StreamMonitor;
  answered: StreamMonitor;
}

async function watchInjection(sim: Simulator, node: 'a' | 'b'): Promise<InjectionWatch> {
  const dut = sim.dut;
  const p = (name: string) => dut[`${node}_${name}`];
  const taken = await sim.streamMonitor({ name: `${node}_inj_watch`, clock: dut.clk_i, valid: p('inj_valid_i'), ready: p('inj_ready_o'), data: [p('inj_last_i')] });
  const answered = await sim.streamMonitor({ name: `${node}_injans_watch`, clock: dut.clk_i, valid: p('injans_valid_o'), ready: p('injans_ready_i'), data: [p('injans_last_o')] });
  return { taken, answered };
}

/**
 * The node took the `words` words of the message just answered, and its
 * answer (4 words) began only after the last of them: a refused message is
 * taken whole before it is answered.
 */
async function expectTakenWholeBeforeAnswer(watch: InjectionWatch, words: number): Promise<void> {
  const taken = await watch.taken.collect(words);
  expect(taken.map((item) => Number(item.data[0]))).toEqual([...Array<number>(words - 1).fill(0), 1]);
  const answer = await watch.answered.collect(4);
  expect(answer[0]!.time).toBeGreaterThan(taken[words - 1]!.time);
  expect(Number(answer[3]!.data[0])).toBe(1);
}

describe('an unknown GUID', () => {
  // Write page has a test of its own below: its payload has to be drained.
  const requests: ReadonlyArray<[string, Request]> = [
    ['release memory', { type: MsgType.ReleaseMem, owner: ownerOf(0, 5) }],
    ['lock request', { type: MsgType.LockReq, page: 1 }],
    ['read header', { type: MsgType.ReadHeader }],
    ['allocate read with page-in', { type: MsgType.AllocRead, page: 0, owner: ownerOf(0, 5), arg1: 1 }],
    ['allocate write with page-in', { type: MsgType.AllocWrite, page: 0, owner: ownerOf(0, 6), arg1: 1 }],
    ['allocate read of a resident page', { type: MsgType.AllocRead, page: 1, owner: ownerOf(0, 7) }],
    ['release pointer', { type: MsgType.ReleasePtr, page: 1, owner: ownerOf(0, 5) }],
    ['release pointer with evict', { type: MsgType.ReleasePtr, page: 1, owner: ownerOf(0, 5), arg1: 2 }],
  ];
  for (const [name, request] of requests) {
    simTest(`${name} with an unknown GUID is answered unknown GUID and changes nothing`, async ({ sim, random }) => {
      const env = await MirrorEnv.start(sim);
      const { host, view, guid } = await allocationInUse(env, random);
      await expectRefused(env, host, view, { ...request, tag: 9, guid: UNKNOWN_GUID }, Status.UnknownGuid);
      await expectStillServing(host, view, guid);
    });
  }

  simTest('write page with an unknown GUID is answered unknown GUID once its payload is drained, and changes nothing', async ({ sim, random }) => {
    const env = await MirrorEnv.start(sim);
    const { host, view, guid, writer } = await allocationInUse(env, random);
    const watch = await watchInjection(sim, 'b');
    await expectRefused(env, host, view, { type: MsgType.WritePage, tag: 9, guid: UNKNOWN_GUID, page: 2, owner: writer, payload: pageData(env, random) }, Status.UnknownGuid);
    await expectTakenWholeBeforeAnswer(watch, 4 + env.config.pageWords);
    await expectStillServing(host, view, guid);
    await expectLinkServing(env);
  });

  simTest('space and sense requests name no allocation: any GUID in them is ignored and nothing changes', async ({ sim, random }) => {
    const env = await MirrorEnv.start(sim);
    const { host, view, guid } = await allocationInUse(env, random);
    const before = await snapshot(env, view);
    host.send({ type: MsgType.SpaceReq, tag: 9, guid: UNKNOWN_GUID, arg0: 6 });
    const space = await answer(host);
    const done = await answer(host);
    expect(space).toMatchObject({ type: MsgType.SpaceStatus, tag: 9, guid: UNKNOWN_GUID, arg0: env.config.frames - 2, arg1: 0b11 });
    expect(done).toMatchObject({ type: MsgType.Complete, tag: 9, arg1: Status.Ok });
    const sense = await ask(host, { type: MsgType.SenseReq, tag: 10, guid: UNKNOWN_GUID, arg0: 1 });
    expect(sense).toMatchObject({ type: MsgType.SenseInfo, tag: 10, arg0: 1 });
    expect(await snapshot(env, view)).toEqual(before);
    await expectStillServing(host, view, guid);
  });
});

describe('duplicates', () => {
  simTest('allocate memory twice: the second is a duplicate and the first allocation stays as it was', async ({ sim, random }) => {
    const env = await MirrorEnv.start(sim);
    const { host, view, guid } = await allocationInUse(env, random);
    await expectRefused(env, host, view, { type: MsgType.AllocMem, tag: 9, guid, owner: ownerOf(0, 1), arg0: 5, arg1: (3 << 8) | 7 }, Status.Duplicate);
    await expectStillServing(host, view, guid);
  });

  simTest('allocate read twice for the same owner: both ok, the lock is counted once, no second frame', async ({ sim, random }) => {
    const env = await MirrorEnv.start(sim);
    const { host, view, guid, reader } = await allocationInUse(env, random);
    const before = await snapshot(env, view);
    for (const arg1 of [0, 1]) {
      const again = { type: MsgType.AllocRead, tag: 9 + arg1, guid, page: 1, owner: reader, arg1 };
      expectComplete(await ask(host, again), again, Status.Ok);
      expect(await snapshot(env, view)).toEqual(before);
    }
  });

  simTest('allocate write twice for the same owner: both ok, nothing changes the second time', async ({ sim, random }) => {
    const env = await MirrorEnv.start(sim);
    const { host, view, guid, writer } = await allocationInUse(env, random);
    const before = await snapshot(env, view);
    const again = { type: MsgType.AllocWrite, tag: 9, guid, page: 2, owner: writer, arg1: 1 };
    expectComplete(await ask(host, again), again, Status.Ok);
    expect(await snapshot(env, view)).toEqual(before);
  });

  simTest('release pointer twice: ok, then not owner and nothing changes', async ({ sim, random }) => {
    const env = await MirrorEnv.start(sim);
    const { host, view, guid, writer, data } = await allocationInUse(env, random);
    const release = { type: MsgType.ReleasePtr, tag: 9, guid, page: 2, owner: writer };
    expectComplete(await ask(host, release), release, Status.Ok);
    const page = (await view.state()).pages.get(guid)![2]!;
    expect(page).toMatchObject({ resident: true, writeLocked: false, writeOwner: 0, readCount: 0 });
    expect(await view.frame(page.frame)).toEqual(data);
    await expectRefused(env, host, view, { ...release, tag: 10 }, Status.NotOwner);
    await expectStillServing(host, view, guid);
  });

  simTest('release memory twice: ok and every frame is free again, then unknown GUID and nothing changes', async ({ sim, random }) => {
    const env = await MirrorEnv.start(sim);
    const { host, view, guid, owner } = await allocationInUse(env, random);
    const release = { type: MsgType.ReleaseMem, tag: 9, guid, owner };
    expectComplete(await ask(host, release), release, Status.Ok);
    const state = await view.state();
    expect(state.allocs).toEqual([]);
    expect(state.freeFrames).toBe(env.config.frames);
    await expectRefused(env, host, view, { ...release, tag: 10 }, Status.UnknownGuid);
    await expectRefused(env, host, view, { type: MsgType.LockReq, tag: 11, guid, page: 2 }, Status.UnknownGuid);
  });

  simTest('write page to a page never paged in: bad page, the payload is discarded and nothing changes', async ({ sim, random }) => {
    const env = await MirrorEnv.start(sim);
    const { host, view, guid, writer } = await allocationInUse(env, random);
    const before = await snapshot(env, view);
    const request = { type: MsgType.WritePage, tag: 9, guid, page: 0, owner: writer, payload: pageData(env, random) };
    expectComplete(await ask(host, request), { ...request, payload: undefined }, Status.BadPage);
    expect(await snapshot(env, view)).toEqual(before);
    await expectStillServing(host, view, guid);
  });

  simTest('write page to a resident page nobody has write-locked: written (write page takes no lock), tables unchanged', async ({ sim, random }) => {
    const env = await MirrorEnv.start(sim);
    const { host, view, guid } = await allocationInUse(env, random);
    const before = await snapshot(env, view);
    const frame = before.state.pages.get(guid)![1]!.frame;
    const data = pageData(env, random);
    const request = { type: MsgType.WritePage, tag: 9, guid, page: 1, owner: ownerOf(0, 3), payload: data };
    expectComplete(await ask(host, request), { ...request, payload: undefined }, Status.Ok);
    const after = await snapshot(env, view);
    expect(after.state).toEqual(before.state);
    expect(after.memory).toEqual(before.memory.map((words, index) => (index === frame ? data : words)));
    await expectStillServing(host, view, guid);
  });
});

describe('out of order', () => {
  simTest('lock request, allocate read/write and release pointer before allocate memory: unknown GUID, nothing changes; served after it', async ({ sim }) => {
    const env = await MirrorEnv.start(sim);
    const host = env.partners.b;
    const view = env.views.b;
    const guid = 0x0010;
    const owner = ownerOf(0, 2);
    const early: Request[] = [
      { type: MsgType.LockReq, guid, page: 0 },
      { type: MsgType.AllocRead, guid, page: 0, owner, arg1: 1 },
      { type: MsgType.AllocWrite, guid, page: 1, owner, arg1: 1 },
      { type: MsgType.ReleasePtr, guid, page: 0, owner },
      { type: MsgType.ReadHeader, guid },
      { type: MsgType.ReleaseMem, guid, owner },
    ];
    for (const [index, request] of early.entries()) {
      await expectRefused(env, host, view, { ...request, tag: 1 + index }, Status.UnknownGuid);
    }
    expect((await view.state()).allocs).toEqual([]);

    const create = { type: MsgType.AllocMem, tag: 20, guid, owner, arg0: 2, arg1: 3 << 8 };
    expectComplete(await ask(host, create), create, Status.Ok);
    expect(await ask(host, { type: MsgType.LockReq, tag: 21, guid, page: 0 })).toMatchObject({ type: MsgType.LockStatus, arg0: 0, arg1: 0 });
    for (const [index, request] of early.slice(1, 3).entries()) {
      const tagged = { ...request, tag: 22 + index };
      expectComplete(await ask(host, tagged), tagged, Status.Ok);
    }
    const pages = (await view.state()).pages.get(guid)!;
    expect(pages[0]).toMatchObject({ resident: true, readCount: 1, readOwners: 1 << owner, writeLocked: false });
    expect(pages[1]).toMatchObject({ resident: true, readCount: 0, writeLocked: true, writeOwner: owner });
    await expectStillServing(host, view, guid);
  });

  simTest('release pointer before any allocate read or write: not owner, nothing changes', async ({ sim, random }) => {
    const env = await MirrorEnv.start(sim);
    const { host, view, guid, writer } = await allocationInUse(env, random);
    const stranger = ownerOf(0, 1);
    // A page never paged in, a page another owner reads, a page another owner writes.
    await expectRefused(env, host, view, { type: MsgType.ReleasePtr, tag: 9, guid, page: 0, owner: stranger }, Status.NotOwner);
    await expectRefused(env, host, view, { type: MsgType.ReleasePtr, tag: 10, guid, page: 1, owner: stranger }, Status.NotOwner);
    await expectRefused(env, host, view, { type: MsgType.ReleasePtr, tag: 11, guid, page: 2, owner: stranger }, Status.NotOwner);
    // Nor may an owner release the other kind of lock's page.
    await expectRefused(env, host, view, { type: MsgType.ReleasePtr, tag: 12, guid, page: 1, owner: writer }, Status.NotOwner);
    await expectRefused(env, host, view, { type: MsgType.ReleasePtr, tag: 13, guid, page: 2, owner: ownerOf(0, 4) }, Status.NotOwner);
    await expectStillServing(host, view, guid);
  });

  simTest('write page, then read header: the header maps the page to the frame that holds the data', async ({ sim, random }) => {
    const env = await MirrorEnv.start(sim);
    const host = env.partners.a; // the host plays node B towards node A
    const view = env.views.a;
    const guid = 0x8003;
    const owner = ownerOf(1, 2);
    const create = { type: MsgType.AllocMem, tag: 1, guid, owner, arg0: 4, arg1: (6 << 8) | 1 };
    expectComplete(await ask(host, create), create, Status.Ok);
    const lock = { type: MsgType.AllocWrite, tag: 2, guid, page: 3, owner, arg1: 1 };
    expectComplete(await ask(host, lock), lock, Status.Ok);
    const data = pageData(env, random);
    const write = { type: MsgType.WritePage, tag: 3, guid, page: 3, owner, payload: data };
    expectComplete(await ask(host, write), { ...write, payload: undefined }, Status.Ok);

    const header = await ask(host, { type: MsgType.ReadHeader, tag: 4, guid });
    expect(header).toMatchObject({ type: MsgType.Header, tag: 4, guid, arg0: 4 });
    const state = await view.state();
    const alloc = state.allocs.find((entry) => entry.guid === guid)!;
    expect(header.payload).toHaveLength(2 + 2 * 4);
    expect(header.payload[0]).toBe(((guid << 16) | (4 << 8) | (1 << 4) | owner) >>> 0);
    expect(header.payload[1]).toBe((1 << 8) | 6);
    expect(alloc.origSlot).toBe(6);
    const pages = state.pages.get(guid)!;
    for (let page = 0; page < 4; page++) {
      const entry = pages[page]!;
      const map = (((entry.resident ? 1 : 0) << 30) | ((entry.modified ? 1 : 0) << 29) | ((entry.writeLocked ? 1 : 0) << 28) |
        (entry.writeOwner << 24) | (entry.readCount << 16) | entry.frame) >>> 0;
      expect(header.payload[2 + 2 * page]).toBe(map);
    }
    const mapped = header.payload[2 + 2 * 3]!;
    expect(mapped >>> 30).toBe(1); // resident
    expect((mapped >>> 28) & 1).toBe(1); // write locked
    expect(await view.frame(mapped & 0xffff)).toEqual(data);
  });

  simTest('allocate write on a page another owner has read-locked: null, nothing changes; granted once the reader releases', async ({ sim, random }) => {
    const env = await MirrorEnv.start(sim);
    const { host, view, guid, reader } = await allocationInUse(env, random);
    const other = ownerOf(0, 2);
    const write = { type: MsgType.AllocWrite, tag: 9, guid, page: 1, owner: other };
    await expectRefused(env, host, view, write, Status.Null);
    await expectRefused(env, host, view, { ...write, tag: 10, arg1: 1 }, Status.Null);
    const release = { type: MsgType.ReleasePtr, tag: 11, guid, page: 1, owner: reader };
    expectComplete(await ask(host, release), release, Status.Ok);
    expectComplete(await ask(host, { ...write, tag: 12 }), { ...write, tag: 12 }, Status.Ok);
    expect((await view.state()).pages.get(guid)![1]).toMatchObject({ resident: true, readCount: 0, readOwners: 0, writeLocked: true, writeOwner: other });
  });

  simTest('allocate read or write on a page another owner has write-locked: null, nothing changes', async ({ sim, random }) => {
    const env = await MirrorEnv.start(sim);
    const { host, view, guid } = await allocationInUse(env, random);
    const other = ownerOf(0, 2);
    await expectRefused(env, host, view, { type: MsgType.AllocRead, tag: 9, guid, page: 2, owner: other }, Status.Null);
    await expectRefused(env, host, view, { type: MsgType.AllocWrite, tag: 10, guid, page: 2, owner: other }, Status.Null);
    await expectStillServing(host, view, guid);
  });
});

describe('refused messages', () => {
  simTest('a GUID of the receiving node itself: not local for every message that names an allocation, nothing changes', async ({ sim, random }) => {
    const env = await MirrorEnv.start(sim);
    const own = await env.processes.b.allocate(3, 2);
    expect(own.status).toBe(Status.Ok);
    expect(own.guid >> 15).toBe(1);
    expect((await env.processes.b.getRead(3, own.guid, 0)).status).toBe(Status.Ok);
    await env.quiesce();
    const host = env.partners.b;
    const view = env.views.b;
    const owner = ownerOf(1, 3);
    const requests: Request[] = [
      { type: MsgType.AllocMem, guid: 0x8055, owner, arg0: 1 },
      { type: MsgType.AllocMem, guid: own.guid, owner, arg0: 1 },
      { type: MsgType.ReleaseMem, guid: own.guid, owner },
      { type: MsgType.LockReq, guid: own.guid, page: 0 },
      { type: MsgType.ReadHeader, guid: own.guid },
      { type: MsgType.AllocRead, guid: own.guid, page: 1, owner, arg1: 1 },
      { type: MsgType.AllocWrite, guid: own.guid, page: 0, owner: ownerOf(1, 4) },
      { type: MsgType.ReleasePtr, guid: own.guid, page: 0, owner },
      { type: MsgType.ReleasePtr, guid: own.guid, page: 0, owner, arg1: 2 },
      // The page is resident here (the process holds it): its frame must not be written.
      { type: MsgType.WritePage, guid: own.guid, page: 0, owner, payload: pageData(env, random) },
    ];
    for (const [index, request] of requests.entries()) {
      await expectRefused(env, host, view, { ...request, tag: 1 + index }, Status.NotLocal);
    }
    // The link still delivers: a process on A allocates (through B) and releases.
    await expectLinkServing(env);
    // The node's own process still holds its read pointer and reads through it.
    expect((await env.processes.b.access({ write: false, pid: 3, guid: own.guid, page: 0, offset: 0 })).status).toBe(Status.Ok);
    expect((await env.processes.b.releaseMemory(3, own.guid)).status).toBe(Status.Ok);
  });

  simTest('pages out of range: bad page for every page message (no aliasing onto a page in range), nothing changes', async ({ sim, random }) => {
    const env = await MirrorEnv.start(sim);
    const { host, view, guid, reader, writer } = await allocationInUse(env, random);
    let tag = 10;
    for (const page of [3, MAX_PAGES, MAX_PAGES + 1, 0x0101, 0xffff]) {
      const requests: Request[] = [
        { type: MsgType.LockReq, guid, page },
        { type: MsgType.AllocRead, guid, page, owner: reader, arg1: 1 },
        { type: MsgType.AllocWrite, guid, page, owner: writer, arg1: 1 },
        { type: MsgType.ReleasePtr, guid, page, owner: reader },
        { type: MsgType.ReleasePtr, guid, page, owner: writer, arg1: 2 },
      ];
      for (const request of requests) await expectRefused(env, host, view, { ...request, tag: tag++ }, Status.BadPage);
      const before = await snapshot(env, view);
      const write = { type: MsgType.WritePage, tag: tag++, guid, page, owner: writer, payload: pageData(env, random) };
      expectComplete(await ask(host, write), { ...write, payload: undefined }, Status.BadPage);
      expect(await snapshot(env, view)).toEqual(before);
    }
    await expectStillServing(host, view, guid);
  });

  simTest('allocate memory of no pages or of more than a table holds: bad page, nothing changes', async ({ sim, random }) => {
    const env = await MirrorEnv.start(sim);
    const { host, view, guid } = await allocationInUse(env, random);
    for (const [index, pages] of [0, MAX_PAGES + 1, 256, 0xffff_ffff].entries()) {
      await expectRefused(env, host, view, { type: MsgType.AllocMem, tag: 10 + index, guid: 0x0050, owner: ownerOf(0, 1), arg0: pages }, Status.BadPage);
    }
    await expectStillServing(host, view, guid);
  });

  simTest('evict a page another owner holds: bad page, nothing changes', async ({ sim, random }) => {
    const env = await MirrorEnv.start(sim);
    const { host, view, guid, reader } = await allocationInUse(env, random);
    await expectRefused(env, host, view, { type: MsgType.ReleasePtr, tag: 9, guid, page: 1, owner: ownerOf(0, 1), arg1: 2 }, Status.BadPage);
    await expectRefused(env, host, view, { type: MsgType.ReleasePtr, tag: 10, guid, page: 2, owner: reader, arg1: 2 }, Status.BadPage);
    await expectStillServing(host, view, guid);
  });

  const cutShort: ReadonlyArray<[string, (words: number[]) => number[]]> = [
    ['one header word', (words) => words.slice(0, 1)],
    ['two header words', (words) => words.slice(0, 2)],
    ['three header words', (words) => words.slice(0, 3)],
    ['a payload announced in word 0 but none sent', (words) => [(words[0]! | (1 << 18)) >>> 0, ...words.slice(1, 4)]],
  ];
  for (const [name, cut] of cutShort) {
    for (const [label, type] of [['allocate memory', MsgType.AllocMem], ['release memory', MsgType.ReleaseMem], ['allocate write', MsgType.AllocWrite]] as const) {
      simTest(`${label} with ${name}: bad request, nothing changes, the node answers after`, async ({ sim, random }) => {
        const env = await MirrorEnv.start(sim);
        const { host, view, guid, owner, writer } = await allocationInUse(env, random);
        const request: Request =
          type === MsgType.AllocMem ? { type, tag: 9, guid: 0x0050, owner, arg0: 2 }
          : type === MsgType.ReleaseMem ? { type, tag: 9, guid, owner }
          : { type, tag: 9, guid, page: 0, owner: writer, arg1: 1 };
        const before = await snapshot(env, view);
        host.sendWords(cut(encodeMessage(request)));
        expect(await answer(host)).toMatchObject({ type: MsgType.Complete, tag: 9, arg1: Status.BadRequest });
        expect(await snapshot(env, view)).toEqual(before);
        await expectStillServing(host, view, guid);
      });
    }
  }

  simTest('write page whose payload is not announced in word 0: bad request, the page is not written', async ({ sim, random }) => {
    const env = await MirrorEnv.start(sim);
    const { host, view, guid, writer } = await allocationInUse(env, random);
    const before = await snapshot(env, view);
    host.sendWords([...encodeMessage({ type: MsgType.WritePage, tag: 9, guid, page: 2, owner: writer }), ...pageData(env, random)]);
    expect(await answer(host)).toMatchObject({ type: MsgType.Complete, tag: 9, guid, page: 2, arg1: Status.BadRequest });
    expect(await snapshot(env, view)).toEqual(before);
    await expectStillServing(host, view, guid);
  });

  simTest('message type 0 and an unknown sense: bad request, nothing changes, the node answers after', async ({ sim, random }) => {
    const env = await MirrorEnv.start(sim);
    const { host, view, guid, owner } = await allocationInUse(env, random);
    await expectRefused(env, host, view, { type: MsgType.None, tag: 9, guid, page: 1, owner }, Status.BadRequest);
    await expectRefused(env, host, view, { type: MsgType.None, tag: 10 }, Status.BadRequest);
    for (const what of [4, 15, 0xffff_ffff]) {
      const before = await snapshot(env, view);
      expect(await ask(host, { type: MsgType.SenseReq, tag: 11, arg0: what })).toMatchObject({ type: MsgType.Complete, tag: 11, arg1: Status.BadRequest });
      expect(await snapshot(env, view)).toEqual(before);
    }
    await expectStillServing(host, view, guid);
  });
});

describe('a payload where none belongs, or not one page', () => {
  // Every request but write page is four words; docs/rtl.md: a message of the
  // wrong length is a bad request, changes nothing, and is taken whole (its
  // payload drained) before the answer leaves.
  const carriers: ReadonlyArray<[string, (guid: number) => Request]> = [
    ['message type 0', () => ({ type: MsgType.None })],
    ['space request', () => ({ type: MsgType.SpaceReq, arg0: 1 })],
    ['allocate memory', () => ({ type: MsgType.AllocMem, guid: 0x0050, owner: ownerOf(0, 1), arg0: 2 })],
    ['release memory', (guid) => ({ type: MsgType.ReleaseMem, guid, owner: ownerOf(0, 5) })],
    ['lock request', (guid) => ({ type: MsgType.LockReq, guid, page: 1 })],
    ['read header', (guid) => ({ type: MsgType.ReadHeader, guid })],
    ['sense request', () => ({ type: MsgType.SenseReq, arg0: 0 })],
    ['allocate read with page-in', (guid) => ({ type: MsgType.AllocRead, guid, page: 0, owner: ownerOf(0, 1), arg1: 1 })],
    ['allocate write of a resident page', (guid) => ({ type: MsgType.AllocWrite, guid, page: 1, owner: ownerOf(0, 5) })],
    ['release pointer', (guid) => ({ type: MsgType.ReleasePtr, guid, page: 2, owner: ownerOf(0, 6) })],
  ];
  for (const [name, make] of carriers) {
    simTest(`${name} carrying a payload: bad request once the payload is drained, nothing changes, the node answers after`, async ({ sim, random }) => {
      const env = await MirrorEnv.start(sim);
      const { host, view, guid } = await allocationInUse(env, random);
      const watch = await watchInjection(sim, 'b');
      const payload = [random.int(0, 0xffff_ffff), random.int(0, 0xffff_ffff)];
      await expectRefused(env, host, view, { ...make(guid), tag: 9, payload }, Status.BadRequest);
      await expectTakenWholeBeforeAnswer(watch, 4 + payload.length);
      // Exactly one answer: the next one is the lock status asked for next.
      await expectStillServing(host, view, guid);
      await expectLinkServing(env);
    });
  }

  simTest('lock request carrying a whole page: bad request, nothing changes, the node answers after', async ({ sim, random }) => {
    const env = await MirrorEnv.start(sim);
    const { host, view, guid } = await allocationInUse(env, random);
    await expectRefused(env, host, view, { type: MsgType.LockReq, tag: 9, guid, page: 2, payload: pageData(env, random) }, Status.BadRequest);
    await expectStillServing(host, view, guid);
  });

  const lengths: ReadonlyArray<[string, (pageWords: number) => number]> = [
    ['one word', () => 1],
    ['half a page', (pageWords) => pageWords / 2],
    ['a page less one word', (pageWords) => pageWords - 1],
    ['a page and one word', (pageWords) => pageWords + 1],
    ['two pages', (pageWords) => 2 * pageWords],
  ];
  for (const [name, length] of lengths) {
    simTest(`write page of ${name}: bad request, the frame is not touched, a whole page is written after`, async ({ sim, random }) => {
      const env = await MirrorEnv.start(sim);
      const { host, view, guid, writer, data } = await allocationInUse(env, random);
      const frame = (await view.state()).pages.get(guid)![2]!.frame;
      const watch = await watchInjection(sim, 'b');
      const payload = Array.from({ length: length(env.config.pageWords) }, () => random.int(0, 0xffff_ffff));
      await expectRefused(env, host, view, { type: MsgType.WritePage, tag: 9, guid, page: 2, owner: writer, payload }, Status.BadRequest);
      await expectTakenWholeBeforeAnswer(watch, 4 + payload.length);
      expect(await view.frame(frame)).toEqual(data);
      await expectStillServing(host, view, guid);
      // A write page of one page is still written, into the same frame.
      const before = await snapshot(env, view);
      const page = pageData(env, random);
      const write = { type: MsgType.WritePage, tag: 30, guid, page: 2, owner: writer, payload: page };
      expectComplete(await ask(host, write), write, Status.Ok);
      const after = await snapshot(env, view);
      expect(after.state).toEqual(before.state);
      expect(after.memory).toEqual(before.memory.map((words, index) => (index === frame ? page : words)));
      await expectLinkServing(env);
    });
  }

  simTest('write page of the header alone (no payload announced or sent): bad request, nothing changes, the node answers after', async ({ sim, random }) => {
    const env = await MirrorEnv.start(sim);
    const { host, view, guid, writer } = await allocationInUse(env, random);
    await expectRefused(env, host, view, { type: MsgType.WritePage, tag: 9, guid, page: 2, owner: writer }, Status.BadRequest);
    await expectStillServing(host, view, guid);
    await expectLinkServing(env);
  });

  simTest('write page whose payload is not announced: bad request once the payload is drained', async ({ sim, random }) => {
    const env = await MirrorEnv.start(sim);
    const { host, view, guid, writer } = await allocationInUse(env, random);
    const watch = await watchInjection(sim, 'b');
    const before = await snapshot(env, view);
    host.sendWords([...encodeMessage({ type: MsgType.WritePage, tag: 9, guid, page: 2, owner: writer }), ...pageData(env, random)]);
    expect(await answer(host)).toMatchObject({ type: MsgType.Complete, tag: 9, guid, page: 2, arg1: Status.BadRequest });
    await expectTakenWholeBeforeAnswer(watch, 4 + env.config.pageWords);
    expect(await snapshot(env, view)).toEqual(before);
    await expectStillServing(host, view, guid);
  });
});

describe('the injection port carries requests only', () => {
  const answers: ReadonlyArray<[string, Request]> = [
    ['complete', { type: MsgType.Complete, arg1: Status.Ok }],
    ['space status', { type: MsgType.SpaceStatus, arg0: 8, arg1: 0b11 }],
    ['lock status', { type: MsgType.LockStatus, page: 1, arg0: 0x8000 }],
    ['header', { type: MsgType.Header, arg0: 3 }],
    ['header with its payload', { type: MsgType.Header, arg0: 3, payload: [0x0042_0305, 0x0000_0105, 0, 0, 0, 0, 0, 0] }],
    ['sense info', { type: MsgType.SenseInfo, arg0: 1, arg1: 1 }],
  ];
  for (const [name, message] of answers) {
    simTest(`an answer (${name}) injected: bad request on the injection port, nothing changes, the originator sees nothing`, async ({ sim, random }) => {
      const env = await MirrorEnv.start(sim);
      const { host, view, guid } = await allocationInUse(env, random);
      const responses = env.processes.b.responses;
      await expectRefused(env, host, view, { ...message, tag: 9, guid }, Status.BadRequest);
      await expectStillServing(host, view, guid);
      expect(env.processes.b.responses).toBe(responses);
      await expectLinkServing(env);
    });
  }

  simTest('answers injected with the tag the originator waits for: bad request, the originator takes only its partner\'s answers', async ({ sim }) => {
    const env = await MirrorEnv.start(sim);
    const dut = sim.dut;
    const host = env.partners.b;
    // Slow the link both ways (below any retransmission) so the injected
    // answers arrive well before the real ones.
    dut.fault_delay_ab_i.value = 40;
    dut.fault_delay_ba_i.value = 40;
    const made = env.processes.b.allocate(2, 1, { immediate: true });
    // B's space request leaving on the link names the tag B waits for.
    const tx = sim.signal('u_node_b.tx_data_o');
    await sim.signal('u_node_b.tx_valid_o').waitFor(1, { clock: dut.clk_i, budget: 1000 });
    const header = await tx.readNumber();
    expect(header >>> 28).toBe(MsgType.SpaceReq);
    const tag = (header >>> 20) & 0xff;
    // What would deny the allocation if the originator took it: no frames, no slot.
    const fakes: Request[] = [
      { type: MsgType.SpaceStatus, tag, srcNode: 0, arg0: 0, arg1: 0 },
      { type: MsgType.Complete, tag, srcNode: 0, arg1: Status.NoSlot },
    ];
    for (const fake of fakes) {
      expect(await ask(host, fake)).toMatchObject({ type: MsgType.Complete, tag, arg1: Status.BadRequest });
    }
    const response = await made;
    dut.fault_delay_ab_i.value = 0;
    dut.fault_delay_ba_i.value = 0;
    expect(response.status).toBe(Status.Ok);
    await env.quiesce();
    for (const view of [env.views.a, env.views.b]) {
      expect((await view.state()).allocs.map((entry) => entry.guid)).toEqual([response.guid]);
    }
    await ClockCycles(dut.clk_i, 10);
    expect(env.processes.b.responses).toBe(1);
  });
});

describe('sense requests', () => {
  simTest('arg0 other than 0-3 is a bad request, whatever its low bits; 0-3 are answered; nothing changes', async ({ sim, random }) => {
    const env = await MirrorEnv.start(sim);
    const { host, view, guid } = await allocationInUse(env, random);
    const before = await snapshot(env, view);
    let tag = 10;
    for (const what of [0x10, 0x11, 0x12, 0x13, 0x100, 0x8000_0000, 0x8000_0003, 0xffff_fff0]) {
      expect(await ask(host, { type: MsgType.SenseReq, tag, arg0: what })).toMatchObject({ type: MsgType.Complete, tag, arg1: Status.BadRequest });
      tag++;
    }
    const answers: ReadonlyArray<Partial<Message>> = [
      { arg0: env.config.frames - 2, arg1: env.config.frames }, // free frames, frames
      { arg0: 1 }, // live allocations (arg1: the GUID counter)
      { arg0: 0, arg1: 0 }, // queue depths
      { arg0: 1, arg1: 1 }, // node B, link up
    ];
    for (const [what, fields] of answers.entries()) {
      expect(await ask(host, { type: MsgType.SenseReq, tag, arg0: what })).toMatchObject({ type: MsgType.SenseInfo, tag, ...fields });
      tag++;
    }
    expect(await snapshot(env, view)).toEqual(before);
    await expectStillServing(host, view, guid);
  });
});
