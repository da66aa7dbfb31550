// A paging queue of two: a third request that would have to wait is denied
// at once (a grant could not be promised), and changes nothing.
import { expect } from 'vitest';
import { mirrorDesign } from '../../src/mirror/design.js';
import { MirrorEnv, mirrorConfig } from '../../src/mirror/env.js';
import { Status, ownerOf } from '../../src/mirror/encoding.js';
import { createSimTest } from '../../src/vitest/sim-test.js';

const parameters = { QueueDepth: 2 };
const simTest = createSimTest({ design: mirrorDesign(parameters) });

simTest('a full paging queue answers denied; the queued requests are still granted', async ({ sim }) => {
  const env = await MirrorEnv.start(sim, mirrorConfig(parameters));
  const a = env.processes.a;
  const { guid } = await a.allocate(0, 1);
  expect((await a.getWrite(0, guid, 0)).status).toBe(Status.Ok);
  const first = await a.getRead(1, guid, 0);
  const second = await a.getWrite(2, guid, 0);
  expect([first.status, second.status]).toEqual([Status.Null, Status.Null]);
  const grants = [a.granted(first.tag), a.granted(second.tag)];
  const before = await env.views.a.state();
  expect((await a.getRead(3, guid, 0)).status).toBe(Status.Denied);
  expect(await env.views.a.state()).toEqual(before);
  expect((await a.releasePointer(0, guid, 0)).status).toBe(Status.Ok);
  expect((await grants[0]!).status).toBe(Status.Granted);
  expect((await a.releasePointer(1, guid, 0)).status).toBe(Status.Ok);
  expect((await grants[1]!).status).toBe(Status.Granted);
  await env.quiesce();
  for (const view of [env.views.a, env.views.b]) {
    expect((await view.state()).pages.get(guid)![0]).toMatchObject({ writeLocked: true, writeOwner: ownerOf(0, 2), readCount: 0 });
  }
});
