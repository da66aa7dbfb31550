// The process agent of one node: drives the process request port and
// matches responses to requests by tag (a queued request answers twice: null
// now, granted later).
import type { Simulator } from '../sim/simulator.js';
import type { StreamDriver, StreamMonitor } from '../sim/streams.js';
import { startSoon } from '../sim/task.js';
import { decodeDataResponse, decodeProcResponse, encodeDataRequest, encodeProcRequest, ProcOp, type DataRequest, type ProcRequest, type ProcResponse, type Status } from './encoding.js';
import { nodeId, type NodeName } from './state.js';

/** Sees every request, answer and data access of a node's processes (the scoreboard is one). */
export interface ProcessObserver {
  request?(node: NodeName, request: ProcRequest): void;
  response?(node: NodeName, response: ProcResponse): void;
  access?(node: NodeName, request: DataRequest, response: { status: Status; rdata: number }): void;
  /** A data port answer no access was waiting for (its waiter abandoned, or a stray). */
  strayAccess?(node: NodeName, response: { status: Status; rdata: number }): void;
}

interface Waiter {
  resolve(response: ProcResponse): void;
}

export class ProcessAgent {
  private nextTag = 1;
  private readonly waiting = new Map<number, Waiter[]>();
  /** Responses seen so far (the observers see each one; none is kept: a long run must not grow). */
  responses = 0;
  readonly observers: ProcessObserver[] = [];
  private readonly dataWaiting: Array<{ request: DataRequest; resolve(response: { status: Status; rdata: number }): void }> = [];

  private constructor(
    readonly node: NodeName,
    private readonly driver: StreamDriver,
    private readonly monitor: StreamMonitor,
    private readonly dataDriver: StreamDriver,
    private readonly dataMonitor: StreamMonitor,
  ) {}

  static async create(sim: Simulator, node: NodeName): Promise<ProcessAgent> {
    const dut = sim.dut;
    const p = (name: string) => dut[`${node}_${name}`];
    const driver = await sim.streamDriver({ name: `${node}_preq`, clock: dut.clk_i, valid: p('preq_valid_i'), ready: p('preq_ready_o'), data: [p('preq_i')] });
    const monitor = await sim.streamMonitor(
      { name: `${node}_presp`, clock: dut.clk_i, valid: p('presp_valid_o'), ready: p('presp_ready_i'), data: [p('presp_o')] },
      { driveReady: 1 },
    );
    const dataDriver = await sim.streamDriver({ name: `${node}_dreq`, clock: dut.clk_i, valid: p('dreq_valid_i'), ready: p('dreq_ready_o'), data: [p('dreq_i')] });
    const dataMonitor = await sim.streamMonitor(
      { name: `${node}_dresp`, clock: dut.clk_i, valid: p('dresp_valid_o'), ready: p('dresp_ready_i'), data: [p('dresp_o')] },
      { driveReady: 1 },
    );
    const agent = new ProcessAgent(node, driver, monitor, dataDriver, dataMonitor);
    startSoon(() => agent.dispatch(), `${node} process responses`);
    startSoon(() => agent.dispatchData(), `${node} data port responses`);
    return agent;
  }

  private async dispatch(): Promise<void> {
    for await (const item of this.monitor) {
      const response = decodeProcResponse(item.data[0]!);
      this.responses++;
      for (const observer of this.observers) observer.response?.(this.node, response);
      const waiters = this.waiting.get(response.tag);
      const waiter = waiters?.shift();
      if (waiters && waiters.length === 0) this.waiting.delete(response.tag);
      waiter?.resolve(response);
    }
  }

  private expect(tag: number): Promise<ProcResponse> {
    return new Promise((resolve) => {
      const list = this.waiting.get(tag) ?? [];
      list.push({ resolve });
      this.waiting.set(tag, list);
    });
  }

  /** Sends a request; resolves with its first response. */
  async request(request: Omit<ProcRequest, 'tag'>): Promise<ProcResponse & { tag: number }> {
    const tag = this.nextTag;
    this.nextTag = (this.nextTag % 255) + 1;
    const response = this.expect(tag);
    const full = { ...request, tag };
    this.driver.send(encodeProcRequest(full));
    for (const observer of this.observers) observer.request?.(this.node, full);
    return response;
  }

  /**
   * The node failed: nothing it was asked will be answered. Forgets every
   * waiter (their promises never settle) so that a later answer is matched
   * to nothing; returns how many requests and data accesses were dropped.
   */
  abandon(): { requests: number; accesses: number } {
    const requests = [...this.waiting.values()].reduce((sum, list) => sum + list.length, 0);
    const accesses = this.dataWaiting.length;
    this.waiting.clear();
    this.dataWaiting.length = 0;
    return { requests, accesses };
  }

  /** Waits for the later grant of a request that was answered null (or an allocation that waited). */
  granted(tag: number): Promise<ProcResponse> {
    return this.expect(tag);
  }

  /** `home`: the node of the asking process (this node unless it has taken the other one's processes over). */
  allocate(pid: number, pages: number, options: { policy?: number; immediate?: boolean; home?: number } = {}) {
    return this.request({
      op: ProcOp.Allocate,
      pid,
      pages,
      policy: options.policy ?? 0,
      immediate: options.immediate ?? false,
      home: options.home ?? nodeId(this.node),
    });
  }

  getRead(pid: number, guid: number, page: number) {
    return this.request({ op: ProcOp.GetRead, pid, guid, page });
  }

  getWrite(pid: number, guid: number, page: number) {
    return this.request({ op: ProcOp.GetWrite, pid, guid, page });
  }

  releasePointer(pid: number, guid: number, page: number) {
    return this.request({ op: ProcOp.ReleasePtr, pid, guid, page });
  }

  releaseMemory(pid: number, guid: number) {
    return this.request({ op: ProcOp.ReleaseMem, pid, guid });
  }

  /** One word through the data port (the process's pointer). */
  async access(request: DataRequest): Promise<{ status: Status; rdata: number }> {
    // The data port answers in order: each access waits for its place in line.
    const response = new Promise<{ status: Status; rdata: number }>((resolve) => this.dataWaiting.push({ request, resolve }));
    this.dataDriver.send(encodeDataRequest(request));
    return response;
  }

  private async dispatchData(): Promise<void> {
    for await (const item of this.dataMonitor) {
      const response = decodeDataResponse(item.data[0]!);
      const waiter = this.dataWaiting.shift();
      if (!waiter) {
        const judges = this.observers.filter((observer) => observer.strayAccess);
        if (judges.length === 0) throw new Error(`${this.node}: a data port answer nobody asked for`);
        for (const observer of judges) observer.strayAccess!(this.node, response);
        continue;
      }
      for (const observer of this.observers) observer.access?.(this.node, waiter.request, response);
      waiter.resolve(response);
    }
  }
}
