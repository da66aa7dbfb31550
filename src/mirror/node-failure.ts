// A node failure and its return: the node stops, the survivor must take it
// over (the scoreboard then checks the survivor against the model: nothing
// acknowledged lost, nothing half-applied, the failed node's pointers void),
// and later the node comes back, is resynchronized and gets its
// allocations back (both nodes checked again). The fault point sweeps use
// these two steps directly; the random regression wraps them in
// `NodeFailures`, which also moves the failed node's processes to the
// survivor and back.
import type { Random } from '../sim/random.js';
import { ClockCycles } from '../sim/triggers.js';
import type { MirrorEnv } from './env.js';
import type { Scoreboard } from './scoreboard.js';
import { otherNode, type NodeName } from './state.js';
import type { Traffic } from './traffic.js';

/** Cycles the survivor may take to serve alone, and the returning node to be resynchronized. */
const TAKEOVER_BUDGET = 10_000;
const FAILBACK_BUDGET = 60_000;

async function expectWithin(scoreboard: Scoreboard, wait: PromiseLike<unknown>, what: string): Promise<void> {
  try {
    await wait;
  } catch (error) {
    throw scoreboard.fail(what, error instanceof Error ? error.message : String(error));
  }
}

/**
 * Fails `failed` now and waits for the survivor's takeover, which the
 * scoreboard checks. Resolves with how many requests and data accesses of
 * the failed node were left in doubt. `onDown` runs in the step the node
 * fails (its processes are cut off there).
 */
export async function failNode(env: MirrorEnv, scoreboard: Scoreboard, failed: NodeName, onDown: () => void = () => undefined): Promise<number> {
  const dut = env.sim.dut;
  const survivor = otherNode(failed);
  dut[`${failed}_fail_i`].value = 1;
  scoreboard.nodeDown(failed);
  onDown();
  await expectWithin(scoreboard, dut[`${survivor}_solo_o`].waitFor(1, { clock: dut.clk_i, budget: TAKEOVER_BUDGET }), `failover: ${survivor} takes ${failed} over`);
  const inDoubt = await scoreboard.takeover(failed);
  const dropped = env.processes[failed].abandon();
  return Math.max(inDoubt.length, dropped.requests) + dropped.accesses;
}

/** Brings `failed` back and waits until it is resynchronized and serves again; the scoreboard checks both nodes. */
export async function restoreNode(env: MirrorEnv, scoreboard: Scoreboard, failed: NodeName): Promise<void> {
  const dut = env.sim.dut;
  const survivor = otherNode(failed);
  dut[`${failed}_fail_i`].value = 0;
  await expectWithin(scoreboard, dut[`${survivor}_solo_o`].waitFor(0, { clock: dut.clk_i, budget: FAILBACK_BUDGET }), `failback: ${survivor} resynchronizes ${failed} and hands it back`);
  await expectWithin(scoreboard, dut[`${failed}_returned_o`].waitFor(0, { clock: dut.clk_i, budget: 1000 }), `failback: ${failed} serves again`);
  await scoreboard.handback(failed);
}

export interface FailureCounts {
  failovers: number;
  failbacks: number;
  /** Requests and data accesses of failed nodes left in doubt. */
  inDoubt: number;
}

/** Node failures at random times during random traffic. */
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
    const route = this.traffic.routes[failed];
    this.counts.inDoubt += await failNode(this.env, this.scoreboard, failed, () => route.cut());
    this.counts.failovers++;
    const home = [...this.scoreboard.model.allocs.values()].filter((alloc) => alloc.node === failed);
    this.traffic.adoptAllocations(failed, home);
    route.moveTo(otherNode(failed));
    await ClockCycles(this.env.sim.dut.clk_i, this.random.int(...downCycles));
    // A returning node serves nobody until it is resynchronized: its processes finish what they are doing at the survivor and wait.
    await route.park();
    await restoreNode(this.env, this.scoreboard, failed);
    this.counts.failbacks++;
    route.moveTo(failed);
  }
}
