// Constrained-random process traffic: several processes per node, each
// allocating, taking read and write pointers, reading and writing words
// through them and releasing them, and releasing whole allocations. The
// knobs shape it: contention (many processes on few pages), memory pressure
// (more pages than frames), the mix of operations. A node's processes are
// served by the survivor while their node is down (process-routes.ts).
import { ClockCycles } from '../sim/triggers.js';
import type { Random } from '../sim/random.js';
import { guidNode, Status } from './encoding.js';
import type { MirrorEnv } from './env.js';
import { ProcessesMoved, ProcessRoute, type Epoch } from './process-routes.js';
import { nodeId, type NodeName } from './state.js';

export interface TrafficKnobs {
  processesPerNode: number;
  /** At most this many live allocations per node (few: contention). */
  allocsPerNode: number;
  /** Pages per allocation, inclusive range (many, with few frames: pressure). */
  pages: [number, number];
  /** Weights of what a process does next. */
  weights: { read: number; write: number; allocate: number; releaseMemory: number };
  /** Data words read or written while a pointer is held, inclusive range. */
  accesses: [number, number];
  /** Idle cycles between a process's operations, inclusive range. */
  gap: [number, number];
  /** Chance an allocation asks for `immediate`. */
  immediate: number;
}

export interface TrafficStats {
  /** `${op} ${status}` → count */
  outcomes: Map<string, number>;
  /** Pointer operations a node's processes did on the survivor while their node was down. */
  servedBySurvivor: number;
}

interface Allocation {
  guid: number;
  pages: number;
  /** Processes holding or waiting for a page of it. */
  busy: number;
  retiring: boolean;
}

export class Traffic {
  readonly stats: TrafficStats = { outcomes: new Map(), servedBySurvivor: 0 };
  private readonly pools: Record<NodeName, Allocation[]> = { a: [], b: [] };
  /** Allocations asked for and not answered yet (they count against the limit). */
  private readonly allocating: Record<NodeName, number> = { a: 0, b: 0 };
  private readonly remaining: Record<NodeName, number> = { a: 0, b: 0 };
  /** Where each node's processes send their requests. */
  readonly routes: Record<NodeName, ProcessRoute> = { a: new ProcessRoute('a'), b: new ProcessRoute('b') };
  /** Cycles to wait before retrying an operation the partner could not answer. */
  private readonly retryGap = 400;

  constructor(
    private readonly env: MirrorEnv,
    private readonly random: Random,
    private readonly knobs: TrafficKnobs,
  ) {}

  private count(op: string, status: Status): void {
    const key = `${op} ${Status[status] ?? status}`;
    this.stats.outcomes.set(key, (this.stats.outcomes.get(key) ?? 0) + 1);
  }

  /** Runs every process of both nodes until each node has done `ops` pointer operations (get, use, release). */
  async run(ops: number): Promise<void> {
    this.remaining.a = ops;
    this.remaining.b = ops;
    const processes: Array<Promise<void>> = [];
    for (const node of ['a', 'b'] as const) {
      for (let pid = 0; pid < this.knobs.processesPerNode; pid++) processes.push(this.process(node, pid));
    }
    await Promise.all(processes);
  }

  /** Releases every allocation still live (the end of a run). */
  async releaseAll(): Promise<void> {
    for (const node of ['a', 'b'] as const) {
      for (const alloc of [...this.pools[node]]) {
        const response = await this.retryWhilePartnerLost(() => this.agent(node).releaseMemory(0, alloc.guid), 'release memory');
        this.count('release memory', response.status);
        this.pools[node].splice(this.pools[node].indexOf(alloc), 1);
      }
    }
  }

  /**
   * After a takeover: the node's processes own exactly these allocations
   * (the survivor's table decided those in doubt), none of them busy.
   */
  adoptAllocations(node: NodeName, allocations: ReadonlyArray<{ guid: number; pages: number }>): void {
    this.pools[node] = allocations.map(({ guid, pages }) => ({ guid, pages, busy: 0, retiring: false }));
    this.allocating[node] = 0;
  }

  /** The agent serving `home`'s processes now. */
  private agent(home: NodeName) {
    return this.env.processes[this.routes[home].serving];
  }

  private async process(node: NodeName, pid: number): Promise<void> {
    const route = this.routes[node];
    while (this.remaining[node] > 0) {
      const epoch = await route.enter();
      try {
        await this.operation(node, pid, epoch);
      } catch (error) {
        if (!(error instanceof ProcessesMoved)) throw error;
      } finally {
        route.leave();
      }
    }
  }

  /** One thing a process does next. */
  private async operation(node: NodeName, pid: number, epoch: Epoch): Promise<void> {
    const clock = this.env.sim.dut.clk_i;
    const gap = this.random.int(...this.knobs.gap);
    if (gap > 0) await ClockCycles(clock, gap);
    const pool = this.pools[node];
    const usable = pool.filter((alloc) => !alloc.retiring);
    const choice = this.random.weighted({
      allocate: pool.length + this.allocating[node] < this.knobs.allocsPerNode ? this.knobs.weights.allocate + (usable.length === 0 ? 1 : 0) : 0,
      read: usable.length > 0 ? this.knobs.weights.read : 0,
      write: usable.length > 0 ? this.knobs.weights.write : 0,
      releaseMemory: usable.some((alloc) => alloc.busy === 0) ? this.knobs.weights.releaseMemory : 0,
      idle: 0.01,
    });
    if (choice === 'allocate') await this.allocate(node, pid, epoch);
    else if (choice === 'releaseMemory') await this.releaseMemory(node, pid, epoch);
    else if (choice !== 'idle') {
      this.remaining[node]--;
      await this.usePage(node, pid, this.random.pick(usable), choice === 'write', epoch);
      if (this.routes[node].serving !== node) this.stats.servedBySurvivor++;
    }
  }

  private async allocate(node: NodeName, pid: number, epoch: Epoch): Promise<void> {
    const pages = this.random.int(...this.knobs.pages);
    const options = { immediate: this.random.chance(this.knobs.immediate), policy: this.random.int(0, 15), home: nodeId(node) };
    this.allocating[node]++;
    const response = await this.routes[node].call(epoch, () => this.agent(node).allocate(pid, pages, options)).finally(() => this.allocating[node]--);
    this.count('allocate', response.status);
    if (response.status === Status.Ok) {
      if (guidNode(response.guid) !== nodeId(node)) throw new Error(`${node} pid${pid}: allocate answered GUID 0x${response.guid.toString(16)} of the other node`);
      this.pools[node].push({ guid: response.guid, pages, busy: 0, retiring: false });
    }
  }

  private async releaseMemory(node: NodeName, pid: number, epoch: Epoch): Promise<void> {
    const idle = this.pools[node].filter((alloc) => !alloc.retiring && alloc.busy === 0);
    const alloc = this.random.pick(idle);
    alloc.retiring = true;
    let refused = false;
    const response = await this.retryWhilePartnerLost(() => this.routes[node].call(epoch, () => this.agent(node).releaseMemory(pid, alloc.guid)), 'release memory', () => (refused = true));
    this.count('release memory', response.status);
    // Refused with the partner lost, the release may have happened all the same (the survivor's table decided): then it is gone.
    const goneMeanwhile = refused && response.status === Status.UnknownGuid;
    if (response.status !== Status.Ok && !goneMeanwhile) throw new Error(`${node} pid${pid}: release memory of 0x${alloc.guid.toString(16)} answered ${Status[response.status]}`);
    this.pools[node].splice(this.pools[node].indexOf(alloc), 1);
  }

  /** Get a pointer (waiting for its grant when answered null), read and write through it, release it. */
  private async usePage(node: NodeName, pid: number, alloc: Allocation, write: boolean, epoch: Epoch): Promise<void> {
    const route = this.routes[node];
    const agent = this.agent(node);
    const call = <T>(request: () => Promise<T>) => route.call(epoch, request);
    const page = this.random.int(0, alloc.pages - 1);
    const op = write ? 'get write pointer' : 'get read pointer';
    alloc.busy++;
    try {
      const first = await call(() => (write ? agent.getWrite(pid, alloc.guid, page) : agent.getRead(pid, alloc.guid, page)));
      this.count(op, first.status);
      let status = first.status;
      if (status === Status.Null) {
        status = (await call(() => agent.granted(first.tag))).status;
        this.count(op, status);
      }
      if (status !== Status.Ok && status !== Status.Granted) return;
      // The words go to the data port back to back, as a process's loads and
      // stores would: the port answers in order, and nothing in the next
      // access depends on the answer to this one, so waiting for each answer
      // would only cost the simulation a stop per word.
      const words = this.env.config.pageWords;
      const accesses: Array<Promise<unknown>> = [];
      for (let i = this.random.int(...this.knobs.accesses); i > 0; i--) {
        const offset = this.random.int(0, words - 1);
        const wdata = write && this.random.chance(0.7) ? this.random.int(0, 0xffff_ffff) : undefined;
        accesses.push(call(() => agent.access({ write: wdata !== undefined, pid, guid: alloc.guid, page, offset, wdata })));
      }
      await Promise.all(accesses);
      const released = await this.retryWhilePartnerLost(() => call(() => agent.releasePointer(pid, alloc.guid, page)), 'release pointer');
      this.count('release pointer', released.status);
    } finally {
      alloc.busy--;
    }
  }

  /** Repeats an operation the partner could not answer (a cut link, a failed node) until it is answered. */
  private async retryWhilePartnerLost<T extends { status: Status }>(operation: () => Promise<T>, op: string, onRefused: () => void = () => undefined): Promise<T> {
    for (;;) {
      const response = await operation();
      if (response.status !== Status.PartnerDown && response.status !== Status.PartnerTimeout) return response;
      onRefused();
      this.count(op, response.status);
      await ClockCycles(this.env.sim.dut.clk_i, this.retryGap);
    }
  }
}
