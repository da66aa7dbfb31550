// The process agent of one node: drives the process request port and
// matches responses to requests by tag (a queued request answers twice: null
// now, granted later).
import type { Simulator } from '../sim/simulator.js';
import type { StreamDriver, StreamMonitor } from '../sim/streams.js';
import { startSoon } from '../sim/task.js';
import { decodeDataResponse, decodeProcResponse, encodeDataRequest, encodeProcRequest, ProcOp, Status, type ProcRequest, type ProcResponse } from './encoding.js';
import type { NodeName } from './state.js';

interface Waiter {
  resolve(response: ProcResponse): void;
}

export class ProcessAgent {
  private nextTag = 1;
  private readonly waiting = new Map<number, Waiter[]>();
  /** Every response seen, in order (the scoreboard reads it). */
  readonly log: ProcResponse[] = [];

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
    return agent;
  }

  private async dispatch(): Promise<void> {
    for await (const item of this.monitor) {
      const response = decodeProcResponse(item.data[0]!);
      this.log.push(response);
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
    this.driver.send(encodeProcRequest({ ...request, tag }));
    return response;
  }

  /** Waits for the later grant of a request that was answered null (or an allocation that waited). */
  granted(tag: number): Promise<ProcResponse> {
    return this.expect(tag);
  }

  allocate(pid: number, pages: number, options: { policy?: number; immediate?: boolean } = {}) {
    return this.request({ op: ProcOp.Allocate, pid, pages, policy: options.policy ?? 0, immediate: options.immediate ?? false });
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
  async access(request: { write: boolean; pid: number; guid: number; page: number; offset: number; wdata?: number }): Promise<{ status: Status; rdata: number }> {
    this.dataDriver.send(encodeDataRequest(request));
    const [item] = await this.dataMonitor.collect(1);
    return decodeDataResponse(item!.data[0]!);
  }
}
