// A node failure and its return in the middle of random traffic: the node
// stops at a random moment, the survivor must take it over (its processes
// then run on the survivor), and after a while the node comes back, is
// resynchronized, and gets its allocations and processes back. The
// scoreboard follows each step; each failover and failback is counted.
import type { Random } from '../sim/random.js';
import { ClockCycles } from '../sim/triggers.js';
import type { MirrorEnv } from './env.js';
import type { Scoreboard } from './scoreboard.js';
import { otherNode, type NodeName } from './state.js';
import type { Traffic } from './traffic.js';

export interface FailureCounts {
  failovers: number;
  failbacks: number;
  /** Requests and data accesses of failed nodes left in doubt. */
  inDoubt: number;
}

/** Cycles the survivor may take to serve alone, and the returning node to be resynchronized. */
const TAKEOVER_BUDGET = 10_000;
const FAILBACK_BUDGET = 60_000;

export class NodeFailures {
  readonly counts: FailureCounts = { failovers: 0, failbacks: 0, inDoubt: 0 };

  constructor(
    private readonly env: MirrorEnv,
    private readonly scoreboard: Scoreboard,
    private readonly traffic: Traffic,
    private readonly random: Random,
  ) {}

  /** Fails a random node now, keeps it down for a while, and brings it back; resolves once it serves again. */
  async failAndReturn(downCycles: [number, number] = [500, 6000]): Promise<void> {
    const failed = this.random.pick(['a', 'b'] as const);
    await this.fail(failed);
    await ClockCycles(this.env.sim.dut.clk_i, this.random.int(...downCycles));
    await this.restore(failed);
  }

  private async fail(failed: NodeName): Promise<void> {
    const dut = this.env.sim.dut;
    const survivor = otherNode(failed);
    dut[`${failed}_fail_i`].value = 1;
    this.scoreboard.nodeDown(failed);
    this.traffic.routes[failed].cut();
    await this.expect(dut[`${survivor}_solo_o`].waitFor(1, { clock: dut.clk_i, budget: TAKEOVER_BUDGET }), `failover: ${survivor} takes ${failed} over`);
    const inDoubt = await this.scoreboard.takeover(failed);
    const dropped = this.env.processes[failed].abandon();
    this.counts.inDoubt += Math.max(inDoubt.length, dropped.requests) + dropped.accesses;
    this.counts.failovers++;
    const home = [...this.scoreboard.model.allocs.values()].filter((alloc) => alloc.node === failed);
    this.traffic.adoptAllocations(failed, home);
    this.traffic.routes[failed].moveTo(survivor);
  }

  private async restore(failed: NodeName): Promise<void> {
    const dut = this.env.sim.dut;
    const survivor = otherNode(failed);
    // A returning node serves nobody until it is resynchronized: its processes finish what they are doing at the survivor and wait.
    await this.traffic.routes[failed].park();
    dut[`${failed}_fail_i`].value = 0;
    await this.expect(dut[`${survivor}_solo_o`].waitFor(0, { clock: dut.clk_i, budget: FAILBACK_BUDGET }), `failback: ${survivor} resynchronizes ${failed} and hands it back`);
    await this.expect(dut[`${failed}_returned_o`].waitFor(0, { clock: dut.clk_i, budget: 1000 }), `failback: ${failed} serves again`);
    await this.scoreboard.handback(failed);
    this.counts.failbacks++;
    this.traffic.routes[failed].moveTo(failed);
  }

  private async expect(wait: PromiseLike<unknown>, what: string): Promise<void> {
    try {
      await wait;
    } catch (error) {
      throw this.scoreboard.fail(what, error instanceof Error ? error.message : String(error));
    }
  }
}
