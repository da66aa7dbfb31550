// The process-side samplers, on a reference model set up by hand: a pointer
// request's locks as the model holds them when it is issued (relative to the
// requesting owner), and each answer, the denials among them.
import { expect, test } from 'vitest';
import { ownerOf, ProcOp, Status, type ProcResponse } from '../../src/mirror/encoding.js';
import { CoverageSampler } from '../../src/mirror/coverage-sampler.js';
import type { LinkMonitor } from '../../src/mirror/link-monitor.js';
import { ReferenceModel } from '../../src/mirror/model.js';
import type { Simulator } from '../../src/sim/simulator.js';

function setup() {
  // Only the clock is read outside a node failure.
  const sampler = new CoverageSampler({ time: () => 0 } as unknown as Simulator);
  const model = new ReferenceModel({ pageWords: 4, maxPages: 8, maxAllocs: 8, frames: 8, queueDepth: 8, partnerLoss: false });
  model.addAllocation(0x0001, 'a', { tag: 0, op: ProcOp.Allocate, pid: 0, pages: 3 }, ownerOf(0, 0));
  sampler.watch({ model, link: {} as LinkMonitor });
  const crossHits = (group: string) => Object.fromEntries(Object.entries(sampler.data().groups[group]!).filter(([key]) => key.includes('×')));
  return { sampler, model, crossHits };
}

const answer = (op: ProcOp, status: Status, page = 0): ProcResponse => ({ tag: 1, op, pid: 1, guid: 0x0001, status, page, pointer: 0 });

test('a pointer request samples the page\'s locks as the model holds them, seen from the requester', () => {
  const { sampler, model, crossHits } = setup();
  const pages = model.allocs.get(0x0001)!.page;
  pages[1]!.readers.add(ownerOf(0, 2));
  pages[2]!.readers.add(ownerOf(0, 2)).add(ownerOf(1, 3));
  sampler.request('a', { tag: 1, op: ProcOp.GetRead, pid: 1, guid: 0x0001, page: 0 });
  sampler.request('a', { tag: 2, op: ProcOp.GetWrite, pid: 1, guid: 0x0001, page: 1 });
  sampler.request('a', { tag: 3, op: ProcOp.GetWrite, pid: 2, guid: 0x0001, page: 1 });
  sampler.request('a', { tag: 4, op: ProcOp.GetRead, pid: 2, guid: 0x0001, page: 2 });
  pages[0]!.writer = ownerOf(0, 5);
  sampler.request('b', { tag: 5, op: ProcOp.GetRead, pid: 1, guid: 0x0001, page: 0 });
  // Neither a release nor a page the allocation does not have is sampled.
  sampler.request('a', { tag: 6, op: ProcOp.ReleasePtr, pid: 1, guid: 0x0001, page: 0 });
  sampler.request('a', { tag: 7, op: ProcOp.GetRead, pid: 1, guid: 0x0001, page: 7 });
  expect(crossHits('lock_request')).toEqual({
    'request=getRead × holder=none × lock=free': 1,
    'request=getWrite × holder=other × lock=readOne': 1,
    'request=getWrite × holder=self × lock=readOne': 1,
    'request=getRead × holder=selfAndOther × lock=readShared': 1,
    // Served at b (as after a takeover), process 1 still acts as a's owner 1: another owner than the writer.
    'request=getRead × holder=other × lock=writeLocked': 1,
  });
});

test('every answer is sampled with its operation; denials by their path', () => {
  const { sampler, crossHits } = setup();
  sampler.response('a', answer(ProcOp.GetWrite, Status.Null));
  sampler.response('a', answer(ProcOp.GetWrite, Status.Granted));
  sampler.response('a', answer(ProcOp.Allocate, Status.Denied));
  sampler.response('b', answer(ProcOp.GetRead, Status.Denied));
  sampler.response('b', answer(ProcOp.GetWrite, Status.Denied));
  sampler.response('b', answer(ProcOp.ReleaseMem, 99 as Status));
  expect(crossHits('process_answers')).toEqual({
    'op=getWrite × status=Null': 1,
    'op=getWrite × status=Granted': 1,
    'op=allocate × status=Denied': 1,
    'op=getRead × status=Denied': 1,
    'op=getWrite × status=Denied': 1,
    'op=releaseMemory × status=other': 1,
  });
  expect(sampler.data().groups.denied_paths).toEqual({ 'path=allocationNoSlot': 1, 'path=pagingQueueFull': 2 });
});
