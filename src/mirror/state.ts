// Backdoor view of a node's tables and memory (through the bridge's memory
// access), decoded from the packed structs of rtl/mm/mm_pkg.sv.
import { MemoryHandle } from '../sim/handle.js';
import type { Simulator } from '../sim/simulator.js';

export interface AllocEntry {
  slot: number;
  guid: number;
  pages: number;
  policy: number;
  owner: number;
  origSlot: number;
}

export interface PageEntry {
  resident: boolean;
  frame: number;
  readCount: number;
  readOwners: number;
  writeLocked: boolean;
  writeOwner: number;
  usage: number;
  modified: boolean;
}

export interface NodeState {
  allocs: AllocEntry[];
  /** pages.get(guid)[page] */
  pages: Map<number, PageEntry[]>;
  freeFrames: number;
}

function bits(value: bigint, low: number, width: number): number {
  return Number((value >> BigInt(low)) & ((1n << BigInt(width)) - 1n));
}

export function decodeAlloc(slot: number, value: bigint): AllocEntry | undefined {
  if (bits(value, 40, 1) === 0) return undefined;
  return {
    slot,
    guid: bits(value, 24, 16),
    pages: bits(value, 16, 8),
    policy: bits(value, 12, 4),
    owner: bits(value, 8, 4),
    origSlot: bits(value, 0, 8),
  };
}

export function decodePage(value: bigint, modified: boolean): PageEntry {
  return {
    resident: bits(value, 61, 1) === 1,
    frame: bits(value, 45, 16),
    readCount: bits(value, 37, 8),
    readOwners: bits(value, 21, 16),
    writeLocked: bits(value, 20, 1) === 1,
    writeOwner: bits(value, 16, 4),
    usage: bits(value, 0, 16),
    modified,
  };
}

export type NodeName = 'a' | 'b';

/** A node's id in the RTL (NodeId; the top bit of its GUIDs and owners). */
export function nodeId(node: NodeName): number {
  return node === 'a' ? 0 : 1;
}

/** The node with this id (the top bit of its GUIDs and owners). */
export function nodeNamed(id: number): NodeName {
  return id === 0 ? 'a' : 'b';
}

/** The node's partner. */
export function otherNode(node: NodeName): NodeName {
  return node === 'a' ? 'b' : 'a';
}

export class NodeView {
  constructor(
    private readonly sim: Simulator,
    readonly node: NodeName,
    readonly maxPages: number,
    readonly pageWords: number,
  ) {}

  private get prefix(): string {
    return `u_node_${this.node}`;
  }

  async state(): Promise<NodeState> {
    const mm = `${this.prefix}.u_mm`;
    const [allocWords, pageWords, modifiedBits, freeFrames] = await Promise.all([
      this.sim.memory(`${mm}.alloc_q`).readAll(),
      this.sim.memory(`${mm}.page_q`).readAll(),
      this.modifiedBits(`${mm}.modified_q`),
      this.sim.signal(`${mm}.free_frames_o`).readNumber(),
    ]);
    const allocs = allocWords.map((word, slot) => decodeAlloc(slot, word)).filter((a): a is AllocEntry => a !== undefined);
    const pages = new Map<number, PageEntry[]>();
    for (const alloc of allocs) {
      const entries: PageEntry[] = [];
      for (let page = 0; page < alloc.pages; page++) {
        const index = alloc.slot * this.maxPages + page;
        entries.push(decodePage(pageWords[index]!, modifiedBits[index] === 1n));
      }
      pages.set(alloc.guid, entries);
    }
    return { allocs, pages, freeFrames };
  }

  // Verilator keeps an unpacked array of single bits as one packed vector.
  private async modifiedBits(name: string): Promise<bigint[]> {
    const handle = this.sim.signal(name);
    if (handle instanceof MemoryHandle) return handle.readAll();
    const value = await handle.read();
    return Array.from({ length: handle.width }, (_, bit) => (value >> BigInt(bit)) & 1n);
  }

  /** The whole local memory, every frame. */
  async memory(): Promise<number[]> {
    return (await this.sim.memory(`${this.prefix}.u_local_memory.mem_q`).readAll()).map(Number);
  }

  /** The words of one local frame. */
  async frame(frame: number): Promise<number[]> {
    const words = await this.sim.memory(`${this.prefix}.u_local_memory.mem_q`).readAll(frame * this.pageWords, this.pageWords);
    return words.map(Number);
  }
}
