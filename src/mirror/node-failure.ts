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
import { linkTiming, type MirrorConfig, type MirrorEnv } from './env.js';
import type { Scoreboard } from './scoreboard.js';
import { otherNode, type NodeName } from './state.js';
import type { Traffic } from './traffic.js';

/**
 * Cycles the survivor may take to serve alone (its requests in flight wait
 * out the partner, up to eight page times), and the returning node to be
 * resynchronized (every page destaged, then paged in from the disk).
 */
function takeoverBudget(config: MirrorConfig): number {
  return 10_000 + 16 * config.pageWords;
}
export function failbackBudget(config: MirrorConfig): number {
  return 60_000 + 64 * config.frames * config.pageWords;
}

async function expectWithin(scoreboard: Scoreboard, wait: PromiseLike<unknown>, what: string): Promise<void> {
  try {
    await wait;
  } catch (error) {
    throw scoreboard.fail(what, error instanceof Error ? error.message : String(error));
  }
}

/**
 * Fails `failed` now (or, with `fenced`, takes note that it fenced itself
 * after losing the race for the reservation) and waits for the survivor's
 * takeover, which the scoreboard checks. Resolves with how many requests
 * and data accesses of the failed node were left in doubt. `onDown` runs in
 * the step the node is seen down (its processes are cut off there).
 */
export async function failNode(env: MirrorEnv, scoreboard: Scoreboard, failed: NodeName, onDown: () => void = () => undefined, fenced = false): Promise<number> {
  const dut = env.sim.dut;
  const survivor = otherNode(failed);
  if (!fenced) dut[`${failed}_fail_i`].value = 1;
  scoreboard.nodeDown(failed);
  onDown();
  await env.coverage.nodeDown(failed, fenced);
  await expectWithin(scoreboard, dut[`${survivor}_solo_o`].waitFor(1, { clock: dut.clk_i, budget: takeoverBudget(env.config) }), `failover: ${survivor} takes ${failed} over`);
  const inDoubt = await scoreboard.takeover(failed);
  env.coverage.episode(fenced ? 'takeoverAfterFence' : 'takeoverAfterFailure', failed);
  const dropped = env.processes[failed].abandon();
  return Math.max(inDoubt.length, dropped.requests) + dropped.accesses;
}

/**
 * Brings `failed` back (or, with `fenced`, heals the cut) and waits until
 * it is resynchronized and serves again; the scoreboard checks both nodes.
 */
export async function restoreNode(env: MirrorEnv, scoreboard: Scoreboard, failed: NodeName, fenced = false, meanwhile?: () => Promise<void>): Promise<void> {
  const dut = env.sim.dut;
  const survivor = otherNode(failed);
  if (fenced) dut.fault_cut_i.value = 0;
  else dut[`${failed}_fail_i`].value = 0;
  await meanwhile?.();
  await expectWithin(scoreboard, dut[`${survivor}_solo_o`].waitFor(0, { clock: dut.clk_i, budget: failbackBudget(env.config) }), `failback: ${survivor} resynchronizes ${failed} and hands it back`);
  await expectWithin(scoreboard, dut[`${failed}_returned_o`].waitFor(0, { clock: dut.clk_i, budget: 1000 }), `failback: ${failed} serves again`);
  await scoreboard.handback(failed);
  env.coverage.handback(failed, fenced);
}

export interface FailureCounts {
  failovers: number;
  failbacks: number;
  /** Link cuts with both nodes alive, and how many of them ended with one node fenced (split brain). */
  cuts: number;
  fences: number;
  /** Cuts made part-way through a resync (which then starts over). */
  resyncCuts: number;
  /** Requests and data accesses of failed nodes left in doubt. */
  inDoubt: number;
}

/** Node failures at random times during random traffic. */
export class NodeFailures {
  readonly counts: FailureCounts = { failovers: 0, failbacks: 0, cuts: 0, fences: 0, resyncCuts: 0, inDoubt: 0 };

  constructor(
    private readonly env: MirrorEnv,
    private readonly scoreboard: Scoreboard,
    private readonly traffic: Traffic,
    private readonly random: Random,
  ) {}

  /** Fails a random node now, keeps it down for a while, and brings it back; resolves once it serves again. */
  async failAndReturn(downCycles: [number, number] = [500, 6000]): Promise<void> {
    const failed = this.random.pick(['a', 'b'] as const);
    await this.takeOver(failed, false);
    this.traffic.routes[failed].moveTo(otherNode(failed));
    await ClockCycles(this.env.sim.dut.clk_i, this.random.int(...downCycles));
    // A returning node serves nobody until it is resynchronized: its processes finish what they are doing at the survivor and wait.
    await this.traffic.routes[failed].park();
    await this.giveBack(failed, false);
  }

  /**
   * `node` is out (failed, or fenced): the survivor's takeover is checked,
   * the node's processes are cut off and own what the survivor's table holds
   * for them (they wait until moved).
   */
  private async takeOver(node: NodeName, fenced: boolean): Promise<void> {
    const route = this.traffic.routes[node];
    this.counts.inDoubt += await failNode(this.env, this.scoreboard, node, () => route.cut(), fenced);
    this.counts.failovers++;
    this.traffic.adoptAllocations(node, [...this.scoreboard.model.allocs.values()].filter((alloc) => alloc.node === node));
  }

  /**
   * Brings `node` back (or heals the cut) and waits for its handback; now and
   * then the link is cut part-way through the resync, which must then start
   * over. The node's processes go home.
   */
  private async giveBack(node: NodeName, fenced: boolean): Promise<void> {
    const cutResync = this.random.chance(0.3) ? () => this.cutDuringResync(node) : undefined;
    await restoreNode(this.env, this.scoreboard, node, fenced, cutResync);
    this.counts.failbacks++;
    this.traffic.routes[node].moveTo(node);
  }

  /**
   * Cuts the link with both nodes alive for a while. A cut long enough for
   * a link-down makes both nodes claim the reservation: the loser fences
   * itself (and loses its tables), the winner takes it over exactly as after
   * a failure, and once the cut heals resynchronizes the loser and hands its
   * allocations back. A shorter cut only delays the link.
   */
  async cutAndHeal(): Promise<void> {
    const dut = this.env.sim.dut;
    const clock = dut.clk_i;
    this.counts.cuts++;
    this.scoreboard.link.noteLinkDown();
    dut.fault_cut_i.value = 1;
    this.env.coverage.cutBegins();
    // From shorter than the heartbeat timeout (no link-down) to many times it.
    const scale = linkTiming(this.env.config).heartbeatTimeout / 128;
    const length = this.random.int(Math.round(200 * scale), Math.round(1500 * scale));
    let elapsed = 0;
    let loser: NodeName | undefined;
    for (; elapsed < length && !loser; elapsed += FENCE_POLL) {
      await ClockCycles(clock, FENCE_POLL);
      loser = await this.splitLoser();
    }
    if (loser) {
      // Fenced during the cut: the loser's processes carry on at the winner until the cut heals.
      await this.fenced(loser, true);
      await ClockCycles(clock, Math.max(1, length - elapsed));
      await this.traffic.routes[loser].park();
    } else {
      dut.fault_cut_i.value = 0;
      // A link-down near the end of the cut still ends in a fence: every takeover starts with the link down.
      await expectWithin(this.scoreboard, dut.a_link_up_o.waitFor(1, { clock, budget: CUT_SETTLE_BUDGET }), 'liveness: the link comes back after a cut');
      await expectWithin(this.scoreboard, dut.b_link_up_o.waitFor(1, { clock, budget: CUT_SETTLE_BUDGET }), 'liveness: the link comes back after a cut');
      if (!(await this.takeoverUnderWay())) return;
      for (let waited = 0; !loser; waited += FENCE_POLL) {
        if (waited > CUT_SETTLE_BUDGET) throw this.scoreboard.fail('split brain: after a link-down exactly one node fences itself', `no node fenced ${CUT_SETTLE_BUDGET} cycles after the cut healed`);
        await ClockCycles(clock, FENCE_POLL);
        loser = await this.splitLoser();
      }
      // Fenced as the cut healed: the loser's processes wait for the handback.
      await this.fenced(loser, false);
    }
    await this.giveBack(loser, true);
  }

  /** Cuts the link once the survivor's resync of `returning` is under way, for long enough to take it down, then heals it. */
  private async cutDuringResync(returning: NodeName): Promise<void> {
    const dut = this.env.sim.dut;
    const resync = this.env.sim.signal(`u_node_${otherNode(returning)}.u_mm.u_resync.state_q`);
    for (let waited = 0; (await resync.readNumber()) === RESYNC_IDLE; waited += FENCE_POLL) {
      if (waited > failbackBudget(this.env.config)) return; // (the watchdog of the handback will say why)
      await ClockCycles(dut.clk_i, FENCE_POLL);
    }
    await ClockCycles(dut.clk_i, this.random.int(1, 4 * linkTiming(this.env.config).frameCycles));
    this.counts.resyncCuts++;
    this.scoreboard.link.noteLinkDown();
    dut.fault_cut_i.value = 1;
    this.env.coverage.cutBegins();
    this.env.coverage.episode('resyncCut', returning);
    await ClockCycles(dut.clk_i, this.random.int(2, 6) * linkTiming(this.env.config).heartbeatTimeout);
    dut.fault_cut_i.value = 0;
    // The returning node dropped what it had received: a message it was taking is cut short.
    this.scoreboard.link.noteNodeDown(returning, this.env.sim.time('ns'));
  }

  /**
   * The node that lost the race for the reservation, once it shows: fenced,
   * or the other node serving alone (each side sees the link go down after
   * its own heartbeat timeout, so the winner may serve alone before the loser
   * has noticed anything; until it does it can finish nothing that needs its
   * partner).
   */
  private async splitLoser(): Promise<NodeName | undefined> {
    const dut = this.env.sim.dut;
    const [aFenced, bFenced, aSolo, bSolo] = (await Promise.all([dut.a_fenced_o.read(), dut.b_fenced_o.read(), dut.a_solo_o.read(), dut.b_solo_o.read()])).map((bit) => bit === 1n);
    if (aFenced && bFenced) throw this.scoreboard.fail('split brain: after a link-down exactly one node fences itself', 'both nodes fenced themselves');
    if (aSolo && bSolo) throw this.scoreboard.fail('split brain: at most one node serves alone', 'both nodes serve alone');
    if (aFenced || bSolo) return 'a';
    if (bFenced || aSolo) return 'b';
    return undefined;
  }

  private async takeoverUnderWay(): Promise<boolean> {
    const states = await Promise.all((['a', 'b'] as const).map((node) => this.env.sim.signal(`u_node_${node}.u_mm.u_takeover.state_q`).readNumber()));
    return states.some((state) => state !== TAKEOVER_WATCH);
  }

  /** The loser is out: the winner's takeover is checked like a failover, and the loser must fence itself. */
  private async fenced(loser: NodeName, moveProcesses: boolean): Promise<void> {
    const dut = this.env.sim.dut;
    await this.takeOver(loser, true);
    const budget = 4 * linkTiming(this.env.config).heartbeatTimeout + 1000;
    await expectWithin(this.scoreboard, dut[`${loser}_fenced_o`].waitFor(1, { clock: dut.clk_i, budget }), `split brain: the loser (${loser}) fences itself`);
    // Its tables and memory go now: a message it was sending or taking is cut short here.
    this.scoreboard.link.noteNodeDown(loser, this.env.sim.time('ns'));
    this.counts.fences++;
    this.env.coverage.episode('fence', loser);
    if (moveProcesses) this.traffic.routes[loser].moveTo(otherNode(loser));
  }
}

/** Cycles between two looks for a fenced node during a cut. */
const FENCE_POLL = 8;
/** Cycles a cut may take to settle after it heals (the link back up, or a fence). */
const CUT_SETTLE_BUDGET = 20_000;
/** mm_takeover's and mm_resync's idle states (state_e). */
const TAKEOVER_WATCH = 0;
const RESYNC_IDLE = 0;
