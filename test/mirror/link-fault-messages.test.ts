// Link faults aimed at one synchronization message at a time: node A runs an
// originator flow that sends every message type a process can cause, and a
// drop, a corruption or a delay is started exactly as the targeted message
// (or the partner's answer to it) leaves its node. The link must repair the
// loss by retransmission without going down, every operation must complete
// as it would on a clean link, and both nodes must end up mirrored.
import { describe, expect } from 'vitest';
import { createSimTest } from '../../src/vitest/sim-test.js';
import { mirrorDesign } from '../../src/mirror/design.js';
import { MirrorEnv } from '../../src/mirror/env.js';
import { MsgType, Status, ownerOf } from '../../src/mirror/encoding.js';
import type { NodeName, NodeState, PageEntry } from '../../src/mirror/state.js';
import type { Simulator } from '../../src/sim/simulator.js';
import type { Random } from '../../src/sim/random.js';
import { ClockCycles } from '../../src/sim/triggers.js';
import { startSoon } from '../../src/sim/task.js';

const simTest = createSimTest({ design: mirrorDesign() });

type FaultKind = 'drop' | 'corrupt' | 'delay';
/** `request`: the message itself, A to B; `answer`: the partner's answer to it, B to A. */
type Leg = 'request' | 'answer';

/** The message types a process on A makes A send, with the answer type the partner sends back first. */
const TARGETS: ReadonlyArray<{ type: MsgType; name: string; answer: MsgType }> = [
  { type: MsgType.SpaceReq, name: 'space request', answer: MsgType.SpaceStatus },
  { type: MsgType.AllocMem, name: 'allocate memory', answer: MsgType.Complete },
  { type: MsgType.AllocRead, name: 'allocate read with page-in', answer: MsgType.Complete },
  { type: MsgType.ReleasePtr, name: 'release pointer', answer: MsgType.Complete },
  { type: MsgType.LockReq, name: 'lock request', answer: MsgType.LockStatus },
  { type: MsgType.AllocWrite, name: 'allocate write', answer: MsgType.Complete },
  { type: MsgType.WritePage, name: 'write page', answer: MsgType.Complete },
  { type: MsgType.ReleaseMem, name: 'release memory', answer: MsgType.Complete },
];

const KINDS: readonly FaultKind[] = ['drop', 'corrupt', 'delay'];
const LEGS: readonly Leg[] = ['request', 'answer'];

/**
 * Extra wire cycles for a delayed frame: below the sender's ack timeout
 * (2·(22+2) + 2·4 + 16 = 72 cycles), so a delay alone must cost no
 * retransmission, and far inside the receiver's heartbeat timeout (129).
 */
const DELAY_CYCLES = 40;
/** Wire latency of mirror_top's link, cycles per direction. */
const LINK_LATENCY = 4;
/** Clock edges any single wait in this file may take. */
const BUDGET = 20_000;

/** The value of a link statistics counter (`stat_dropped_ab_o`, `a_down_events_o`, ...). */
function linkCounter(sim: Simulator, name: string): Promise<number> {
  return sim.signal(`u_link.${name}`).readNumber();
}

/**
 * Waits until `node` starts a message whose first word matches `value` under
 * `mask`, and returns that word. A payload word can match too: only a word
 * presented while no message holds the node's link port is a header.
 */
async function headerLeaving(sim: Simulator, node: NodeName, value: number, mask: number): Promise<number> {
  const clock = sim.dut.clk_i;
  const data = sim.signal(`u_node_${node}.tx_data_o`);
  for (;;) {
    await data.waitFor(value, { clock, mask, budget: BUDGET });
    const [valid, locked, word] = await Promise.all([
      sim.signal(`u_node_${node}.tx_valid_o`).read(),
      sim.signal(`u_node_${node}.u_mm.tx_locked_q`).read(),
      data.readNumber(),
    ]);
    if (valid === 1n && locked === 0n) return word;
    await ClockCycles(clock, 1);
  }
}

/**
 * Waits for the targeted message (or its answer) to leave its node, holds
 * the fault on that direction until the message's DATA frame has entered the
 * wire, and clears it. Resolves with the cycles from the frame's start to
 * the message's delivery to the other node.
 */
async function faultOnMessage(sim: Simulator, type: MsgType, answer: MsgType, leg: Leg, kind: FaultKind): Promise<number> {
  const clock = sim.dut.clk_i;
  const request = await headerLeaving(sim, 'a', (type << 28) >>> 0, 0xf000_0000);
  const dir = leg === 'request' ? 'ab' : 'ba';
  if (leg === 'answer') {
    const tag = (request >>> 20) & 0xff;
    await headerLeaving(sim, 'b', ((answer << 28) | (tag << 20)) >>> 0, 0xfff0_0000);
  }
  const frames = sim.signal(`u_link.stat_frames_${dir}_o`);
  const delivered = sim.signal(`u_link.stat_delivered_${dir}_o`);
  const [framesBefore, deliveredBefore] = await Promise.all([frames.readNumber(), delivered.readNumber()]);
  const fault = sim.signal(kind === 'delay' ? `fault_delay_${dir}_i` : `fault_${kind}_${dir}_i`);
  fault.value = kind === 'delay' ? DELAY_CYCLES : 1;
  await frames.waitFor(framesBefore + 1, { clock, budget: BUDGET });
  await ClockCycles(clock, 2);
  fault.value = 0;
  return 2 + (await delivered.waitFor(deliveredBefore + 1, { clock, budget: BUDGET }));
}

/** Both nodes' copies of one allocation agree: entry, page maps, locks and page contents. */
async function expectMirrored(env: MirrorEnv, guid: number): Promise<{ a: NodeState; b: NodeState }> {
  const [a, b] = await Promise.all([env.views.a.state(), env.views.b.state()]);
  const allocA = a.allocs.find((alloc) => alloc.guid === guid)!;
  const allocB = b.allocs.find((alloc) => alloc.guid === guid)!;
  expect(allocB).toEqual({ ...allocA, slot: allocB.slot });
  const lockView = (page: PageEntry) => ({
    resident: page.resident,
    readCount: page.readCount,
    readOwners: page.readOwners,
    writeLocked: page.writeLocked,
    writeOwner: page.writeOwner,
  });
  const pagesA = a.pages.get(guid)!;
  const pagesB = b.pages.get(guid)!;
  expect(pagesB.map(lockView)).toEqual(pagesA.map(lockView));
  for (let page = 0; page < pagesA.length; page++) {
    if (!pagesA[page]!.resident) continue;
    expect(await env.views.b.frame(pagesB[page]!.frame)).toEqual(await env.views.a.frame(pagesA[page]!.frame));
  }
  expect(b.freeFrames).toBe(a.freeFrames);
  return { a, b };
}

/**
 * The flow on A, every message type in it:
 * allocate (space request, allocate memory); read pointer on a page not yet
 * resident (space request, allocate read with page-in); release it (release
 * pointer); write pointer on the now resident page (lock request, allocate
 * write); a page of data written and released (write page, release pointer);
 * release memory.
 */
async function originatorFlow(env: MirrorEnv, random: Random): Promise<void> {
  const a = env.processes.a;
  const writer = 1;
  const reader = 2;
  const allocated = await a.allocate(writer, 2, { policy: 2 });
  expect(allocated.status).toBe(Status.Ok);
  const guid = allocated.guid;

  expect((await a.getRead(reader, guid, 0)).status).toBe(Status.Ok);
  expect((await a.releasePointer(reader, guid, 0)).status).toBe(Status.Ok);

  expect((await a.getWrite(writer, guid, 0)).status).toBe(Status.Ok);
  const data = Array.from({ length: env.config.pageWords }, () => random.int(0, 0xffff_ffff));
  for (let offset = 0; offset < data.length; offset++) {
    expect((await a.access({ write: true, pid: writer, guid, page: 0, offset, wdata: data[offset] })).status).toBe(Status.Ok);
  }
  expect((await a.releasePointer(writer, guid, 0)).status).toBe(Status.Ok);
  expect((await a.getRead(reader, guid, 1)).status).toBe(Status.Ok);
  await env.quiesce();

  const { a: stateA } = await expectMirrored(env, guid);
  expect(stateA.allocs).toEqual([expect.objectContaining({ guid, pages: 2, policy: 2, owner: ownerOf(0, writer) })]);
  const [page0, page1] = stateA.pages.get(guid)!;
  expect(page0).toMatchObject({ resident: true, writeLocked: false, readCount: 0, readOwners: 0, modified: false });
  expect(page1).toMatchObject({ resident: true, writeLocked: false, readCount: 1, readOwners: 1 << ownerOf(0, reader) });
  expect(await env.views.a.frame(page0!.frame)).toEqual(data);
  expect(stateA.freeFrames).toBe(env.config.frames - 2);

  expect((await a.releaseMemory(writer, guid)).status).toBe(Status.Ok);
  await env.quiesce();
  for (const view of [env.views.a, env.views.b]) {
    const state = await view.state();
    expect(state.allocs).toEqual([]);
    expect(state.freeFrames).toBe(env.config.frames);
  }
}

describe.each(KINDS)('%s', (kind) => {
  for (const leg of LEGS) {
    for (const target of TARGETS) {
      const where = leg === 'request' ? `${kind} a→b on the ${target.name} leaving A` : `${kind} b→a on B's answer to the ${target.name}`;
      simTest(where, async ({ sim, random }) => {
        const env = await MirrorEnv.start(sim);
        const dir = leg === 'request' ? 'ab' : 'ba';
        const fault = startSoon(() => faultOnMessage(sim, target.type, target.answer, leg, kind), `${kind} on the ${target.name}`);
        await originatorFlow(env, random);
        const latency = await fault;

        const counter = (name: string) => linkCounter(sim, `${name}_${dir}_o`);
        if (kind === 'drop') {
          expect(await counter('stat_dropped')).toBeGreaterThan(0);
          expect(await counter('stat_retx')).toBeGreaterThan(0);
        } else if (kind === 'corrupt') {
          expect(await counter('stat_crc_err')).toBeGreaterThan(0);
          expect(await counter('stat_retx')).toBeGreaterThan(0);
        } else {
          // Late, but whole and once: nothing lost, nothing sent twice. A
          // message is committed only once its whole frame (header, words,
          // CRC) is in, so it cannot be delivered sooner than this.
          const words = 4 + (leg === 'request' && target.type === MsgType.WritePage ? env.config.pageWords : 0);
          expect(latency).toBeGreaterThanOrEqual(DELAY_CYCLES + LINK_LATENCY + words + 2);
          expect(await counter('stat_dropped')).toBe(0);
          expect(await counter('stat_crc_err')).toBe(0);
          expect(await counter('stat_retx')).toBe(0);
          expect(await counter('stat_dup')).toBe(0);
        }
        expect(await linkCounter(sim, 'a_down_events_o')).toBe(0);
        expect(await linkCounter(sim, 'b_down_events_o')).toBe(0);
      });
    }
  }
});
