// The reference model: what the protocol and the flows of Figs. 4-10 allow.
// It follows the process requests and their answers in the order each node's
// originator answered them (one sequencer per node serializes every
// operation on that node's own allocations), predicts the answer where the
// state decides it, and bounds it where the timing of the other node decides
// it (a free table slot, a free frame). Data: the committed contents of
// every page (what the last released write pointer wrote) and the pending
// words of a page's current writer.
import { guidNode, ownerOf, ProcOp, Status, type ProcRequest, type ProcResponse } from './encoding.js';
import { pageDifference } from './page-words.js';
import { nodeId, nodeNamed, type NodeName, type NodeState } from './state.js';

export interface ModelConfig {
  pageWords: number;
  maxPages: number;
  maxAllocs: number;
  frames: number;
  /** The paging queue's depth: a request that would wait beyond it is denied. */
  queueDepth: number;
  /** Partner-down and partner-timeout answers are legal (a link can be cut, a node can fail). */
  partnerLoss: boolean;
}

export interface ModelPage {
  readers: Set<number>;
  writer: number | undefined;
  /** Words as last released; undefined until written (a fresh page reads whatever its disk block held). */
  committed: Array<number | undefined>;
  /** The current writer's words, copied from `committed` when it got the pointer. */
  pending: Array<number | undefined> | undefined;
  /**
   * The writer's words at each release of it that failed with the partner
   * lost (partner down / timeout): the page may have reached the partner
   * and the disk before the partner went, so until the writer releases it
   * for good, they may hold one of these instead of `committed`.
   */
  doubtful: Array<Array<number | undefined>>;
  /** Resident as far as the model knows (eviction is only seen at a checkpoint). */
  resident: boolean;
}

export interface ModelAlloc {
  guid: number;
  node: NodeName;
  pages: number;
  policy: number;
  owner: number;
  page: ModelPage[];
}

/** A rule the design broke: which invariant, and what was seen. */
export class ModelMismatch {
  constructor(
    readonly invariant: string,
    readonly detail: string,
  ) {}
}

function describeRequest(node: NodeName, request: ProcRequest): string {
  const op = ProcOp[request.op];
  switch (request.op) {
    case ProcOp.Allocate:
      return `${node} pid${request.pid} ${op} pages=${request.pages}${request.immediate ? ' immediate' : ''} (tag ${request.tag})`;
    case ProcOp.ReleaseMem:
      return `${node} pid${request.pid} ${op} guid=0x${request.guid!.toString(16)} (tag ${request.tag})`;
    default:
      return `${node} pid${request.pid} ${op} guid=0x${request.guid!.toString(16)} page=${request.page} (tag ${request.tag})`;
  }
}

/** Whether `owner` holds a lock (read or write) on the page. */
export function holdsLock(page: ModelPage, owner: number): boolean {
  return page.readers.has(owner) || page.writer === owner;
}

/** Whether another owner's lock stands in the way: a writer against a read, any holder against a write. */
export function lockConflict(page: ModelPage, owner: number, read: boolean): boolean {
  const othersWrite = page.writer !== undefined && page.writer !== owner;
  const othersRead = [...page.readers].some((reader) => reader !== owner);
  return read ? othersWrite : othersWrite || othersRead;
}

export class ReferenceModel {
  readonly allocs = new Map<number, ModelAlloc>();
  /** Requests sent and not finally answered, per node, by tag. */
  private readonly outstanding: Record<NodeName, Map<number, ProcRequest>> = { a: new Map(), b: new Map() };
  /** Requests answered null that still owe their grant. */
  private readonly queued: Record<NodeName, Set<number>> = { a: new Set(), b: new Set() };
  /**
   * Requests answered `partner down` / `partner timeout` since the nodes last
   * agreed: the partner may have done its part before it went (an answer
   * lost in a cut), so if their node is taken over they are in doubt too.
   */
  private readonly lostToPartner: Record<NodeName, ProcRequest[]> = { a: [], b: [] };
  /** Which node serves each node's allocations and processes (the survivor, after a takeover). */
  readonly serving: Record<NodeName, NodeName> = { a: 'a', b: 'b' };

  constructor(readonly config: ModelConfig) {}

  request(node: NodeName, request: ProcRequest): void {
    this.outstanding[node].set(request.tag, request);
  }

  /** Whether `node` owes an answer to the request with this tag. */
  isOutstanding(node: NodeName, tag: number): boolean {
    return this.outstanding[node].has(tag);
  }

  /** Requests still owed an answer (liveness at the end). */
  pending(): Array<{ node: NodeName; request: ProcRequest; queued: boolean }> {
    return (['a', 'b'] as const).flatMap((node) =>
      [...this.outstanding[node].values()].map((request) => ({ node, request, queued: this.queued[node].has(request.tag) })),
    );
  }

  describe(node: NodeName, request: ProcRequest): string {
    return describeRequest(node, request);
  }

  /** The lock owner a process's request acts as: the process's home node (the allocation's node) and its pid. */
  ownerFor(node: NodeName, guid: number, pid: number): number {
    const alloc = this.allocs.get(guid);
    return ownerOf(nodeId(alloc?.node ?? node), pid);
  }

  /** Whether any node serves another's allocations (a takeover is in force). */
  get solo(): boolean {
    return this.serving.a !== 'a' || this.serving.b !== 'b';
  }

  /**
   * A node failed: its requests still unanswered will never be answered.
   * Returns them, with those it answered `partner down` since the nodes
   * last agreed: each may or may not have taken effect (in doubt).
   */
  abandon(node: NodeName): ProcRequest[] {
    const requests = [...this.outstanding[node].values(), ...this.lostToPartner[node]];
    this.outstanding[node].clear();
    this.queued[node].clear();
    return requests;
  }

  /** Both nodes were found to agree with the model (a checkpoint): nothing is in doubt any more. */
  settled(): void {
    this.lostToPartner.a = [];
    this.lostToPartner.b = [];
  }

  /**
   * The survivor took the failed node over (see model-takeover.ts): from now
   * on it serves the failed node's allocations and processes.
   */
  tookOver(failed: NodeName, survivor: NodeName): void {
    this.serving[failed] = survivor;
    this.settled();
  }

  /**
   * Every resident page on `node` holds what was last released (pages a
   * writer holds may be changing as we look, and are left out).
   */
  checkReleasedPages(node: NodeName, state: NodeState, frame: (index: number) => number[], invariant: string, where: string): ModelMismatch | undefined {
    for (const alloc of this.allocs.values()) {
      const entries = state.pages.get(alloc.guid);
      if (!entries) return new ModelMismatch(invariant, `${where}: allocation 0x${alloc.guid.toString(16)} is missing from ${node}'s table`);
      for (const [index, page] of alloc.page.entries()) {
        const entry = entries[index]!;
        const difference = entry.resident && page.writer === undefined ? pageDifference(frame(entry.frame), page.committed) : undefined;
        if (difference) {
          return new ModelMismatch(invariant, `${where}: allocation 0x${alloc.guid.toString(16)} page ${index}: frame ${entry.frame} on ${node} is not the page as last released: ${difference}`);
        }
      }
    }
    return undefined;
  }

  /** Whether `node` has a release of this page by this owner on its way (its answer not seen yet). */
  releaseOutstanding(node: NodeName, guid: number, page: number, owner: number): boolean {
    return [...this.outstanding[node].values()].some(
      (request) => request.op === ProcOp.ReleasePtr && request.guid === guid && request.page === page && this.ownerFor(node, guid, request.pid) === owner,
    );
  }

  /** The failed node is back and resynchronized: it serves its own allocations again. */
  handback(node: NodeName): void {
    this.serving[node] = node;
  }

  /** Checks one answer against the model and applies it; returns what is wrong with it, if anything. */
  response(node: NodeName, response: ProcResponse): ModelMismatch | undefined {
    const request = this.outstanding[node].get(response.tag);
    if (!request) return new ModelMismatch('every answer answers a request', `${node} answered tag ${response.tag} (${ProcOp[response.op]}, ${Status[response.status]}), which has no request outstanding`);
    const what = describeRequest(node, request);
    const mismatch = this.check(node, request, response, what);
    if (response.status === Status.Null && request.op !== ProcOp.Allocate) {
      this.queued[node].add(request.tag);
    } else {
      this.outstanding[node].delete(request.tag);
      this.queued[node].delete(request.tag);
    }
    return mismatch;
  }

  private check(node: NodeName, request: ProcRequest, response: ProcResponse, what: string): ModelMismatch | undefined {
    const status = response.status;
    const wrong = (invariant: string, expected: string) =>
      new ModelMismatch(invariant, `${what}: answered ${Status[status] ?? status}, expected ${expected}`);
    if (response.op !== request.op || response.pid !== request.pid) {
      return new ModelMismatch('answers match their requests', `${what}: answered op ${ProcOp[response.op]} pid${response.pid}`);
    }
    if (status === Status.PartnerDown || status === Status.PartnerTimeout) {
      if (!this.config.partnerLoss) return wrong('liveness: the partner answers while the link is healthy', 'an answer from a reachable partner');
      this.lostToPartner[node].push(request);
      const page = request.op === ProcOp.ReleasePtr ? this.allocs.get(request.guid!)?.page[request.page!] : undefined;
      if (page?.pending && page.writer === this.ownerFor(node, request.guid!, request.pid)) page.doubtful.push([...page.pending]);
      return undefined;
    }
    if (request.op === ProcOp.Allocate) return this.checkAllocate(node, request, response, what);
    const alloc = this.allocs.get(request.guid!);
    if (alloc === undefined) return status === Status.UnknownGuid ? undefined : wrong('tables: answers follow the allocation table', 'UnknownGuid (no such allocation)');
    if (this.serving[alloc.node] !== node) return status === Status.NotLocal ? undefined : wrong('tables: answers follow the allocation table', 'NotLocal');
    if (response.guid !== request.guid) return wrong('answers match their requests', `guid 0x${request.guid!.toString(16)}`);
    if (request.op === ProcOp.ReleaseMem) {
      if (status !== Status.Ok) return wrong('tables: answers follow the allocation table', 'Ok');
      this.allocs.delete(alloc.guid);
      return undefined;
    }
    if (request.page! >= alloc.pages) return status === Status.BadPage ? undefined : wrong('tables: answers follow the allocation table', 'BadPage');
    const page = alloc.page[request.page!]!;
    const owner = ownerOf(nodeId(alloc.node), request.pid);
    if (request.op === ProcOp.ReleasePtr) return this.checkRelease(page, owner, status, wrong);
    return this.checkGet(node, request, page, owner, status, wrong);
  }

  private checkAllocate(node: NodeName, request: ProcRequest, response: ProcResponse, what: string): ModelMismatch | undefined {
    const status = response.status;
    const invalid = request.pages! === 0 || request.pages! > this.config.maxPages;
    if (invalid) return status === Status.BadPage ? undefined : new ModelMismatch('tables: answers follow the allocation table', `${what}: answered ${Status[status]}, expected BadPage`);
    if (status === Status.Denied) {
      // The design's tables can hold at most what the model holds plus the allocations still in flight.
      const inFlight = this.pending().filter((p) => p.request.op === ProcOp.Allocate && !(p.node === node && p.request.tag === request.tag)).length;
      if (!request.immediate || this.allocs.size + inFlight < this.config.maxAllocs) {
        return new ModelMismatch('space: denied only when immediate and no table slot is free', `${what}: answered Denied with ${this.allocs.size} allocations and ${inFlight} in flight of ${this.config.maxAllocs}`);
      }
      return undefined;
    }
    if (status !== Status.Ok) return new ModelMismatch('space: an allocation is ok, denied or waits', `${what}: answered ${Status[status]}`);
    const home = request.home ?? nodeId(node);
    if (guidNode(response.guid) !== home) return new ModelMismatch('tables: a GUID carries its originating node', `${what}: GUID 0x${response.guid.toString(16)}`);
    if (this.allocs.has(response.guid)) return new ModelMismatch('tables: GUIDs are unique', `${what}: GUID 0x${response.guid.toString(16)} is already allocated`);
    if (this.allocs.size >= this.config.maxAllocs) return new ModelMismatch('space: no more allocations than table slots', `${what}: ${this.allocs.size} allocations already`);
    this.addAllocation(response.guid, nodeNamed(home), request, ownerOf(home, request.pid));
    return undefined;
  }

  /** A new allocation of `node`'s, as `request` asked for it, owned by `owner`. */
  addAllocation(guid: number, node: NodeName, request: ProcRequest, owner: number): void {
    this.allocs.set(guid, {
      guid,
      node,
      pages: request.pages!,
      policy: request.policy ?? 0,
      owner,
      page: Array.from({ length: request.pages! }, () => ({
        readers: new Set<number>(),
        writer: undefined,
        committed: new Array<number | undefined>(this.config.pageWords).fill(undefined),
        pending: undefined,
        doubtful: [],
        resident: false,
      })),
    });
  }

  private checkRelease(page: ModelPage, owner: number, status: Status, wrong: (invariant: string, expected: string) => ModelMismatch): ModelMismatch | undefined {
    if (!holdsLock(page, owner)) return status === Status.NotOwner ? undefined : wrong('lock safety: only a holder releases', 'NotOwner');
    if (status !== Status.Ok) return wrong('lock safety: a holder releases', 'Ok');
    if (page.writer === owner) {
      page.committed = page.pending!;
      page.pending = undefined;
      page.doubtful = [];
      page.writer = undefined;
    }
    page.readers.delete(owner);
    return undefined;
  }

  private checkGet(
    node: NodeName,
    request: ProcRequest,
    page: ModelPage,
    owner: number,
    status: Status,
    wrong: (invariant: string, expected: string) => ModelMismatch,
  ): ModelMismatch | undefined {
    const read = request.op === ProcOp.GetRead;
    const conflict = lockConflict(page, owner, read);
    const granted = status === Status.Ok || (status === Status.Granted && this.queued[node].has(request.tag));
    if (granted) {
      if (conflict) {
        const holders = `writer ${page.writer ?? '-'}, readers {${[...page.readers].join(',')}}`;
        return wrong(read ? 'lock safety: no reader while another owner writes' : 'lock safety: a writer is exclusive', `Null (page held: ${holders})`);
      }
      page.resident = true;
      if (read) page.readers.add(owner);
      else {
        page.writer = owner;
        page.pending ??= [...page.committed];
      }
      return undefined;
    }
    if (status === Status.Denied && !this.queued[node].has(request.tag)) {
      // Only when it would have had to wait and the paging queue may be full.
      const waiting = this.pending().filter((p) => p.node === node && (p.queued || p.request.op === ProcOp.Allocate)).length;
      if ((conflict || this.mayLackFrame(node)) && waiting >= this.config.queueDepth) return undefined;
      return wrong('space: a request is denied only when the paging queue is full', `${conflict || this.mayLackFrame(node) ? 'Null' : 'Ok'} (${waiting} waiting of ${this.config.queueDepth})`);
    }
    if (status === Status.Null && !this.queued[node].has(request.tag)) {
      if (conflict || this.mayLackFrame(node)) return undefined;
      return wrong('lock safety: a free page is granted', 'Ok (no lock conflict, and a frame is free)');
    }
    return wrong('the answers of Figs. 6/7', conflict ? 'Null' : 'Ok');
  }

  /**
   * Whether the design may have found no frame to page in: a node's own pages
   * hold at most half the frames (the quota), and all pages at most all of
   * them. The model's counts can only overestimate the design's (it sees
   * evictions at checkpoints only), so they bound it from above.
   */
  private mayLackFrame(node: NodeName): boolean {
    let own = 0;
    let all = 0;
    for (const alloc of this.allocs.values()) {
      for (const entry of alloc.page) {
        if (!entry.resident) continue;
        all++;
        if (alloc.node === node) own++;
      }
    }
    const pageIns = this.pending().filter((p) => p.request.op === ProcOp.GetRead || p.request.op === ProcOp.GetWrite);
    const ownPageIns = pageIns.filter((p) => p.node === node).length;
    const quota = Math.max(1, Math.floor(this.config.frames / 2));
    // Serving alone, a node has no quota.
    const quotaBinds = !this.solo && own + ownPageIns >= quota;
    return quotaBinds || all + pageIns.length >= this.config.frames;
  }

  /** A data port access: checks it and applies it. */
  access(
    node: NodeName,
    request: { write: boolean; pid: number; guid: number; page: number; offset: number; wdata?: number },
    response: { status: Status; rdata: number },
  ): ModelMismatch | undefined {
    const owner = this.ownerFor(node, request.guid, request.pid);
    const what = `${node} pid${request.pid} data ${request.write ? `write 0x${(request.wdata ?? 0).toString(16)} to` : 'read of'} guid=0x${request.guid.toString(16)} page=${request.page} word ${request.offset}`;
    const page = this.allocs.get(request.guid)?.page[request.page];
    const allowed = page !== undefined && (request.write ? page.writer === owner : page.writer === owner || page.readers.has(owner));
    if (!allowed) {
      return response.status === Status.Ok ? new ModelMismatch('lock safety: the data port needs a pointer', `${what}: answered Ok without the pointer`) : undefined;
    }
    if (response.status !== Status.Ok) return new ModelMismatch('the data port serves a pointer holder', `${what}: answered ${Status[response.status]}`);
    if (request.write) {
      page.pending![request.offset] = request.wdata ?? 0;
      return undefined;
    }
    const expected = (page.writer === owner ? page.pending! : page.committed)[request.offset];
    if (expected !== undefined && expected !== response.rdata) {
      return new ModelMismatch('mirror: a page reads what was last written', `${what}: read 0x${response.rdata.toString(16)}, expected 0x${expected.toString(16)}`);
    }
    return undefined;
  }
}

