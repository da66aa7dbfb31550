// The mirror scoreboard: checks every process answer and data access against
// the reference model as it happens, the link's deliveries as they are
// drained, and at every quiescent point the invariants of DESIGN.md §2 on
// both nodes' own tables, frames and the shared disk.
import { MirrorsimError } from '../errors.js';
import type { Simulator } from '../sim/simulator.js';
import { ProcOp, Status, type DataRequest, type ProcRequest, type ProcResponse } from './encoding.js';
import { diskBlockWord, type MirrorConfig } from './env.js';
import type { LinkMonitor } from './link-monitor.js';
import { ReferenceModel, type ModelAlloc, type ModelPage } from './model.js';
import { reconcileTakeover } from './model-takeover.js';
import { framesOf, matches, pageDifference } from './page-words.js';
import type { ProcessObserver } from './process-agent.js';
import { nodeId, otherNode, type NodeName, type NodeState, type NodeView, type PageEntry } from './state.js';
import { LOG_PLACES, TransactionLog } from './transaction-log.js';

/** An invariant the design broke. */
export class InvariantViolation extends MirrorsimError {
  override name = 'InvariantViolation';
  constructor(
    /** The invariant, as DESIGN.md names it (e.g. `mirror`, `lock safety`). */
    readonly invariant: string,
    readonly detail: string,
    /** Simulation time in ns. */
    readonly time: number,
    /** The last transactions on each node and on the link. */
    public recent: string,
  ) {
    super(`invariant violated: ${invariant}\n  ${detail}\n  at ${time} ns`);
  }
}

export interface ScoreboardCounts {
  checkpoints: number;
  pagesCompared: number;
  answers: number;
  accesses: number;
  /** Acknowledged (released) page contents compared at checkpoints: in a node's memory, on the partner, on the shared disk. */
  acknowledgedChecked: number;
  /** Of those, the ones not found where they must be: a lost acknowledged write (each is also a violation). */
  acknowledgedLost: number;
}

function readerMask(page: ModelPage): number {
  return [...page.readers].reduce((mask, owner) => mask | (1 << owner), 0);
}

function popcount(mask: number): number {
  let count = 0;
  for (let bits = mask; bits !== 0; bits &= bits - 1) count++;
  return count;
}

export class Scoreboard implements ProcessObserver {
  readonly model: ReferenceModel;
  readonly log = new TransactionLog();
  readonly counts: ScoreboardCounts = { checkpoints: 0, pagesCompared: 0, answers: 0, accesses: 0, acknowledgedChecked: 0, acknowledgedLost: 0 };
  private failure: InvariantViolation | undefined;
  /** A node that has failed and not yet been handed its allocations back: nothing on it is checked. */
  private down: NodeName | undefined;
  private rejectFailed!: (error: InvariantViolation) => void;
  /** Rejects at the first violation: race it against the traffic so a run stops there. */
  readonly failed: Promise<never>;

  constructor(
    private readonly sim: Simulator,
    readonly config: MirrorConfig,
    private readonly views: Record<NodeName, NodeView>,
    readonly link: LinkMonitor,
    options: { partnerLoss: boolean },
  ) {
    this.model = new ReferenceModel({ ...config, partnerLoss: options.partnerLoss });
    this.failed = new Promise<never>((_, reject) => (this.rejectFailed = reject));
    this.failed.catch(() => undefined);
  }

  get violation(): InvariantViolation | undefined {
    return this.failure;
  }

  private now(): number {
    return this.sim.time('ns');
  }

  /** Records a violation (the first one wins) and stops the run. */
  fail(invariant: string, detail: string): InvariantViolation {
    if (!this.failure) {
      this.failure = new InvariantViolation(invariant, detail, this.now(), this.recent());
      this.rejectFailed(this.failure);
    }
    return this.failure;
  }

  private recent(): string {
    return LOG_PLACES
      .map((where) => `last on ${where}:\n${TransactionLog.format(this.log.tail(8, where)) || '  (nothing)'}`)
      .join('\n');
  }

  /** Completes a violation's record with the link traffic up to now (the taps are drained lazily). */
  async completeReport(): Promise<void> {
    if (!this.failure) return;
    await this.link.drain();
    this.failure.recent = this.recent();
  }

  // -- the process agents' observer --------------------------------------
  /** Wall time spent in the observer's checks and the reference model (the host's "scoreboard" share), ms. */
  busyMs = 0;

  request(node: NodeName, request: ProcRequest): void {
    const started = performance.now();
    this.model.request(node, request);
    this.log.add({ time: this.now(), where: node, text: `request ${this.model.describe(node, request)}` });
    this.busyMs += performance.now() - started;
  }

  response(node: NodeName, response: ProcResponse): void {
    const started = performance.now();
    try {
      this.checkResponse(node, response);
    } finally {
      this.busyMs += performance.now() - started;
    }
  }

  private checkResponse(node: NodeName, response: ProcResponse): void {
    if (this.down === node && !this.model.isOutstanding(node, response.tag)) {
      // A node that lost the race still refuses what reached it before its processes moved (those requests were given up at the takeover), but it acknowledges nothing.
      const acknowledged = response.status === Status.Ok || response.status === Status.Granted;
      if (acknowledged) this.fail('split brain: the node that lost the race acknowledges nothing', `${node} answered tag ${response.tag} ${ProcOp[response.op]} pid${response.pid} guid=0x${response.guid.toString(16)}: ${Status[response.status]} after the other node took it over`);
      this.log.add({ time: this.now(), where: node, text: `late answer of tag ${response.tag} (given up at the takeover): ${Status[response.status]}` });
      return;
    }
    this.counts.answers++;
    const pointer = response.status === Status.Ok || response.status === Status.Granted ? ` pointer=${response.pointer}` : '';
    this.log.add({ time: this.now(), where: node, text: `answer tag ${response.tag} ${ProcOp[response.op]} pid${response.pid} guid=0x${response.guid.toString(16)} page=${response.page}: ${Status[response.status] ?? response.status}${pointer}` });
    const released = response.op === ProcOp.ReleasePtr && response.status === Status.Ok && this.holdsWrite(node, response);
    const granted = (response.op === ProcOp.GetRead || response.op === ProcOp.GetWrite) && (response.status === Status.Ok || response.status === Status.Granted);
    const mismatch = this.model.response(node, response);
    if (mismatch) this.fail(mismatch.invariant, mismatch.detail);
    else if (granted || released) void this.checkPageNow(node, response.guid, response.page, released ? 'release' : 'grant');
  }

  private holdsWrite(node: NodeName, response: ProcResponse): boolean {
    const page = this.model.allocs.get(response.guid)?.page[response.page];
    return page?.writer === this.model.ownerFor(node, response.guid, response.pid);
  }

  /**
   * At the very step a grant or a release answer leaves (all reads go out
   * before the simulation moves on, so nothing has changed since): both
   * nodes hold the page with exactly the granted locks (Figs. 6/7: the
   * partner is locked before the pointer is given), and after the release
   * of a written page the partner holds its words (Fig. 8: replicated before
   * the release completes).
   */
  private async checkPageNow(node: NodeName, guid: number, pageIndex: number, event: 'grant' | 'release'): Promise<void> {
    const model = this.model.allocs.get(guid)?.page[pageIndex];
    if (!model) return;
    const readers = readerMask(model);
    const writer = model.writer;
    const committed = [...model.committed];
    const partner = otherNode(node);
    const mirrored = this.down === undefined;
    // An answer that left as its node failed: that node's tables are gone, the survivor's are checked at the takeover.
    if (this.down === node) return;
    const [owner, other, memory] = await Promise.all([this.views[node].state(), this.views[partner].state(), this.views[partner].memory()]);
    const where = `${event} of allocation 0x${guid.toString(16)} page ${pageIndex} answered on ${node}`;
    for (const [name, state] of mirrored ? ([[node, owner], [partner, other]] as const) : ([[node, owner]] as const)) {
      const entry = state.pages.get(guid)?.[pageIndex];
      if (!entry?.resident) {
        this.fail('tables agree: a granted page is resident on both nodes', `${where}, but node ${name} has no such page resident`);
        return;
      }
      if (entry.readOwners !== readers || entry.writeLocked !== (writer !== undefined) || (writer !== undefined && entry.writeOwner !== writer)) {
        this.fail(
          'lock safety: both nodes hold exactly the granted locks',
          `${where}: node ${name} has read owners 0x${entry.readOwners.toString(16)}, write ${entry.writeLocked ? `owner ${entry.writeOwner}` : 'none'}; granted: read owners 0x${readers.toString(16)}, write ${writer ?? 'none'}`,
        );
        return;
      }
    }
    if (event !== 'release' || !mirrored) return;
    const entry = other.pages.get(guid)![pageIndex]!;
    const frame = framesOf(memory, this.config.pageWords)(entry.frame);
    const difference = pageDifference(frame, committed);
    if (difference) this.fail('mirror: a released page is on the partner', `${where}, but frame ${entry.frame} on ${partner} ${difference}`);
  }

  /** A data port answer with no access waiting for it. */
  strayAccess(node: NodeName, response: { status: Status; rdata: number }): void {
    // A fenced node may still answer accesses given up at the takeover.
    if (this.down === node) return;
    this.fail('the data port answers only what it is asked', `${node} answered a data access (${Status[response.status]}) nobody was waiting for`);
  }

  access(node: NodeName, request: DataRequest, response: { status: Status; rdata: number }): void {
    const started = performance.now();
    this.counts.accesses++;
    const mismatch = this.model.access(node, request, response);
    this.busyMs += performance.now() - started;
    if (mismatch) this.fail(mismatch.invariant, mismatch.detail);
  }

  // -- node failure and return ------------------------------------------
  /** A node has just failed (or is about to): nothing on it is checked from now on, and link messages may be lost. */
  nodeDown(node: NodeName): void {
    this.down = node;
    this.link.noteNodeDown(node, this.now());
    this.log.add({ time: this.now(), where: node, text: 'node failed' });
  }

  /**
   * The survivor serves alone now: what the failed node had in flight is in
   * doubt, and the survivor's tables and frames (read in this very step)
   * must hold everything acknowledged and nothing half-applied.
   */
  async takeover(failed: NodeName): Promise<ProcRequest[]> {
    const survivor = otherNode(failed);
    const inDoubt = this.model.abandon(failed);
    const [state, memory] = await Promise.all([this.views[survivor].state(), this.views[survivor].memory()]);
    const mismatch = reconcileTakeover(this.model, failed, survivor, inDoubt, state, framesOf(memory, this.config.pageWords));
    this.log.add({ time: this.now(), where: survivor, text: `took ${failed} over; in doubt: ${inDoubt.map((r) => this.model.describe(failed, r)).join('; ') || 'nothing'}` });
    if (mismatch) throw this.fail(mismatch.invariant, mismatch.detail);
    return inDoubt;
  }

  /**
   * The failed node is resynchronized and serves its own allocations again:
   * both nodes hold every page as last released (read in this very step).
   */
  async handback(node: NodeName): Promise<void> {
    this.model.handback(node);
    this.down = undefined;
    this.log.add({ time: this.now(), where: node, text: 'handed back' });
    const [a, b, memA, memB] = await Promise.all([this.views.a.state(), this.views.b.state(), this.views.a.memory(), this.views.b.memory()]);
    for (const [name, state, memory] of [['a', a, memA], ['b', b, memB]] as const) {
      const mismatch = this.model.checkReleasedPages(name, state, framesOf(memory, this.config.pageWords), 'failback: both nodes hold every page as last released', `at the handback to ${node}`);
      if (mismatch) throw this.fail(mismatch.invariant, mismatch.detail);
    }
  }

  // -- checkpoints ----------------------------------------------------------
  /** Drains the link monitor and checks what it saw. */
  async checkLink(): Promise<void> {
    await this.link.drain();
    const [first] = this.link.violations;
    if (first) throw this.fail(first.invariant, first.detail);
  }

  /** Every invariant on both nodes; call only at a quiescent point (both idle, caches clean). */
  async checkpoint(label: string): Promise<void> {
    if (this.failure) throw this.failure;
    if (this.down) throw new Error(`scoreboard: checkpoint ${label} while ${this.down} is down`);
    await this.checkLink();
    const [a, b] = await Promise.all([this.views.a.state(), this.views.b.state()]);
    const [memA, memB, disk] = await Promise.all([this.views.a.memory(), this.views.b.memory(), this.sim.memory('u_disk.blocks_q').readAll()]);
    const states: Record<NodeName, NodeState> = { a, b };
    const memories: Record<NodeName, number[]> = { a: memA, b: memB };
    this.checkTables(label, states);
    for (const alloc of this.model.allocs.values()) this.checkAllocation(label, alloc, states, memories, disk.map(Number));
    for (const node of ['a', 'b'] as const) {
      let resident = 0;
      for (const pages of states[node].pages.values()) resident += pages.filter((page) => page.resident).length;
      if (states[node].freeFrames !== this.config.frames - resident) {
        this.fail('tables: every frame is free or mapped once', `${label}: node ${node} has ${resident} resident pages and ${states[node].freeFrames} free frames of ${this.config.frames}`);
      }
    }
    this.counts.checkpoints++;
    if (this.failure) throw this.failure;
    this.model.settled();
  }

  private checkTables(label: string, states: Record<NodeName, NodeState>): void {
    const describe = (node: NodeName) =>
      states[node].allocs.map((e) => `0x${e.guid.toString(16)}/${e.pages}p/policy${e.policy}/owner${e.owner}`).sort().join(' ') || '(none)';
    const expected = [...this.model.allocs.values()].map((e) => `0x${e.guid.toString(16)}/${e.pages}p/policy${e.policy}/owner${e.owner}`).sort().join(' ') || '(none)';
    for (const node of ['a', 'b'] as const) {
      if (describe(node) !== expected) {
        throw this.fail('tables agree', `${label}: node ${node}'s allocation table holds ${describe(node)}; the model holds ${expected}`);
      }
    }
    const slotA = new Map(states.a.allocs.map((e) => [e.guid, e.origSlot]));
    for (const entry of states.b.allocs) {
      if (slotA.get(entry.guid) !== entry.origSlot) {
        throw this.fail('tables agree', `${label}: allocation 0x${entry.guid.toString(16)} names originator slot ${slotA.get(entry.guid)} on a, ${entry.origSlot} on b`);
      }
    }
  }

  private checkAllocation(label: string, alloc: ModelAlloc, states: Record<NodeName, NodeState>, memories: Record<NodeName, number[]>, disk: number[]): void {
    const words = this.config.pageWords;
    const slot = states.a.allocs.find((e) => e.guid === alloc.guid)!.origSlot;
    const block = (page: number) => diskBlockWord(this.config, nodeId(alloc.node), slot, page);
    alloc.page.forEach((model, index) => {
      const where = `${label}: allocation 0x${alloc.guid.toString(16)} page ${index}`;
      const entries = { a: states.a.pages.get(alloc.guid)![index]!, b: states.b.pages.get(alloc.guid)![index]! };
      const readMask = readerMask(model);
      for (const node of ['a', 'b'] as const) {
        const entry: PageEntry = entries[node];
        const locks = `read owners 0x${entry.readOwners.toString(16)} (count ${entry.readCount}), write ${entry.writeLocked ? `owner ${entry.writeOwner}` : 'none'}`;
        const expected = `read owners 0x${readMask.toString(16)} (count ${model.readers.size}), write ${model.writer === undefined ? 'none' : `owner ${model.writer}`}`;
        if (locks !== expected) throw this.fail('lock safety: both nodes hold exactly the granted locks', `${where}: node ${node} has ${locks}; granted: ${expected}`);
        if (popcount(entry.readOwners) !== entry.readCount) throw this.fail('lock safety: read count equals read owners', `${where}: node ${node} has ${locks}`);
        if ((entry.writeLocked || entry.readCount > 0) && !entry.resident) throw this.fail('tables: a locked page is resident', `${where}: node ${node}`);
      }
      if (entries.a.resident !== entries.b.resident) {
        throw this.fail('mirror: a page is resident on both nodes or on neither', `${where}: resident on ${entries.a.resident ? 'a' : 'b'} only`);
      }
      model.resident = entries.a.resident;
      const frame = (node: NodeName) => framesOf(memories[node], words)(entries[node].frame);
      // A page whose writer's release failed with the partner lost may be the page as it was then (model.doubtful).
      const compare = (invariant: string, what: string, actual: number[], expected: ReadonlyArray<number | undefined>, alternatives: ReadonlyArray<ReadonlyArray<number | undefined>> = []) => {
        // Against the committed words: acknowledged writes, counted whether found or lost.
        const acknowledged = expected === model.committed && model.committed.some((word) => word !== undefined);
        if (acknowledged) this.counts.acknowledgedChecked++;
        const difference = pageDifference(actual, expected);
        if (difference && !alternatives.some((alternative) => matches(actual, alternative))) {
          if (acknowledged) this.counts.acknowledgedLost++;
          throw this.fail(invariant, `${where}: ${what} ${difference}`);
        }
      };
      if (model.resident) {
        this.counts.pagesCompared++;
        const owner = alloc.node;
        const partner = otherNode(owner);
        if (model.pending === undefined) {
          compare('mirror: both nodes hold the same page', `frame ${entries[partner].frame} on ${partner} vs frame ${entries[owner].frame} on ${owner}`, frame(partner), frame(owner));
          compare('durability: acknowledged writes are in memory', `frame ${entries[owner].frame} on ${owner}`, frame(owner), model.committed);
        } else {
          // The writer's words are not released yet: the partner still holds the acknowledged page.
          compare('mirror: the partner holds the last released page', `frame ${entries[partner].frame} on ${partner}`, frame(partner), model.committed, model.doubtful);
          compare('the writer sees its own writes', `frame ${entries[owner].frame} on ${owner}`, frame(owner), model.pending);
        }
      }
      compare('durability: acknowledged writes reach the shared disk', `disk block ${block(index) / words}`, disk.slice(block(index), block(index) + words), model.committed, model.doubtful);
    });
  }
}
