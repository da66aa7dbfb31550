// The cover groups sampled from the link monitor's record (see testplan.ts):
// each message with the answer it got, the messages on the wire when a fault
// struck, and the first decision on each pointer request (the messages its
// node sent for it). Everything here works on what the monitor drained, in
// simulation time order, and resolves at the drain after the fact: the taps
// are read lazily, so nothing costs a round trip.
import type { FunctionalCoverage } from '../coverage/functional.js';
import { decodeLockState, MsgType, Status, type Message } from './encoding.js';
import { isAnswer, type LinkMessage, type LinkObserver } from './link-monitor.js';
import type { FaultKind } from './faults.js';
import type { NodeName } from './state.js';

/** A read or write pointer request, from its issue to its first answer. */
export interface PointerRequest {
  node: NodeName;
  op: 'getRead' | 'getWrite';
  guid: number;
  page: number;
  /** The lock owner the request acts as (its home node and pid). */
  owner: number;
}

interface PointerWindow extends PointerRequest {
  start: number;
  end?: number;
  status?: string;
  /** The model's lock conflict when the node decided (at its first answer). */
  conflict?: boolean;
}

interface FaultRecord {
  kind: FaultKind;
  /** Senders whose messages it hits. */
  from: ReadonlySet<NodeName>;
  start: number;
  end: number | undefined;
  seen: Set<string>;
  /** A node failure: whatever was on the wire then is gone with it. */
  kills: boolean;
}

/** Statuses of a first answer that come from the decision sampled (the others are errors, or the partner lost). */
const DECIDED = new Set(['Ok', 'Null', 'Denied']);

function typeName(type: MsgType): string {
  return MsgType[type] ?? 'None';
}

/** The answer bin: complete with its status, space status and lock status as the request needed them. */
export function answerBin(request: Message, answer: Message): string {
  switch (answer.type) {
    case MsgType.Complete: {
      const status = answer.arg1 & 0xff;
      return `Complete.${Status[status] ?? 'other'}`;
    }
    case MsgType.SpaceStatus:
      // arg1[0]: frames enough for arg0 (what a pointer asks), arg1[1]: a free table slot (what an allocation, arg0 = 0, asks).
      if (request.arg0 === 0) return answer.arg1 & 2 ? 'SpaceStatus.room' : 'SpaceStatus.noSlot';
      return answer.arg1 & 1 ? 'SpaceStatus.room' : 'SpaceStatus.noFrame';
    case MsgType.LockStatus: {
      const lock = decodeLockState(answer.arg0);
      if (!lock.resident) return 'LockStatus.notResident';
      return lock.writeLocked ? 'LockStatus.writer' : lock.readCount > 0 ? 'LockStatus.readers' : 'LockStatus.free';
    }
    default:
      return typeName(answer.type);
  }
}

export class LinkCoverage implements LinkObserver {
  // -- message x answer --------------------------------------------------
  /** Requests each node took from the link, and answers it put on it, since the last drain. */
  private readonly takenRequests: Record<NodeName, LinkMessage[]> = { a: [], b: [] };
  private readonly sentAnswers: Record<NodeName, LinkMessage[]> = { a: [], b: [] };
  /** The last request each node took, by tag (what its next answer with that tag answers). */
  private readonly lastRequest: Record<NodeName, Map<number, LinkMessage>> = { a: new Map(), b: new Map() };
  /** A delivered message as received → as sent. */
  private readonly sentCopy = new WeakMap<LinkMessage, LinkMessage>();

  // -- faults --------------------------------------------------------------
  private readonly faults: FaultRecord[] = [];
  /** Messages sent whose delivery (or loss) is not known yet, per sender. */
  private readonly unsettled: Record<NodeName, Set<LinkMessage>> = { a: new Set(), b: new Set() };

  // -- pointer decisions -----------------------------------------------------
  private readonly open = new Map<string, PointerWindow>();
  private readonly answered: PointerWindow[] = [];
  /** Lock and space requests each node sent, oldest first, with whether an eviction came just before. */
  private readonly decisions: Record<NodeName, Array<{ message: LinkMessage; evicted: boolean }>> = { a: [], b: [] };
  private readonly previousWasEviction: Record<NodeName, boolean> = { a: false, b: false };
  /** The partner's space status for a pointer's space request (as sent). */
  private readonly spaceAnswer = new WeakMap<LinkMessage, 'room' | 'full'>();
  /** A node is down or fenced: requests are served alone, without the link. */
  private down = false;

  constructor(
    private readonly coverage: FunctionalCoverage,
    /** Simulation time, ns. */
    private readonly now: () => number,
  ) {}

  // -- the link monitor's observer -------------------------------------------
  sent(entry: LinkMessage): void {
    this.unsettled[entry.from].add(entry);
    const { message } = entry;
    if (isAnswer(message.type)) {
      this.sentAnswers[entry.from].push(entry);
      return;
    }
    if (message.type === MsgType.LockReq || (message.type === MsgType.SpaceReq && message.arg0 !== 0)) {
      this.decisions[entry.from].push({ message: entry, evicted: this.previousWasEviction[entry.from] });
    }
    // An eviction: a release pointer with the evict flag (arg1[1]) the originator sends for itself.
    this.previousWasEviction[entry.from] = message.type === MsgType.ReleasePtr && (message.arg1 & 2) !== 0;
  }

  received(entry: LinkMessage): void {
    if (!isAnswer(entry.message.type)) this.takenRequests[entry.from === 'a' ? 'b' : 'a'].push(entry);
  }

  delivered(sent: LinkMessage, got: LinkMessage): void {
    this.sentCopy.set(got, sent);
    this.settle(sent, got.end);
  }

  lost(sent: readonly LinkMessage[], at: number): void {
    for (const entry of sent) this.settle(entry, at);
  }

  drained(): void {
    for (const node of ['a', 'b'] as const) this.pairAnswers(node);
    for (const window of this.answered.splice(0)) this.classify(window);
    this.pruneDecisions();
    this.finishFaults();
  }

  // -- message x answer ----------------------------------------------------------
  /** Pairs the answers `node` sent with the requests it took, in time order (a request is whole before it is answered). */
  private pairAnswers(node: NodeName): void {
    const events = [
      ...this.takenRequests[node].splice(0).map((entry) => ({ time: entry.end, order: 0, entry })),
      ...this.sentAnswers[node].splice(0).map((entry) => ({ time: entry.start, order: 1, entry })),
    ].sort((x, y) => x.time - y.time || x.order - y.order);
    for (const { order, entry } of events) {
      if (order === 0) {
        this.lastRequest[node].set(entry.message.tag, entry);
        continue;
      }
      const request = this.lastRequest[node].get(entry.message.tag);
      if (!request) continue; // its request was taken before the monitor started, or cut short by a failure
      const answer = answerBin(request.message, entry.message);
      this.coverage.sample('message_answer', { message: typeName(request.message.type), answer });
      const asked = this.sentCopy.get(request);
      if (asked && entry.message.type === MsgType.SpaceStatus && request.message.arg0 !== 0) {
        this.spaceAnswer.set(asked, answer === 'SpaceStatus.room' ? 'room' : 'full');
      }
    }
  }

  // -- faults ------------------------------------------------------------------------
  /** A fault on the messages `from` sends, beginning now; call the result when it ends. */
  faultBegins(kind: FaultKind, from: readonly NodeName[]): () => void {
    const record: FaultRecord = { kind, from: new Set(from), start: this.now(), end: undefined, seen: new Set(), kills: false };
    this.faults.push(record);
    return () => {
      record.end ??= this.now();
    };
  }

  /** A fault at this instant, on both directions (a cut, or with `kills`, a node failure). */
  faultNow(kind: FaultKind, kills = false): void {
    const time = this.now();
    this.faults.push({ kind, from: new Set(['a', 'b']), start: time, end: time, seen: new Set(), kills });
  }

  private strike(fault: FaultRecord, message: Message): void {
    const type = typeName(message.type);
    if (fault.seen.has(type)) return;
    fault.seen.add(type);
    this.sampleFault(fault.kind, type);
  }

  /** Both fault groups: the plan splits the message types between them. */
  private sampleFault(kind: FaultKind, inFlight: string): void {
    for (const group of ['fault_in_flight', 'fault_in_flight_rare']) this.coverage.sample(group, { kind, inFlight });
  }

  private hits(fault: FaultRecord, entry: LinkMessage, until: number): boolean {
    return fault.from.has(entry.from) && entry.start <= (fault.end ?? Infinity) && until >= fault.start;
  }

  /** `entry` left the wire at `time` (delivered, or lost): every fault meanwhile struck it. */
  private settle(entry: LinkMessage, time: number): void {
    if (!this.unsettled[entry.from].delete(entry)) return;
    for (const fault of this.faults) if (this.hits(fault, entry, time)) this.strike(fault, entry.message);
  }

  /**
   * Faults that ended before this drain: everything sent before they ended is
   * recorded now, so a message still on the wire was on it during the fault.
   * A node failure ends what was on the wire with it.
   */
  private finishFaults(): void {
    for (const fault of this.faults.filter((f) => f.end !== undefined)) {
      for (const node of ['a', 'b'] as const) {
        for (const entry of this.unsettled[node]) {
          if (!this.hits(fault, entry, Infinity)) continue;
          this.strike(fault, entry.message);
          if (fault.kills) this.unsettled[node].delete(entry);
        }
      }
      if (fault.seen.size === 0) this.sampleFault(fault.kind, 'nothing');
      this.faults.splice(this.faults.indexOf(fault), 1);
    }
  }

  // -- pointer decisions ------------------------------------------------------------
  /** A node failed or fenced itself: requests under way are cut off, and until the handback nodes serve alone. */
  nodeLost(): void {
    this.open.clear();
    this.down = true;
  }

  /** Both nodes serve, mirrored, again. */
  nodesBack(): void {
    this.down = false;
  }

  pointerRequested(key: string, request: PointerRequest): void {
    if (this.down) return;
    this.open.set(key, { ...request, start: this.now() });
  }

  pointerAnswered(key: string, status: string, conflict: boolean): void {
    const window = this.open.get(key);
    if (!window) return;
    this.open.delete(key);
    if (this.down || !DECIDED.has(status)) return;
    this.answered.push({ ...window, end: this.now(), status, conflict });
  }

  private classify(window: PointerWindow): void {
    const decision = this.decisions[window.node].find(
      ({ message: { message, start } }) => start >= window.start && start <= window.end! && message.guid === window.guid && message.page === window.page && message.owner === window.owner,
    );
    const sample = (residency: string, local: string, partner: string) => this.coverage.sample('page_in_space', { request: window.op, residency, local, partner });
    if (decision?.message.message.type === MsgType.LockReq) return sample('resident', 'notNeeded', 'notNeeded');
    if (decision) {
      const partner = this.spaceAnswer.get(decision.message);
      // No space status seen: the partner was lost on the way (then the answer is no decision either).
      if (partner) sample('notResident', decision.evicted ? 'evicted' : 'frame', partner);
      return;
    }
    // No message for it: served alone (an ok), or null at once: locked here, or no frame here and nothing to evict.
    if (window.status === 'Ok') return;
    if (window.conflict) sample('resident', 'notNeeded', 'notNeeded');
    else sample('notResident', 'none', 'notAsked');
  }

  /** Decisions older than every request still waiting for its first answer cannot be one's any more. */
  private pruneDecisions(): void {
    const oldest = Math.min(...[...this.open.values()].map((window) => window.start), this.now());
    for (const node of ['a', 'b'] as const) {
      const list = this.decisions[node];
      const keep = list.findIndex(({ message }) => message.start >= oldest);
      list.splice(0, keep < 0 ? list.length : keep);
    }
  }
}
