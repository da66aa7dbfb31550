// The two-node environment: clock, reset, the agents of both nodes, the
// backdoor views the checks read, and the functional coverage sampler.
import type { Simulator } from '../sim/simulator.js';
import { Clock } from '../sim/clock.js';
import { ClockCycles } from '../sim/triggers.js';
import { PartnerAgent } from './partner-agent.js';
import { ProcessAgent } from './process-agent.js';
import { CoverageSampler } from './coverage-sampler.js';
import type { MirrorParameters } from './design.js';
import { LinkMonitor } from './link-monitor.js';
import { Scoreboard } from './scoreboard.js';
import { NodeView, type NodeName } from './state.js';

export interface MirrorConfig {
  pageWords: number;
  maxPages: number;
  maxAllocs: number;
  frames: number;
  queueDepth: number;
}

export const DEFAULT_CONFIG: MirrorConfig = { pageWords: 16, maxPages: 8, maxAllocs: 8, frames: 8, queueDepth: 8 };

/** The first word of a page's block in the shared disk (`u_disk.blocks_q`): {originating node, its slot there, page}. */
export function diskBlockWord(config: MirrorConfig, node: number, slot: number, page: number): number {
  return ((node * config.maxAllocs + slot) * config.maxPages + page) * config.pageWords;
}

/**
 * The link's pace at this page size (rtl/link/inter_node_link.sv): cycles a
 * whole page-carrying frame takes on the wire, and the heartbeat timeout
 * after which a silent link is declared down. Fault timing scales with them.
 */
export function linkTiming(config: MirrorConfig): { frameCycles: number; heartbeatTimeout: number } {
  const frameCycles = 4 + config.pageWords + 2;
  return { frameCycles, heartbeatTimeout: Math.max(128, 4 * frameCycles) };
}

/** The host's view of a build's parameters (the RTL defaults where not set). */
export function mirrorConfig(parameters: MirrorParameters = {}): MirrorConfig {
  return {
    pageWords: (parameters.PageBytes ?? DEFAULT_CONFIG.pageWords * 4) / 4,
    maxPages: parameters.MaxPages ?? DEFAULT_CONFIG.maxPages,
    maxAllocs: parameters.MaxAllocs ?? DEFAULT_CONFIG.maxAllocs,
    frames: parameters.Frames ?? DEFAULT_CONFIG.frames,
    queueDepth: parameters.QueueDepth ?? DEFAULT_CONFIG.queueDepth,
  };
}

export class MirrorEnv {
  private constructor(
    readonly sim: Simulator,
    readonly config: MirrorConfig,
    readonly processes: Record<NodeName, ProcessAgent>,
    readonly partners: Record<NodeName, PartnerAgent>,
    readonly views: Record<NodeName, NodeView>,
    /** Functional coverage (testplan.ts) of everything the environment sees. */
    readonly coverage: CoverageSampler,
  ) {}

  /** Clock, reset, link up on both sides, agents bound. */
  static async start(sim: Simulator, config: MirrorConfig = DEFAULT_CONFIG): Promise<MirrorEnv> {
    const dut = sim.dut;
    new Clock(dut.clk_i, 10, 'ns').start();
    dut.rst_ni.value = 0;
    await ClockCycles(dut.clk_i, 3);
    dut.rst_ni.value = 1;
    await dut.a_link_up_o.waitFor(1, { clock: dut.clk_i, budget: 5000 });
    await dut.b_link_up_o.waitFor(1, { clock: dut.clk_i, budget: 5000 });
    const processes = { a: await ProcessAgent.create(sim, 'a'), b: await ProcessAgent.create(sim, 'b') };
    const partners = { a: await PartnerAgent.create(sim, 'a'), b: await PartnerAgent.create(sim, 'b') };
    const views = {
      a: new NodeView(sim, 'a', config.maxPages, config.pageWords),
      b: new NodeView(sim, 'b', config.maxPages, config.pageWords),
    };
    // First among the observers: it samples the model's locks before the scoreboard applies an answer.
    const coverage = new CoverageSampler(sim);
    for (const agent of Object.values(processes)) agent.observers.push(coverage);
    return new MirrorEnv(sim, config, processes, partners, views, coverage);
  }

  /** A scoreboard watching both nodes' processes and the link from now on. */
  async attachScoreboard(options: { partnerLoss: boolean }): Promise<Scoreboard> {
    const scoreboard = new Scoreboard(this.sim, this.config, this.views, await LinkMonitor.create(this.sim), options);
    scoreboard.link.log = scoreboard.log;
    for (const agent of Object.values(this.processes)) agent.observers.push(scoreboard);
    this.coverage.watch(scoreboard);
    return scoreboard;
  }

  /** Waits until both nodes are idle and their caches clean (a quiescent point). */
  async quiesce(budget = 20_000): Promise<void> {
    const dut = this.sim.dut;
    const signals = [dut.a_idle_o, dut.b_idle_o, dut.a_cache_clean_o, dut.b_cache_clean_o];
    // All at once: one may drop again while waiting for another.
    for (let attempt = 0; attempt < 10; attempt++) {
      for (const signal of signals) await signal.waitFor(1, { clock: dut.clk_i, budget });
      const values = await Promise.all(signals.map((signal) => signal.read()));
      if (values.every((value) => value === 1n)) return;
    }
    throw new Error('the nodes did not reach a quiescent point (idle and caches clean)');
  }
}
