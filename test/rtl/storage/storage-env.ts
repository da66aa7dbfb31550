// Test environment for the storage datapath (rtl/storage/): the design
// description, the command/completion encodings of rtl/storage/storage_pkg.sv,
// and a per-node wrapper around the DMA engine's streams, the cache's
// controls and the backdoor memories of test/fixtures/rtl/storage_tb_top.sv.
import type { Design } from '../../../src/build/design.js';
import { Clock } from '../../../src/sim/clock.js';
import type { MemoryHandle } from '../../../src/sim/handle.js';
import type { Simulator } from '../../../src/sim/simulator.js';
import type { StreamDriver, StreamItem, StreamMonitor } from '../../../src/sim/streams.js';
import { ClockCycles, withTimeout } from '../../../src/sim/triggers.js';

export const STORAGE_SOURCES = [
  'rtl/storage/storage_pkg.sv',
  'rtl/storage/storage_fifo.sv',
  'rtl/storage/disk_model.sv',
  'rtl/storage/local_memory.sv',
  'rtl/storage/dma_engine.sv',
  'rtl/storage/storage_cache.sv',
  'test/fixtures/rtl/storage_tb_top.sv',
] as const;

export interface StorageParams {
  PageWords: number;
  Blocks: number;
  Frames: number;
  Lines: number;
  Latency: number;
  IdleDelay: number;
}

/** The tb top's defaults (test/fixtures/rtl/storage_tb_top.sv). */
export const DEFAULT_PARAMS: StorageParams = { PageWords: 16, Blocks: 256, Frames: 8, Lines: 4, Latency: 20, IdleDelay: 16 };

export function storageDesign(name: string, params: StorageParams): Design {
  return { name, top: 'storage_tb_top', sources: STORAGE_SOURCES, parameters: { ...params } };
}

/** 10 ns clock; stream item times are in simulator steps (ps). */
export const CLOCK_NS = 10;
export const STEPS_PER_CYCLE = 10_000n;

export const Op = { None: 0, PageIn: 1, Destage: 2, Send: 3, Receive: 4, Zero: 5 } as const;
export const Status = { Ok: 0, BadFrame: 1, BadBlock: 2, BadOp: 3, BadLength: 4 } as const;
export type OpName = keyof typeof Op;

export interface Cmd {
  op: number;
  frame: number;
  block?: number;
  tag?: number;
}

export interface Done {
  op: number;
  frame: number;
  tag: number;
  status: number;
  /** Simulation time (steps) of the completion handshake. */
  time: bigint;
}

/** dma_cmd_t: op [42:40], frame [39:24], block [23:8], tag [7:0]. */
export function packCmd(cmd: Cmd): bigint {
  return (BigInt(cmd.op & 7) << 40n) | (BigInt(cmd.frame & 0xffff) << 24n) | (BigInt((cmd.block ?? 0) & 0xffff) << 8n) | BigInt((cmd.tag ?? 0) & 0xff);
}

/** dma_done_t: op [29:27], frame [26:11], tag [10:3], status [2:0]. */
export function unpackDone(item: StreamItem): Done {
  const v = item.data[0]!;
  return {
    op: Number((v >> 27n) & 7n),
    frame: Number((v >> 11n) & 0xffffn),
    tag: Number((v >> 3n) & 0xffn),
    status: Number(v & 7n),
    time: item.time,
  };
}

export function cyclesBetween(from: bigint, to: bigint): number {
  return Number(to - from) / Number(STEPS_PER_CYCLE);
}

/** Starts the clock and resets the design; every control input starts low. */
export async function resetStorage(dut: any, cycles = 3): Promise<void> {
  new Clock(dut.clk_i, CLOCK_NS, 'ns').start();
  dut.rst_ni.value = 0;
  await ClockCycles(dut.clk_i, cycles);
  dut.rst_ni.value = 1;
  await ClockCycles(dut.clk_i, 1);
}

/** Collects `count` items, failing (instead of hanging) after `cycles` clock cycles. */
export async function collectWithin(monitor: StreamMonitor, count: number, cycles: number): Promise<StreamItem[]> {
  return withTimeout(monitor.collect(count), cycles * CLOCK_NS, 'ns');
}

export interface StreamOptions {
  /** Chance of an idle cycle before each command. */
  cmdIdle?: number;
  /** Chance that done_ready is high in a cycle. */
  doneReady?: number;
}

/** One node (prefix `a` or `b`) of the tb top. */
export class StorageNode {
  cmd!: StreamDriver;
  /** Passive: every accepted command, with its acceptance time. */
  accepted!: StreamMonitor;
  done!: StreamMonitor;
  readonly mem: MemoryHandle;
  private issued = 0;

  private constructor(
    readonly sim: Simulator,
    readonly prefix: 'a' | 'b',
    readonly params: StorageParams,
  ) {
    this.mem = sim.memory(`u_${prefix}_mem.mem_q`);
  }

  static async create(sim: Simulator, prefix: 'a' | 'b', params: StorageParams, options: StreamOptions = {}): Promise<StorageNode> {
    const node = new StorageNode(sim, prefix, params);
    const s = (name: string) => sim.signal(`${prefix}_${name}`);
    const clock = sim.signal('clk_i');
    node.cmd = await sim.streamDriver(
      { name: `${prefix}_cmd`, clock, valid: s('cmd_valid_i'), ready: s('cmd_ready_o'), data: [s('cmd_i')] },
      { idleProb: options.cmdIdle ?? 0 },
    );
    node.accepted = await sim.streamMonitor({ name: `${prefix}_cmd_seen`, clock, valid: s('cmd_valid_i'), ready: s('cmd_ready_o'), data: [s('cmd_i')] });
    node.done = await sim.streamMonitor(
      { name: `${prefix}_done`, clock, valid: s('done_valid_o'), ready: s('done_ready_i'), data: [s('done_o')] },
      { driveReady: options.doneReady ?? 1 },
    );
    return node;
  }

  signal(name: string) {
    return this.sim.signal(`${this.prefix}_${name}`);
  }

  /** Queues commands; tags count up from 0 unless given. */
  send(...cmds: Cmd[]): void {
    this.cmd.send(...cmds.map((c) => packCmd({ ...c, tag: c.tag ?? this.issued++ & 0xff })));
  }

  /** Runs commands and returns their completions (failing after `cycles`). */
  async run(cmds: Cmd[], cycles = 2_000 * cmds.length): Promise<Done[]> {
    this.send(...cmds);
    return (await collectWithin(this.done, cmds.length, cycles)).map(unpackDone);
  }

  /** Runs one command; returns its completion and the cycles from acceptance to the completion handshake. */
  async timed(cmd: Cmd, cycles = 5_000): Promise<{ done: Done; cycles: number }> {
    await this.accepted.drain();
    const [done] = await this.run([cmd], cycles);
    const [accepted] = await this.accepted.collect(1);
    return { done: done!, cycles: cyclesBetween(accepted!.time, done!.time) };
  }

  async frame(frame: number): Promise<bigint[]> {
    return this.mem.readAll(frame * this.params.PageWords, this.params.PageWords);
  }

  async writeFrame(frame: number, words: readonly bigint[]): Promise<void> {
    await this.mem.writeAll(frame * this.params.PageWords, words);
  }

  async stats(): Promise<{ hits: number; misses: number; readahead: number; destaged: number }> {
    const [hits, misses, readahead, destaged] = await Promise.all(
      ['hits', 'misses', 'readahead', 'destaged'].map((n) => this.signal(`stat_${n}_o`).readNumber()),
    );
    return { hits: hits!, misses: misses!, readahead: readahead!, destaged: destaged! };
  }

  /** One-cycle pulse on a control input. */
  async pulse(name: string): Promise<void> {
    const sig = this.signal(name);
    sig.value = 1;
    await ClockCycles(this.sim.signal('clk_i'), 1);
    sig.value = 0;
  }
}

export class Disk {
  readonly blocks: MemoryHandle;
  constructor(
    sim: Simulator,
    readonly params: StorageParams,
  ) {
    this.blocks = sim.memory('u_disk.blocks_q');
  }

  async block(block: number): Promise<bigint[]> {
    return this.blocks.readAll(block * this.params.PageWords, this.params.PageWords);
  }

  async writeBlock(block: number, words: readonly bigint[]): Promise<void> {
    await this.blocks.writeAll(block * this.params.PageWords, words);
  }
}

export function randomPage(random: { bits(width: number): bigint }, words: number): bigint[] {
  return Array.from({ length: words }, () => random.bits(32));
}
