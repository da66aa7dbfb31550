// Test bench for inter_node_link: drives both nodes' message ports with the
// bridge's stream drivers/monitors, injects faults, reads the statistics, and
// models the frame format (header layout, CRC-32) in software.
import { expect } from 'vitest';
import type { Design } from '../../../src/build/design.js';
import { Clock } from '../../../src/sim/clock.js';
import type { Random } from '../../../src/sim/random.js';
import type { Simulator } from '../../../src/sim/simulator.js';
import type { StreamDriver, StreamMonitor, StreamItem } from '../../../src/sim/streams.js';
import { startSoon } from '../../../src/sim/task.js';
import { ClockCycles, First, WaitUntil } from '../../../src/sim/triggers.js';

// Parameters the tests build the link with (one build for the whole file).
export const LATENCY = 4;
export const MAX_MSG_WORDS = 20;
export const HB_PERIOD = 32;
export const HB_TIMEOUT = 128;
export const ACK_TIMEOUT = 2 * (MAX_MSG_WORDS + 2) + 2 * LATENCY + 16;
export const RX_SLOTS = 8;
export const MAX_RETRIES = 8;
export const QUIET_CYCLES = HB_TIMEOUT + 2 * LATENCY + 8;
export const PERIOD_NS = 10;

// Bounds documented in docs/rtl-link.md, in cycles.
/** Reset released -> both sides up (no faults). */
export const BRINGUP_BOUND = 4 * (LATENCY + 4);
/**
 * The peer falls silent (cable cut, node dead) -> this side declares the link
 * down: HbTimeout after the last good frame, which may still have been on the
 * wire (Latency) when the peer fell silent, plus two cycles of pipeline.
 */
export const DETECT_BOUND = HB_TIMEOUT + LATENCY + 2;
/** Cut released (after both quiet periods are over) -> both sides up. */
export const RECOVER_BOUND = HB_PERIOD + 4 * (LATENCY + 4);

export const linkSources = [
  'link_pkg',
  'link_wire',
  'link_framer',
  'link_deframer',
  'link_tx_buf',
  'link_rx_buf',
  'link_endpoint',
  'inter_node_link',
].map((m) => `rtl/link/${m}.sv`);

export const linkDesign: Design = {
  name: 'link',
  top: 'inter_node_link',
  sources: linkSources,
  parameters: { Latency: LATENCY, MaxMsgWords: MAX_MSG_WORDS, HbPeriod: HB_PERIOD, HbTimeout: HB_TIMEOUT },
};

export type Side = 'a' | 'b';
export type Dir = 'ab' | 'ba';
export type Message = bigint[];

export const STAT_NAMES = ['frames', 'retx', 'crc_err', 'dropped', 'delivered', 'dup', 'duplicated'] as const;
export type Stats = Record<`${(typeof STAT_NAMES)[number]}_${Dir}` | 'down_a' | 'down_b', number>;

export type Faults = Partial<Record<'drop_ab' | 'drop_ba' | 'corrupt_ab' | 'corrupt_ba' | 'dup_ab' | 'dup_ba' | 'cut', boolean>> & {
  delay_ab?: number;
  delay_ba?: number;
};

export interface BenchOptions {
  /** Chance per cycle that each node takes an rx word (1 = always ready). */
  readyA?: number;
  readyB?: number;
  /** Chance of an idle cycle before each tx word. */
  idleProb?: number;
  /** Do not create the rx monitors (the test drives rx_ready itself). */
  noMonitors?: boolean;
}

/** Splits monitor items ([data, last]) into messages; a trailing partial message is returned apart. */
export function toMessages(items: readonly StreamItem[]): { messages: Message[]; partial: Message } {
  const messages: Message[] = [];
  let current: Message = [];
  for (const item of items) {
    current.push(item.data[0]!);
    if (item.data[1] === 1n) {
      messages.push(current);
      current = [];
    }
  }
  return { messages, partial: current };
}

export class LinkBench {
  tx!: Record<Side, StreamDriver>;
  rx!: Partial<Record<Side, StreamMonitor>>;
  private tags: Record<Side, number> = { a: 0, b: 0 };

  constructor(
    readonly sim: Simulator,
    readonly dut: any,
    readonly random: Random,
  ) {}

  /** Clock, all inputs quiet, reset for 3 cycles; streams attached. Returns at reset release. */
  static async start(sim: Simulator, dut: any, random: Random, options: BenchOptions = {}): Promise<LinkBench> {
    const bench = new LinkBench(sim, dut, random);
    new Clock(dut.clk_i, PERIOD_NS, 'ns').start();
    dut.rst_ni.value = 0;
    for (const side of ['a', 'b'] as const) {
      dut[`${side}_alive_i`].value = 1;
      dut[`${side}_tx_valid_i`].value = 0;
      dut[`${side}_rx_ready_i`].value = 0;
    }
    bench.setFaults({});
    await ClockCycles(dut.clk_i, 3);
    const idleProb = options.idleProb ?? 0;
    const driver = (side: Side) =>
      sim.streamDriver(
        {
          name: `${side}_tx`,
          clock: dut.clk_i,
          valid: dut[`${side}_tx_valid_i`],
          ready: dut[`${side}_tx_ready_o`],
          data: [dut[`${side}_tx_data_i`], dut[`${side}_tx_last_i`]],
        },
        { idleProb },
      );
    bench.tx = { a: await driver('a'), b: await driver('b') };
    bench.rx = {};
    if (!options.noMonitors) {
      bench.rx.a = await bench.monitor('a', options.readyA ?? 1);
      bench.rx.b = await bench.monitor('b', options.readyB ?? 1);
    }
    dut.rst_ni.value = 1;
    return bench;
  }

  monitor(side: Side, driveReady: number): Promise<StreamMonitor> {
    const dut = this.dut;
    return this.sim.streamMonitor(
      {
        name: `${side}_rx`,
        clock: dut.clk_i,
        valid: dut[`${side}_rx_valid_o`],
        ready: dut[`${side}_rx_ready_i`],
        data: [dut[`${side}_rx_data_o`], dut[`${side}_rx_last_o`]],
      },
      { driveReady },
    );
  }

  setFaults(f: Faults): void {
    const dut = this.dut;
    dut.fault_drop_ab_i.value = f.drop_ab ? 1 : 0;
    dut.fault_drop_ba_i.value = f.drop_ba ? 1 : 0;
    dut.fault_corrupt_ab_i.value = f.corrupt_ab ? 1 : 0;
    dut.fault_corrupt_ba_i.value = f.corrupt_ba ? 1 : 0;
    dut.fault_delay_ab_i.value = f.delay_ab ?? 0;
    dut.fault_delay_ba_i.value = f.delay_ba ?? 0;
    dut.fault_dup_ab_i.value = f.dup_ab ? 1 : 0;
    dut.fault_dup_ba_i.value = f.dup_ba ? 1 : 0;
    dut.fault_cut_i.value = f.cut ? 1 : 0;
  }

  /** Waits until both sides are up; returns the cycles waited, or -1 past the budget. */
  async waitBothUp(budget: number): Promise<number> {
    return this.waitBoth(1, budget);
  }

  /**
   * Waits until both sides' link_up equal `up`; returns the cycles from now
   * until the later of the two, or -1 when that takes more than `budget`.
   */
  async waitBoth(up: 0 | 1, budget: number): Promise<number> {
    const start = this.now();
    for (const side of ['a', 'b'] as const) {
      const left = budget - (this.now() - start);
      if (left < 1) return -1;
      const result = await WaitUntil(this.dut[`${side}_link_up_o`], up, { clock: this.dut.clk_i, budget: left });
      if (!result.matched) return -1;
    }
    return this.now() - start;
  }

  /**
   * Applies a new random fault set every `interval` cycles (a random number
   * in the range) until stopped; stop() clears all faults. Faults act per
   * frame, on the frames that start entering the wire while they are set.
   * `cleanAfterLoss`: after a set that drops or corrupts, that many cycles
   * with only its delays and duplicates.
   */
  faultPattern(
    choose: (random: Random) => Faults,
    interval: [number, number],
    options: { cleanAfterLoss?: number } = {},
  ): { stop: () => Promise<void> } {
    let running = true;
    const task = startSoon(async () => {
      while (running) {
        const faults = choose(this.random);
        this.setFaults(faults);
        await ClockCycles(this.dut.clk_i, this.random.int(interval[0], interval[1]));
        const lossy = faults.drop_ab || faults.drop_ba || faults.corrupt_ab || faults.corrupt_ba;
        if (options.cleanAfterLoss && lossy && running) {
          // Only delays and duplicates for a while: losses never chain into
          // HbTimeout cycles without a good frame, which is a link down.
          this.setFaults({ delay_ab: faults.delay_ab, delay_ba: faults.delay_ba, dup_ab: faults.dup_ab, dup_ba: faults.dup_ba });
          await ClockCycles(this.dut.clk_i, options.cleanAfterLoss);
        }
      }
      this.setFaults({});
    });
    return {
      stop: async () => {
        running = false;
        await task;
      },
    };
  }

  /**
   * Checks that exactly `sent` arrived at `side`'s node, whole and in order:
   * waits (bounded) for the count, then a while longer to see nothing more
   * (no late duplicate) arrives. Returns the cycles the delivery took.
   */
  async expectDelivered(
    side: Side,
    sent: readonly Message[],
    budget: number,
    // Messages delivered to this node before `sent` was queued.
    before: number,
    options: { settle?: number } = {},
  ): Promise<number> {
    const dir: Dir = side === 'b' ? 'ab' : 'ba';
    const settle = options.settle ?? 4 * HB_TIMEOUT;
    const wait = await WaitUntil(this.dut[`stat_delivered_${dir}_o`], before + sent.length, { clock: this.dut.clk_i, budget });
    if (settle > 0) await ClockCycles(this.dut.clk_i, settle);
    const { messages, partial } = toMessages(await this.rx[side]!.drain());
    const summary = (m: readonly Message[]) => m.map((words) => `${words[0]!.toString(16)}/${words.length}`);
    // Tags first, for a readable failure; then every word.
    expect(summary(messages), `messages at ${side}`).toEqual(summary(sent));
    expect(messages, `contents at ${side}`).toEqual(sent);
    expect(partial, `no partial message at ${side}`).toEqual([]);
    expect(await this.dut[`stat_delivered_${dir}_o`].readNumber()).toBe(before + sent.length);
    expect(wait.matched).toBe(true);
    return wait.cycles;
  }

  /** Messages delivered to `side`'s node so far. */
  delivered(side: Side): Promise<number> {
    return this.dut[`stat_delivered_${side === 'b' ? 'ab' : 'ba'}_o`].readNumber();
  }

  /** Waits until `side`'s tx driver has handed over everything; false past the budget. */
  async txIdle(side: Side, budget: number): Promise<boolean> {
    return First(this.tx[side].idle().then(() => true), ClockCycles(this.dut.clk_i, budget).then(() => false));
  }

  /** Cycles since time 0. */
  now(): number {
    return Math.round(this.sim.time('ns') / PERIOD_NS);
  }

  /**
   * n random messages (1..MAX_MSG_WORDS words, random contents) from `side`.
   * Word 0 carries a tag (side, running number) so a lost or repeated message
   * is easy to name; everything else is random.
   */
  makeMessages(side: Side, n: number, lengths: [number, number] = [1, MAX_MSG_WORDS]): Message[] {
    const messages: Message[] = [];
    for (let i = 0; i < n; i++) {
      const length = this.random.int(lengths[0], lengths[1]);
      const tag = ((side === 'a' ? 0xa : 0xb) << 28) | (this.tags[side]++ & 0xfffffff);
      const words: Message = [BigInt(tag >>> 0)];
      for (let w = 1; w < length; w++) words.push(this.random.bits(32));
      messages.push(words);
    }
    return messages;
  }

  /** Queues messages on a node's tx port (word by word, last flagged). */
  send(side: Side, messages: readonly Message[]) {
    const items: Array<[bigint, number]> = [];
    for (const message of messages) message.forEach((word, i) => items.push([word, i === message.length - 1 ? 1 : 0]));
    return this.tx[side].send(...items);
  }

  async stats(): Promise<Stats> {
    const out: Partial<Stats> = {};
    for (const name of STAT_NAMES) {
      for (const dir of ['ab', 'ba'] as const) out[`${name}_${dir}`] = await this.dut[`stat_${name}_${dir}_o`].readNumber();
    }
    out.down_a = await this.dut.a_down_events_o.readNumber();
    out.down_b = await this.dut.b_down_events_o.readNumber();
    return out as Stats;
  }
}

// -----------------------------------------------------------------------------
// Software model of the frame format (docs/rtl-link.md)
// -----------------------------------------------------------------------------

const CRC_TABLE = (() => {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
})();

/** Standard CRC-32 (zlib) over bytes. */
export function crc32Bytes(bytes: Iterable<number>): number {
  let c = 0xffffffff;
  for (const b of bytes) c = CRC_TABLE[(c ^ b) & 0xff]! ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

/** CRC-32 of 32-bit words, each stored little-endian: what the RTL computes word-serially. */
export function crc32Words(words: readonly number[]): number {
  const bytes: number[] = [];
  for (const w of words) bytes.push(w & 0xff, (w >>> 8) & 0xff, (w >>> 16) & 0xff, (w >>> 24) & 0xff);
  return crc32Bytes(bytes);
}

export const KIND = { 1: 'DATA', 2: 'ACK', 3: 'HEARTBEAT' } as Record<number, string>;
export const STATE = { 1: 'Down', 2: 'Init', 3: 'Up' } as Record<number, string>;

export interface Header {
  kind: number;
  state: number;
  seq: number;
  ack: number;
  room: number;
  nak: number;
  poll: number;
  rsvd: number;
  len: number;
}

export function unpackHeader(word: number): Header {
  return {
    kind: (word >>> 30) & 0x3,
    state: (word >>> 28) & 0x3,
    seq: (word >>> 23) & 0x1f,
    ack: (word >>> 18) & 0x1f,
    room: (word >>> 14) & 0xf,
    nak: (word >>> 13) & 0x1,
    poll: (word >>> 12) & 0x1,
    rsvd: (word >>> 11) & 0x1,
    len: word & 0x7ff,
  };
}
