// The reference model at a takeover: the survivor's tables and frames, read
// in the very step it starts serving alone, against what the model knows.
// The failed node's pointers are void and its writers' unreleased words
// lost; what it had in flight (or had answered `partner down`) is in doubt
// and must be all or nothing; everything acknowledged must be on the
// survivor, and the survivor's own processes keep their pointers.
import { guidNode, ownerOf, ProcOp, type ProcRequest } from './encoding.js';
import { ModelMismatch, type ModelAlloc, type ModelPage, type ReferenceModel } from './model.js';
import { matches } from './page-words.js';
import { nodeId, nodeNamed, type NodeName, type NodeState, type PageEntry } from './state.js';

interface Takeover {
  model: ReferenceModel;
  failed: NodeName;
  survivor: NodeName;
  state: NodeState;
  frame(index: number): number[];
  where: string;
}

/** Reconciles `model` with the survivor's state; returns the first rule the survivor broke. */
export function reconcileTakeover(
  model: ReferenceModel,
  failed: NodeName,
  survivor: NodeName,
  inDoubt: readonly ProcRequest[],
  state: NodeState,
  frame: (index: number) => number[],
): ModelMismatch | undefined {
  const takeover: Takeover = { model, failed, survivor, state, frame, where: `at the takeover of ${failed} by ${survivor}` };
  const ofKind = (op: ProcOp) => inDoubt.filter((request) => request.op === op);
  const releasing = new Set(ofKind(ProcOp.ReleasePtr).map((request) => `${request.guid}/${request.page}/${model.ownerFor(failed, request.guid!, request.pid)}`));
  const mismatch =
    keepAllocations(takeover, new Set(ofKind(ProcOp.ReleaseMem).map((request) => request.guid!))) ??
    adoptAllocations(takeover, ofKind(ProcOp.Allocate)) ??
    eachPage(takeover, (alloc, index, page, entry) => takeOverPage(takeover, alloc, index, page, entry, releasing.has(`${alloc.guid}/${index}/${page.writer}`)));
  if (mismatch) return mismatch;
  model.tookOver(failed, survivor);
  return model.checkReleasedPages(survivor, state, frame, 'failover: every acknowledged write is on the survivor', takeover.where);
}

/** Every acknowledged allocation is on the survivor (one whose release was in doubt may be gone). */
function keepAllocations({ model, survivor, state, where }: Takeover, releasingMemory: ReadonlySet<number>): ModelMismatch | undefined {
  for (const alloc of [...model.allocs.values()]) {
    if (state.pages.has(alloc.guid)) continue;
    if (releasingMemory.has(alloc.guid)) {
      model.allocs.delete(alloc.guid);
      continue;
    }
    return new ModelMismatch('failover: the survivor holds every acknowledged allocation', `${where}: allocation 0x${alloc.guid.toString(16)} of ${alloc.node} is missing from ${survivor}'s table`);
  }
  return undefined;
}

/** An allocation the survivor holds that no answer accounts for must be one in doubt: it is adopted. */
function adoptAllocations({ model, failed, survivor, state, where }: Takeover, allocating: ProcRequest[]): ModelMismatch | undefined {
  const failedId = nodeId(failed);
  for (const entry of state.allocs) {
    if (model.allocs.has(entry.guid)) continue;
    const index = allocating.findIndex((request) => {
      const home = request.home ?? failedId;
      return request.pages === entry.pages && ownerOf(home, request.pid) === entry.owner && guidNode(entry.guid) === home;
    });
    if (index < 0) {
      return new ModelMismatch('failover: the takeover adopts only allocations that were asked for', `${where}: ${survivor} holds allocation 0x${entry.guid.toString(16)} (${entry.pages} pages, owner ${entry.owner}) that no answer or request in flight accounts for`);
    }
    const [request] = allocating.splice(index, 1);
    model.addAllocation(entry.guid, nodeNamed(guidNode(entry.guid)), request!, entry.owner);
  }
  return undefined;
}

function eachPage(
  { model, state }: Takeover,
  visit: (alloc: ModelAlloc, index: number, page: ModelPage, entry: PageEntry) => ModelMismatch | undefined,
): ModelMismatch | undefined {
  for (const alloc of model.allocs.values()) {
    const entries = state.pages.get(alloc.guid)!;
    for (const [index, page] of alloc.page.entries()) {
      const mismatch = visit(alloc, index, page, entries[index]!);
      if (mismatch) return mismatch;
    }
  }
  return undefined;
}

function takeOverPage(takeover: Takeover, alloc: ModelAlloc, index: number, page: ModelPage, entry: PageEntry, releaseInFlight: boolean): ModelMismatch | undefined {
  const { model, failed, survivor, frame } = takeover;
  const failedId = nodeId(failed);
  const where = `${takeover.where}: allocation 0x${alloc.guid.toString(16)} page ${index}`;
  page.resident = entry.resident;
  for (const reader of [...page.readers]) if (reader >> 3 === failedId) page.readers.delete(reader);
  const failedReaders = entry.readOwners & (0xff << (8 * failedId));
  if (failedReaders !== 0 || (entry.writeLocked && entry.writeOwner >> 3 === failedId)) {
    return new ModelMismatch("failover: the failed node's pointers are void", `${where}: ${survivor} still holds read owners 0x${failedReaders.toString(16)}${entry.writeLocked ? `, write owner ${entry.writeOwner}` : ''} of ${failed}'s processes`);
  }
  if (page.writer !== undefined && page.writer >> 3 === failedId) {
    // A release in flight (or one refused with the partner lost): the page as released or as before, never a mix.
    const candidates = releaseInFlight ? [...page.doubtful, page.pending!] : page.doubtful;
    if (candidates.length > 0) {
      if (!entry.resident) return new ModelMismatch('tables agree: a granted page is resident on both nodes', `${where}: write-locked by ${failed}'s process, not resident on ${survivor}`);
      const words = frame(entry.frame);
      const released = candidates.find((candidate) => matches(words, candidate));
      if (released) page.committed = released;
      else if (!matches(words, page.committed)) {
        return new ModelMismatch('failover: a release in flight at the failure is applied whole or not at all', `${where}: frame ${entry.frame} on ${survivor} is neither a released nor the previous page`);
      }
    }
    page.writer = undefined;
    page.pending = undefined;
    page.doubtful = [];
  }
  // The survivor's own processes keep every pointer they were granted (unless a release of it is on its way).
  const releasing = (owner: number) => model.releaseOutstanding(survivor, alloc.guid, index, owner);
  const lost = [...page.readers].filter((reader) => !(entry.readOwners & (1 << reader)) && !releasing(reader));
  if (page.writer !== undefined && !(entry.writeLocked && entry.writeOwner === page.writer) && !releasing(page.writer)) lost.push(page.writer);
  if (lost.length > 0) {
    return new ModelMismatch('failover: the survivor keeps the locks it granted', `${where}: ${survivor} lost the lock(s) of owner(s) ${lost.join(', ')} (it holds read owners 0x${entry.readOwners.toString(16)}, write ${entry.writeLocked ? `owner ${entry.writeOwner}` : 'none'})`);
  }
  return undefined;
}
