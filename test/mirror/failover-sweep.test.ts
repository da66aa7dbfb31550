// The fault point sweep: for each step of each originator flow, fail the
// originator — and separately its partner — exactly there. The survivor must
// take over with nothing half-applied and every acknowledged write intact;
// after the failed node returns and is resynchronized, both nodes mirror.
import { describe, expect } from 'vitest';
import { mirrorDesign } from '../../src/mirror/design.js';
import { MirrorEnv } from '../../src/mirror/env.js';
import { Status, type ProcResponse } from '../../src/mirror/encoding.js';
import { nodeId, otherNode, type NodeName } from '../../src/mirror/state.js';
import { expectMirrored, frameOf } from './mirror-checks.js';
import { createSimTest } from '../../src/vitest/sim-test.js';

const simTest = createSimTest({ design: mirrorDesign() });

// mm_originator's state encoding (the order of its state_e).
const STATES = [
  'Idle', 'Check', 'SpaceSend', 'SpaceWait', 'SpaceWaitComplete', 'AllocSend', 'AllocWait',
  'LockSend', 'LockWait', 'GrantSend', 'GrantWait', 'PageInSend', 'PageInStart', 'PageInWait',
  'EvictSend', 'EvictVictim', 'EvictWait', 'ReplicateStart', 'ReplicateWait', 'ReleaseSend', 'ReleaseWait',
  'DismantleWait', 'Dismantle', 'MemReleaseWait', 'Respond', 'Requeue',
] as const;
type State = (typeof STATES)[number];

interface Setup {
  guid: number;
  /** Page 0 as acknowledged before the operation. */
  acknowledged: number[];
  /** The words a release under test commits. */
  fresh: number[];
}

interface Flow {
  name: string;
  steps: State[];
  /** Brings A to the point where the operation starts (not swept). */
  prepare?(env: MirrorEnv, setup: Setup): Promise<void>;
  /** Starts the operation on A; resolves with its first answer. */
  start(env: MirrorEnv, setup: Setup): Promise<ProcResponse>;
}

const FLOWS: Flow[] = [
  { name: 'allocate', steps: ['Check', 'SpaceSend', 'SpaceWait', 'SpaceWaitComplete', 'AllocSend', 'AllocWait', 'Respond'], start: (env) => env.processes.a.allocate(2, 2) },
  { name: 'get read pointer, resident', steps: ['Check', 'LockSend', 'LockWait', 'GrantSend', 'GrantWait', 'Respond'], start: (env, s) => env.processes.a.getRead(2, s.guid, 0) },
  { name: 'get write pointer, paged in', steps: ['Check', 'SpaceSend', 'SpaceWait', 'SpaceWaitComplete', 'PageInSend', 'PageInStart', 'PageInWait', 'Respond'], start: (env, s) => env.processes.a.getWrite(2, s.guid, 1) },
  {
    name: 'release pointer of a written page',
    steps: ['Check', 'ReplicateStart', 'ReplicateWait', 'ReleaseSend', 'ReleaseWait', 'Respond'],
    prepare: async (env, s) => {
      const a = env.processes.a;
      expect((await a.getWrite(1, s.guid, 0)).status).toBe(Status.Ok);
      for (let offset = 0; offset < s.fresh.length; offset++) await a.access({ write: true, pid: 1, guid: s.guid, page: 0, offset, wdata: s.fresh[offset] });
    },
    start: (env, s) => env.processes.a.releasePointer(1, s.guid, 0),
  },
  { name: 'release memory', steps: ['Check', 'DismantleWait', 'MemReleaseWait', 'Dismantle', 'Respond'], start: (env, s) => env.processes.a.releaseMemory(1, s.guid) },
];

describe.each(FLOWS)('$name', (flow) => {
  describe.each(['originator', 'partner'] as const)('failing the %s', (victim) => {
    for (const step of flow.steps) simTest(`at ${step}`, async ({ sim, random }) => {
      const env = await MirrorEnv.start(sim);
      const dut = sim.dut;
      const words = env.config.pageWords;
      const acknowledged = Array.from({ length: words }, () => random.int(0, 0xffff_ffff));
      const fresh = Array.from({ length: words }, () => random.int(0, 0xffff_ffff));
      const a = env.processes.a;
      const guid = (await a.allocate(1, 2)).guid;
      expect((await a.getWrite(1, guid, 0)).status).toBe(Status.Ok);
      for (let offset = 0; offset < words; offset++) await a.access({ write: true, pid: 1, guid, page: 0, offset, wdata: acknowledged[offset] });
      expect((await a.releasePointer(1, guid, 0)).status).toBe(Status.Ok);
      await env.quiesce();

      await flow.prepare?.(env, { guid, acknowledged, fresh });
      let answer: ProcResponse | undefined;
      const operation = flow.start(env, { guid, acknowledged, fresh }).then((response) => (answer = response));
      const stateSignal = sim.signal('u_node_a.u_mm.u_originator.state_q');
      await stateSignal.waitFor(STATES.indexOf(step), { clock: dut.clk_i, budget: 5000 });
      const failed: NodeName = victim === 'originator' ? 'a' : 'b';
      const survivor = otherNode(failed);
      dut[`${failed}_fail_i`].value = 1;
      await dut[`${survivor}_solo_o`].waitFor(1, { clock: dut.clk_i, budget: 5000 });
      if (survivor === 'a') await operation; // the originator survives: its answer comes (ok, or the partner lost)

      const state = await env.views[survivor].state();
      // Nothing of the failed node's processes is locked any more; no frame leaked.
      for (const pages of state.pages.values()) {
        for (const entry of pages) {
          const failedId = nodeId(failed);
          expect(entry.readOwners & (0xff << (8 * failedId))).toBe(0);
          if (entry.writeLocked) expect(entry.writeOwner >> 3).not.toBe(failedId);
        }
      }
      const resident = [...state.pages.values()].flat().filter((e) => e.resident).length;
      expect(state.freeFrames).toBe(env.config.frames - resident);
      // Every acknowledged write is there, whole; a release in flight is all or nothing.
      if (flow.name === 'release memory') {
        if (answer?.status === Status.Ok) expect(state.pages.has(guid)).toBe(false);
      } else {
        const page0 = await frameOf(env, survivor, state, guid, 0);
        expect(page0).toBeDefined();
        const released = flow.name === 'release pointer of a written page';
        if (released && answer?.status === Status.Ok) expect(page0, `answered ${answer.status}`).toEqual(fresh);
        else if (released) expect([JSON.stringify(acknowledged), JSON.stringify(fresh)]).toContain(JSON.stringify(page0));
        else expect(page0).toEqual(acknowledged);
      }
      if (flow.name === 'allocate' && answer?.status === Status.Ok) expect(state.pages.has(answer.guid)).toBe(true);

      // The failed node returns, is resynchronized, and both mirror again.
      dut[`${failed}_fail_i`].value = 0;
      await dut[`${survivor}_solo_o`].waitFor(0, { clock: dut.clk_i, budget: 20_000 });
      await dut[`${failed}_returned_o`].waitFor(0, { clock: dut.clk_i, budget: 1000 });
      await env.quiesce();
      await expectMirrored(env);
      // A write still held (its release failed with the partner) is not on the partner: the acknowledged page is.
      const [sa, sb] = await Promise.all([env.views.a.state(), env.views.b.state()]);
      const held = sa.pages.get(guid)?.[0];
      if (held?.writeLocked && held.modified) expect(await frameOf(env, 'b', sb, guid, 0)).toEqual(acknowledged);
    });
  });
});
