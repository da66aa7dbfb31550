// Reference model of the storage datapath for random traffic: what the disk
// and each node's local memory must hold after a node's commands ran in
// order (each node on its own blocks, so the two nodes' orders do not
// matter), and what each SEND must have put on the link.
import type { Random } from '../../../src/sim/random.js';
import { Op, type Cmd, type StorageParams } from './storage-env.js';

export interface ModelCmd extends Cmd {
  block: number;
  tag: number;
}

export class StorageModel {
  /** Flat, as u_disk.blocks_q: block b word w at b*PageWords + w. */
  disk: bigint[];
  /** Per node, flat, as u_<n>_mem.mem_q. */
  mem: bigint[][];
  /** Per node, the pages each SEND produced, in order. */
  sent: bigint[][][];

  constructor(
    readonly params: StorageParams,
    nodes: number,
  ) {
    this.disk = new Array<bigint>(params.Blocks * params.PageWords).fill(0n);
    this.mem = Array.from({ length: nodes }, () => new Array<bigint>(params.Frames * params.PageWords).fill(0n));
    this.sent = Array.from({ length: nodes }, () => []);
  }

  randomize(random: Random): void {
    this.disk = this.disk.map(() => random.bits(32));
    this.mem = this.mem.map((m) => m.map(() => random.bits(32)));
  }

  private page(array: bigint[], index: number): bigint[] {
    const w = this.params.PageWords;
    return array.slice(index * w, (index + 1) * w);
  }

  private setPage(array: bigint[], index: number, words: readonly bigint[]): void {
    const w = this.params.PageWords;
    for (let i = 0; i < w; i++) array[index * w + i] = words[i]!;
  }

  /** Applies one command of `node` (all commands here are valid). */
  apply(node: number, cmd: ModelCmd): void {
    const mem = this.mem[node]!;
    switch (cmd.op) {
      case Op.PageIn:
        this.setPage(mem, cmd.frame, this.page(this.disk, cmd.block));
        break;
      case Op.Destage:
        this.setPage(this.disk, cmd.block, this.page(mem, cmd.frame));
        break;
      case Op.Zero:
        this.setPage(mem, cmd.frame, new Array<bigint>(this.params.PageWords).fill(0n));
        break;
      case Op.Send:
        this.sent[node]!.push(this.page(mem, cmd.frame));
        break;
      default:
        throw new Error(`model: op ${cmd.op} not modelled`);
    }
  }

  /**
   * `count` random commands for `node` on blocks [base, base+count): page-ins
   * (often the next block after the previous one, as a sequential reader),
   * destages, zeros and sends; applied to the model as they are made.
   */
  randomProgram(random: Random, node: number, range: { base: number; count: number }, count: number): ModelCmd[] {
    const program: ModelCmd[] = [];
    let lastBlock = range.base;
    for (let i = 0; i < count; i++) {
      const kind = random.weighted({ PageIn: 40, Destage: 35, Zero: 8, Send: 17 });
      const sequential = random.chance(0.4) && lastBlock + 1 < range.base + range.count;
      const block = sequential ? lastBlock + 1 : range.base + random.int(0, range.count - 1);
      const cmd: ModelCmd = { op: Op[kind], frame: random.int(0, this.params.Frames - 1), block, tag: i & 0xff };
      if (kind === 'PageIn' || kind === 'Destage') lastBlock = block;
      this.apply(node, cmd);
      program.push(cmd);
    }
    return program;
  }
}
