// The fault point sweeps: for each step of each originator flow, and for
// each step of each partner-side message, fail the originator, and
// separately the partner, exactly there. The scoreboard follows: at the
// takeover the survivor must hold every acknowledged write, nothing
// half-applied, and no pointer of the failed node's processes; A's processes
// then carry on at the survivor and read the page back; after the failed
// node returns and is resynchronized, both nodes hold exactly what the model
// holds.
import { describe, expect } from 'vitest';
import { mirrorDesign } from '../../src/mirror/design.js';
import { MsgType, Status } from '../../src/mirror/encoding.js';
import { MirrorEnv } from '../../src/mirror/env.js';
import { failNode, restoreNode } from '../../src/mirror/node-failure.js';
import type { Scoreboard } from '../../src/mirror/scoreboard.js';
import { otherNode, type NodeName } from '../../src/mirror/state.js';
import type { Simulator } from '../../src/sim/simulator.js';
import type { Random } from '../../src/sim/random.js';
import { ValueChange } from '../../src/sim/triggers.js';
import { createSimTest } from '../../src/vitest/sim-test.js';
import { randomPage, writePage } from './mirror-checks.js';

const simTest = createSimTest({ design: mirrorDesign() });

// mm_originator's state encoding (the order of its state_e).
const ORIGINATOR_STATES = [
  'Idle', 'Check', 'SpaceSend', 'SpaceWait', 'SpaceWaitComplete', 'AllocSend', 'AllocWait',
  'LockSend', 'LockWait', 'GrantSend', 'GrantWait', 'PageInSend', 'PageInStart', 'PageInWait',
  'EvictSend', 'EvictVictim', 'EvictWait', 'ReplicateStart', 'ReplicateWait', 'ReleaseSend', 'ReleaseWait',
  'DismantleWait', 'Dismantle', 'MemReleaseWait', 'Respond', 'Requeue',
] as const;
// mm_partner's state encoding.
const PARTNER_STATES = [
  'Idle', 'Decode', 'FreePages', 'PageIn', 'PageInWait', 'Receive', 'ReceiveWait', 'DrainPayload',
  'Answer', 'AnswerWait', 'SecondAnswer', 'SecondAnswerWait',
] as const;
type OriginatorState = (typeof ORIGINATOR_STATES)[number];
type PartnerState = (typeof PARTNER_STATES)[number];

/** What the operations under test work on: an allocation of A's whose page 0 holds acknowledged data. */
interface Setup {
  env: MirrorEnv;
  guid: number;
}

/** An operation started on A (or a message injected into B); it is not awaited, the failure comes in the middle of it. */
interface Flow {
  name: string;
  /** Brings A to where the operation starts (not swept). */
  prepare?(setup: Setup, random: Random): Promise<void>;
  start(setup: Setup): void;
}

const FLOWS = {
  allocate: { name: 'allocate', start: ({ env }) => void env.processes.a.allocate(2, 2) },
  getReadResident: { name: 'get read pointer, resident', start: ({ env, guid }) => void env.processes.a.getRead(2, guid, 0) },
  getWritePagedIn: { name: 'get write pointer, paged in', start: ({ env, guid }) => void env.processes.a.getWrite(2, guid, 1) },
  releaseWritten: {
    name: 'release pointer of a written page',
    prepare: async ({ env, guid }, random) => {
      const a = env.processes.a;
      expect((await a.getWrite(1, guid, 0)).status).toBe(Status.Ok);
      const words = randomPage(env, random);
      for (let offset = 0; offset < words.length; offset++) await a.access({ write: true, pid: 1, guid, page: 0, offset, wdata: words[offset] });
    },
    start: ({ env, guid }) => void env.processes.a.releasePointer(1, guid, 0),
  },
  releaseMemory: { name: 'release memory', start: ({ env, guid }) => void env.processes.a.releaseMemory(1, guid) },
  // Queries the processes never send: injected into B as if from A.
  readHeader: { name: 'read header (injected into b)', start: ({ env, guid }) => env.partners.b.send({ type: MsgType.ReadHeader, guid, srcNode: 0 }) },
  sense: { name: 'sense (injected into b)', start: ({ env }) => env.partners.b.send({ type: MsgType.SenseReq, arg0: 1, srcNode: 0 }) },
} satisfies Record<string, Flow>;

/** Waits until `node`'s FSM (`signal`) is in state `state`, and, if given, while it handles a message of type `kind`. */
async function reachStep(sim: Simulator, signal: string, state: number, kind?: { header: string; type: MsgType }): Promise<void> {
  const dut = sim.dut;
  const fsm = sim.signal(signal);
  for (let tries = 0; tries < 20; tries++) {
    await fsm.waitFor(state, { clock: dut.clk_i, budget: 5000 });
    if (!kind) return;
    const header = sim.signal(kind.header);
    const type = Number((await header.read()) >> BigInt(header.width - 4));
    if (type === kind.type) return;
    await ValueChange(fsm); // another message in this state: wait for the next
  }
  throw new Error(`${signal} never reached state ${state}${kind ? ` on a ${MsgType[kind.type]}` : ''}`);
}

/** One fault point: set up, start the flow, fail `victim` at the step, check the takeover, bring it back, check both. */
async function failAt(sim: Simulator, random: Random, flow: Flow, victim: NodeName, reach: () => Promise<void>): Promise<void> {
  const env = await MirrorEnv.start(sim);
  const scoreboard: Scoreboard = await env.attachScoreboard({ partnerLoss: true });
  const a = env.processes.a;
  const guid = (await a.allocate(1, 2)).guid;
  await writePage(a, 1, guid, 0, randomPage(env, random));
  await env.quiesce();
  await scoreboard.checkpoint('set up');
  await flow.prepare?.({ env, guid }, random);
  flow.start({ env, guid });
  await reach();
  await failNode(env, scoreboard, victim);
  await continueAtSurvivor(env, scoreboard, otherNode(victim), guid);
  await restoreNode(env, scoreboard, victim);
  await env.quiesce();
  await scoreboard.checkpoint('after the failback');
  expect(scoreboard.violation?.message).toBeUndefined();
}

/**
 * A's processes carry on where A's allocation is served now (the survivor):
 * a writer still holding page 0 releases it, then another process reads it
 * whole through the data port (each word checked by the model).
 */
async function continueAtSurvivor(env: MirrorEnv, scoreboard: Scoreboard, survivor: NodeName, guid: number): Promise<void> {
  const alloc = scoreboard.model.allocs.get(guid);
  if (!alloc) return; // released (the release memory flow)
  const agent = env.processes[survivor];
  const writer = alloc.page[0]!.writer;
  if (writer !== undefined) expect((await agent.releasePointer(writer & 7, guid, 0)).status).toBe(Status.Ok);
  const read = await agent.getRead(3, guid, 0);
  expect([Status.Ok, Status.Granted]).toContain(read.status);
  for (let offset = 0; offset < env.config.pageWords; offset++) expect((await agent.access({ write: false, pid: 3, guid, page: 0, offset })).status).toBe(Status.Ok);
  expect((await agent.releasePointer(3, guid, 0)).status).toBe(Status.Ok);
  await env.quiesce();
}

const ORIGINATOR_SWEEP: Array<{ flow: Flow; steps: OriginatorState[] }> = [
  { flow: FLOWS.allocate, steps: ['Check', 'SpaceSend', 'SpaceWait', 'SpaceWaitComplete', 'AllocSend', 'AllocWait', 'Respond'] },
  { flow: FLOWS.getReadResident, steps: ['Check', 'LockSend', 'LockWait', 'GrantSend', 'GrantWait', 'Respond'] },
  { flow: FLOWS.getWritePagedIn, steps: ['Check', 'SpaceSend', 'SpaceWait', 'SpaceWaitComplete', 'PageInSend', 'PageInStart', 'PageInWait', 'Respond'] },
  { flow: FLOWS.releaseWritten, steps: ['Check', 'ReplicateStart', 'ReplicateWait', 'ReleaseSend', 'ReleaseWait', 'Respond'] },
  { flow: FLOWS.releaseMemory, steps: ['Check', 'DismantleWait', 'MemReleaseWait', 'Dismantle', 'Respond'] },
];

// Each of the ten messages, on the partner side (B), with the flow that makes A send it.
const PARTNER_SWEEP: Array<{ message: MsgType; flow: Flow; steps: PartnerState[] }> = [
  { message: MsgType.SpaceReq, flow: FLOWS.allocate, steps: ['Decode', 'Answer', 'AnswerWait', 'SecondAnswer', 'SecondAnswerWait'] },
  { message: MsgType.AllocMem, flow: FLOWS.allocate, steps: ['Decode', 'Answer', 'AnswerWait'] },
  { message: MsgType.LockReq, flow: FLOWS.getReadResident, steps: ['Decode', 'Answer', 'AnswerWait'] },
  { message: MsgType.AllocRead, flow: FLOWS.getReadResident, steps: ['Decode', 'Answer', 'AnswerWait'] },
  { message: MsgType.AllocWrite, flow: FLOWS.getWritePagedIn, steps: ['Decode', 'PageIn', 'PageInWait', 'Answer', 'AnswerWait'] },
  { message: MsgType.WritePage, flow: FLOWS.releaseWritten, steps: ['Decode', 'Receive', 'ReceiveWait', 'Answer', 'AnswerWait'] },
  { message: MsgType.ReleasePtr, flow: FLOWS.releaseWritten, steps: ['Decode', 'Answer', 'AnswerWait'] },
  { message: MsgType.ReleaseMem, flow: FLOWS.releaseMemory, steps: ['Decode', 'FreePages', 'Answer', 'AnswerWait'] },
  { message: MsgType.ReadHeader, flow: FLOWS.readHeader, steps: ['Decode', 'Answer', 'AnswerWait'] },
  { message: MsgType.SenseReq, flow: FLOWS.sense, steps: ['Decode', 'Answer', 'AnswerWait'] },
];

const VICTIMS = [
  ['the originator', 'a'],
  ['the partner', 'b'],
] as const;

describe('originator steps', () => {
  for (const { flow, steps } of ORIGINATOR_SWEEP) {
    describe(flow.name, () => {
      for (const [who, victim] of VICTIMS) {
        for (const step of steps) {
          simTest(`failing ${who} at ${step}`, async ({ sim, random }) => {
            await failAt(sim, random, flow, victim, () => reachStep(sim, 'u_node_a.u_mm.u_originator.state_q', ORIGINATOR_STATES.indexOf(step)));
          });
        }
      }
    });
  }
});

describe('partner-side message steps', () => {
  for (const { message, flow, steps } of PARTNER_SWEEP) {
    describe(`${MsgType[message]} (${flow.name})`, () => {
      for (const [who, victim] of VICTIMS) {
        for (const step of steps) {
          simTest(`failing ${who} at ${step}`, async ({ sim, random }) => {
            const kind = { header: 'u_node_b.u_mm.u_partner.hdr_q', type: message };
            await failAt(sim, random, flow, victim, () => reachStep(sim, 'u_node_b.u_mm.u_partner.state_q', PARTNER_STATES.indexOf(step), kind));
          });
        }
      }
    });
  }
});
