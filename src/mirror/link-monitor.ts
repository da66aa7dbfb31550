// The link monitor: passive taps on each node's message streams to and from
// the inter-node link, decoded into typed transactions. It also watches each
// node's local-memory DMA port, so that an acknowledged write page can be
// checked against the moment its data landed. Taps collect inside the
// simulator and are drained at checkpoints, so monitoring costs no host
// round trip per word.
import type { Simulator } from '../sim/simulator.js';
import type { StreamMonitor } from '../sim/streams.js';
import { decodeMessage, MsgType, Status, type Message } from './encoding.js';
import { otherNode, type NodeName } from './state.js';
import type { TransactionLog } from './transaction-log.js';

export interface LinkMessage {
  /** The node that sent it. */
  from: NodeName;
  message: Message;
  /** ns: first word taken, last word taken. */
  start: number;
  end: number;
}

export interface MemoryWrite {
  time: number;
  address: number;
  data: number;
}

/** Told of every message the monitor records, as it drains them (functional coverage samples from it). */
export interface LinkObserver {
  sent(entry: LinkMessage): void;
  received(entry: LinkMessage): void;
  /** `got` is `sent` as its receiver took it. */
  delivered(sent: LinkMessage, got: LinkMessage): void;
  /** Lost in a link-down: found missing when a later message of the same sender arrived at `at` (ns). */
  lost(sent: readonly LinkMessage[], at: number): void;
  /** Everything drained so far has been told. */
  drained(): void;
}

/** A link invariant that failed, as the scoreboard reports it. */
export interface LinkViolation {
  invariant: string;
  detail: string;
}

const ANSWER_TYPES = new Set([MsgType.Complete, MsgType.SpaceStatus, MsgType.LockStatus, MsgType.Header, MsgType.SenseInfo]);

export function isAnswer(type: MsgType): boolean {
  return ANSWER_TYPES.has(type);
}

export function describeMessage(message: Message): string {
  const name = MsgType[message.type] ?? `type${message.type}`;
  const guid = `guid=0x${message.guid.toString(16).padStart(4, '0')}`;
  if (message.type === MsgType.Complete) return `${name} tag=${message.tag} ${guid} status=${Status[message.arg1 & 0xff] ?? message.arg1}`;
  const payload = message.payload.length > 0 ? ` +${message.payload.length} words` : '';
  return `${name} tag=${message.tag} ${guid} page=${message.page} owner=${message.owner} arg0=0x${message.arg0.toString(16)} arg1=0x${message.arg1.toString(16)}${payload}`;
}

const CUT_SETTLE_NS = 100;

/** Words of one tap, assembled into whole messages. */
class MessageTap {
  private words: number[] = [];
  private start = 0;
  /** Times (ns) the node failed: a message it was in the middle of is gone. */
  private readonly cuts: number[] = [];

  constructor(
    readonly node: NodeName,
    private readonly monitor: StreamMonitor,
  ) {}

  async drain(): Promise<Array<{ message: Message; start: number; end: number }>> {
    const done: Array<{ message: Message; start: number; end: number }> = [];
    for (const item of await this.monitor.drain()) {
      const time = Number(item.time / 1000n);
      // A beat or two may still leave in the cycles the failure takes to stop the node; a node is down for far longer.
      while (this.cuts.length > 0 && this.cuts[0]! + CUT_SETTLE_NS < time) {
        this.cuts.shift();
        this.words = [];
      }
      if (this.words.length === 0) this.start = time;
      this.words.push(Number(item.data[0]));
      if (item.data[1] === 1n) {
        done.push({ message: decodeMessage(this.words), start: this.start, end: time });
        this.words = [];
      }
    }
    return done;
  }

  /** The node failed at `time` (ns): words taken before it never complete a message. */
  cutAt(time: number): void {
    this.cuts.push(time);
  }
}

export class LinkMonitor {
  /** Messages each node put on the link, by type (counts only: a long run must not keep every frame). */
  private readonly sentByType = new Map<string, number>();
  readonly memoryWrites: Record<NodeName, MemoryWrite[]> = { a: [], b: [] };
  /** Messages sent but not (yet) delivered, per sender. */
  private readonly inFlight: Record<NodeName, LinkMessage[]> = { a: [], b: [] };
  /** The last request each node received, by tag (what an answer answers). */
  private readonly lastRequest: Record<NodeName, Map<number, LinkMessage>> = { a: new Map(), b: new Map() };
  /** Messages lost when a link went down, per sender. */
  readonly lost: Record<NodeName, number> = { a: 0, b: 0 };
  readonly violations: LinkViolation[] = [];
  private linkDownSeen = false;

  private constructor(
    private readonly txTaps: Record<NodeName, MessageTap>,
    private readonly rxTaps: Record<NodeName, MessageTap>,
    private readonly memoryTaps: Record<NodeName, StreamMonitor>,
  ) {}

  /** Where sent messages are also recorded. */
  log: TransactionLog | undefined;
  /** Who else is told of every message drained. */
  observer: LinkObserver | undefined;

  static async create(sim: Simulator): Promise<LinkMonitor> {
    const clock = sim.dut.clk_i;
    const tap = async (node: NodeName, side: 'tx' | 'rx') => {
      const s = (name: string) => sim.signal(`u_node_${node}.${side}_${name}`);
      const monitor = await sim.streamMonitor({
        name: `${node}_link_${side}`,
        clock,
        valid: s(side === 'tx' ? 'valid_o' : 'valid_i'),
        ready: s(side === 'tx' ? 'ready_i' : 'ready_o'),
        data: [s(side === 'tx' ? 'data_o' : 'data_i'), s(side === 'tx' ? 'last_o' : 'last_i')],
      });
      return new MessageTap(node, monitor);
    };
    const memory = async (node: NodeName) => {
      const m = (name: string) => sim.signal(`u_node_${node}.u_local_memory.${name}`);
      return sim.streamMonitor({
        name: `${node}_mem_dma`,
        clock,
        valid: m('dma_req_i'),
        ready: m('dma_gnt_o'),
        data: [m('dma_we_i'), m('dma_addr_i'), m('dma_wdata_i')],
      });
    };
    return new LinkMonitor(
      { a: await tap('a', 'tx'), b: await tap('b', 'tx') },
      { a: await tap('a', 'rx'), b: await tap('b', 'rx') },
      { a: await memory('a'), b: await memory('b') },
    );
  }

  /** Tells the monitor a link-down happened: messages in flight may be lost. */
  noteLinkDown(): void {
    this.linkDownSeen = true;
  }

  /** A node failed at `time` (ns): messages in flight may be lost, and what it was sending or taking is cut short. */
  noteNodeDown(node: NodeName, time: number): void {
    this.noteLinkDown();
    this.txTaps[node].cutAt(time);
    this.rxTaps[node].cutAt(time);
  }

  /** Takes everything the taps collected and checks delivery and write-page acknowledgements. */
  async drain(): Promise<void> {
    for (const node of ['a', 'b'] as const) {
      for (const item of await this.memoryTaps[node].drain()) {
        if (item.data[0] === 1n) this.memoryWrites[node].push({ time: Number(item.time / 1000n), address: Number(item.data[1]), data: Number(item.data[2]) });
      }
    }
    for (const node of ['a', 'b'] as const) {
      for (const sent of await this.txTaps[node].drain()) {
        const entry = { from: node, ...sent };
        const type = MsgType[sent.message.type] ?? `type${sent.message.type}`;
        this.sentByType.set(type, (this.sentByType.get(type) ?? 0) + 1);
        this.inFlight[node].push(entry);
        this.observer?.sent(entry);
        this.log?.add({ time: sent.start, where: `${node}->${otherNode(node)}`, text: describeMessage(sent.message) });
      }
    }
    // Requests first (on both sides), so an answer always finds the request it answers.
    const arrivals: LinkMessage[] = [];
    for (const node of ['a', 'b'] as const) {
      for (const got of await this.rxTaps[node].drain()) {
        const entry = { from: otherNode(node), ...got };
        this.observer?.received(entry);
        if (!isAnswer(got.message.type)) this.lastRequest[node].set(got.message.tag, entry);
        arrivals.push(entry);
      }
    }
    for (const entry of arrivals) this.deliver(entry);
    this.observer?.drained();
    for (const node of ['a', 'b'] as const) {
      const writes = this.memoryWrites[node];
      if (writes.length > 50_000) writes.splice(0, writes.length - 50_000);
    }
  }

  // The link delivers every message exactly once and in order; only a link
  // that went down may lose the ones in flight.
  private deliver(got: LinkMessage): void {
    const from = got.from;
    const pending = this.inFlight[from];
    const index = pending.findIndex((sent) => sameMessage(sent.message, got.message));
    if (index < 0) {
      this.violations.push({
        invariant: 'link delivers exactly what was sent',
        detail: `${otherNode(from)} received ${describeMessage(got.message)} at ${got.end} ns, which ${from} never sent (or it was delivered twice)`,
      });
      return;
    }
    if (index > 0 && !this.linkDownSeen) {
      this.violations.push({
        invariant: 'link delivers in order, nothing lost',
        detail: `${otherNode(from)} received ${describeMessage(got.message)} at ${got.end} ns, skipping ${index} earlier message(s) from ${from}, the first: ${describeMessage(pending[0]!.message)} (no link-down happened)`,
      });
    }
    this.lost[from] += index;
    const [sent] = pending.splice(index, 1);
    const skipped = pending.splice(0, index);
    if (skipped.length > 0) this.observer?.lost(skipped, got.end);
    this.observer?.delivered(sent!, got);
    this.checkWritePageAck(sent!);
  }

  /** A complete/ok for a write page leaves only after every word of the page landed in local memory. */
  private checkWritePageAck(ack: LinkMessage): void {
    if (ack.message.type !== MsgType.Complete || (ack.message.arg1 & 0xff) !== Status.Ok) return;
    const request = this.lastRequest[ack.from].get(ack.message.tag);
    if (!request || request.message.type !== MsgType.WritePage || request.start > ack.start) return;
    const payload = request.message.payload;
    const writes = this.memoryWrites[ack.from].filter((w) => w.time >= request.start && w.time <= ack.start);
    const missing = payload.findIndex((word, offset) => !writes.some((w) => w.address % payload.length === offset && w.data === word));
    if (missing >= 0) {
      this.violations.push({
        invariant: 'durability: a write page is acknowledged only after its data landed',
        detail: `${ack.from} answered ${describeMessage(request.message)} complete/ok at ${ack.start} ns, but word ${missing} (0x${payload[missing]!.toString(16)}) had not been written to its local memory by then`,
      });
    }
  }

  /** Counts of messages both nodes sent, by type name. */
  countsByType(): Map<string, number> {
    return new Map(this.sentByType);
  }
}

function sameMessage(x: Message, y: Message): boolean {
  return (
    x.type === y.type && x.tag === y.tag && x.srcNode === y.srcNode && x.guid === y.guid && x.page === y.page &&
    x.owner === y.owner && x.arg0 === y.arg0 && x.arg1 === y.arg1 &&
    x.payload.length === y.payload.length && x.payload.every((word, i) => word === y.payload[i])
  );
}
