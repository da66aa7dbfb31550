// What the failover tests share: writing whole pages, and the check that
// both nodes' tables, locks and pages agree.
import { expect } from 'vitest';
import { Status } from '../../src/mirror/encoding.js';
import type { MirrorEnv } from '../../src/mirror/env.js';
import type { ProcessAgent } from '../../src/mirror/process-agent.js';
import type { NodeName, NodeState } from '../../src/mirror/state.js';
import type { Random } from '../../src/sim/random.js';

/** A page's worth of random words. */
export function randomPage(env: MirrorEnv, random: Random): number[] {
  return Array.from({ length: env.config.pageWords }, () => random.int(0, 0xffff_ffff));
}

/** Takes the write pointer of a page, writes `data` into it word by word and releases it (each answered ok). */
export async function writePage(agent: ProcessAgent, pid: number, guid: number, page: number, data: readonly number[]): Promise<void> {
  expect((await agent.getWrite(pid, guid, page)).status).toBe(Status.Ok);
  for (let offset = 0; offset < data.length; offset++) await agent.access({ write: true, pid, guid, page, offset, wdata: data[offset] });
  expect((await agent.releasePointer(pid, guid, page)).status).toBe(Status.Ok);
}

export async function frameOf(env: MirrorEnv, node: NodeName, state: NodeState, guid: number, page: number): Promise<number[] | undefined> {
  const entry = state.pages.get(guid)?.[page];
  return entry?.resident ? env.views[node].frame(entry.frame) : undefined;
}

/** Both nodes' tables, locks and resident pages agree. */
export async function expectMirrored(env: MirrorEnv): Promise<void> {
  const [sa, sb] = await Promise.all([env.views.a.state(), env.views.b.state()]);
  const allocs = (state: NodeState) => state.allocs.map((e) => `${e.guid}/${e.pages}/${e.owner}/${e.origSlot}`).sort();
  expect(allocs(sa)).toEqual(allocs(sb));
  for (const [guid, pages] of sa.pages) {
    for (let page = 0; page < pages.length; page++) {
      const [ea, eb] = [pages[page]!, sb.pages.get(guid)![page]!];
      const locks = (e: typeof ea) => ({ resident: e.resident, readOwners: e.readOwners, writeLocked: e.writeLocked, writeOwner: e.writeLocked ? e.writeOwner : 0 });
      expect(locks(ea), `0x${guid.toString(16)} page ${page}`).toEqual(locks(eb));
      // A writer's unreleased words are on its own node only: the partner holds the last released page.
      const owner = guid >> 15 ? sb : sa;
      const pending = owner.pages.get(guid)![page]!.writeLocked && owner.pages.get(guid)![page]!.modified;
      if (ea.resident && !pending) expect(await frameOf(env, 'a', sa, guid, page)).toEqual(await frameOf(env, 'b', sb, guid, page));
    }
  }
  for (const state of [sa, sb]) {
    const resident = [...state.pages.values()].flat().filter((e) => e.resident).length;
    expect(state.freeFrames).toBe(env.config.frames - resident);
  }
}
