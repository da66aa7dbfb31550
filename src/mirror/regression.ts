// One seed of the two-node regression: random traffic in phases, faults
// during each phase, and a full scoreboard checkpoint at the quiescent point
// after each; at the end every allocation is released and nothing may be
// left unanswered.
import type { Design } from '../build/design.js';
import type { FunctionalCoverageData } from '../coverage/functional.js';
import { SimulationFinishedError } from '../errors.js';
import { Random } from '../sim/random.js';
import { Simulator, type InputRecordingSummary } from '../sim/simulator.js';
import type { WavesOption } from '../waves/window.js';
import { startSoon } from '../sim/task.js';
import { ClockCycles } from '../sim/triggers.js';
import type { MirrorParameters } from './design.js';
import { mirrorDesign } from './design.js';
import { linkTiming, MirrorEnv, mirrorConfig } from './env.js';
import { FaultController, losesPartner, type FaultKind, type FaultMix } from './faults.js';
import type { Scenario } from './scenarios.js';
import { failbackBudget, NodeFailures, type FailureCounts } from './node-failure.js';
import { InvariantViolation, type Scoreboard } from './scoreboard.js';
import { Traffic } from './traffic.js';
import { LOG_PLACES, type LoggedTransaction } from './transaction-log.js';
import { measureTimeSplit, type TimeSplit } from '../sim/time-split.js';

export interface RunOptions {
  scenario: Scenario;
  seed: number;
  /** Pointer operations per node. */
  ops: number;
  /** Overrides the scenario's fault mix. */
  faults?: FaultMix;
  parameters?: MirrorParameters;
  /** Another design (a mutant) with the same ports and parameters. */
  design?: Design;
  /** An FST of the whole run, or of a window of it (see SimulatorOptions.waves). */
  waves?: WavesOption;
  coverageFile?: string;
  /** Pointer operations per node between two checkpoints. */
  phaseOps?: number;
  /** Records every input change of the run, from just after the bridge starts to the end, into this file (a replay's input; src/mirror/replay.ts). */
  recordInputs?: string;
  /** Times every eval() in the bridge (its `profile` command): RunResult.bridge then holds the time inside eval(). */
  profileEvals?: boolean;
}

/** What a run cost in the bridge. */
export interface BridgeCost {
  /** Requests the host exchanged with the bridge (a batch is one). */
  roundTrips: number;
  /** With profileEvals: eval() calls, ns inside them and the bridge's wall ns, over the run. */
  evals?: number;
  evalNs?: number;
  wallNs?: number;
  /** With recordInputs: the finished recording. */
  recording?: InputRecordingSummary;
}

export interface RunResult extends FailureCounts {
  seed: number;
  scenario: string;
  faults: FaultMix;
  outcomes: Map<string, number>;
  messages: Map<string, number>;
  retransmissions: number;
  /** Evictions a node made to get back under its frame quota after a handback. */
  trims: number;
  injected: Map<FaultKind, number>;
  /** Pointer operations the failed nodes' processes did on the survivor. */
  servedBySurvivor: number;
  checkpoints: number;
  pagesCompared: number;
  /** Acknowledged page contents the scoreboard compared, and how many of them were lost. */
  acknowledgedChecked: number;
  acknowledgedLost: number;
  cycles: number;
  /** Simulation time at the end of the run, ns. */
  endNs: number;
  seconds: number;
  violation: InvariantViolation | undefined;
  /** What the run covered of the testplan (src/mirror/testplan.ts); runs add up with mergeFunctionalCoverage. */
  coverage: FunctionalCoverageData;
  /** The scoreboard's last transactions on each node and on the link, when a violation ended the run. */
  transactions: LoggedTransaction[];
  /** Where the wall time went, from the environment's start to the end of the run. */
  time: TimeSplit;
  /** The host's round trips; the eval() profile and the recording when asked for. */
  bridge?: BridgeCost;
}

/** Transactions kept per place for a violation's report (the timing diagram draws the last few). */
const REPORTED_TRANSACTIONS = 12;

/** The system clock's period. */
export const CLOCK_NS = 10;

export async function runRegression(options: RunOptions): Promise<RunResult> {
  const faults = options.faults ?? options.scenario.faults;
  const design = options.design ?? mirrorDesign(options.parameters);
  const config = mirrorConfig(options.parameters);
  const started = performance.now();
  const sim = await Simulator.start({ design, seed: options.seed, waves: options.waves, coverageFile: options.coverageFile });
  try {
    if (options.recordInputs) await sim.recordInputs(options.recordInputs);
    if (options.profileEvals) await sim.connection.request('profile', { enable: true });
    const statsBefore = options.profileEvals ? await sim.stats() : undefined;
    const result: RunResult = await sim.runMain(async () => {
      let scoreboard: Scoreboard | undefined;
      const finishTimeSplit = await measureTimeSplit(sim, () => scoreboard?.busyMs ?? 0);
      const random = new Random(options.seed);
      const env = await MirrorEnv.start(sim, config);
      scoreboard = await env.attachScoreboard({ partnerLoss: losesPartner(faults) });
      const traffic = new Traffic(env, random, options.scenario.traffic);
      const failures = new NodeFailures(env, scoreboard, traffic, random);
      const controller = new FaultController(sim, random, {
        onCut: () => scoreboard.link.noteLinkDown(),
        onBurst: (kind, direction) => env.coverage.faultBegins(kind, direction),
        // A violation is recorded by the scoreboard and ends the phase; the failure just stops.
        failAndReturn: () => failures.failAndReturn().catch(endsAtViolation),
        cutAndHeal: () => failures.cutAndHeal().catch(endsAtViolation),
      });
      const startNs = sim.time('ns');
      let violation: InvariantViolation | undefined;
      try {
        const phaseOps = options.phaseOps ?? Math.min(100, Math.max(10, Math.ceil(options.ops / 4)));
        for (let done = 0, phase = 1; done < options.ops; done += phaseOps, phase++) {
          const ops = Math.min(phaseOps, options.ops - done);
          // Bursts far enough apart for a page-carrying frame to get through between them.
          controller.start(faults, Math.max(300, 8 * linkTiming(config).frameCycles));
          await guarded(env, scoreboard, traffic.run(ops), ops * (3000 + 40 * config.pageWords), `phase ${phase}: ${ops} operations per node`);
          await guarded(env, scoreboard, controller.finish(), failbackBudget(config) + 40_000, `phase ${phase}: a failed node's return`);
          await settle(env, scoreboard, `after phase ${phase}`);
          await scoreboard.checkpoint(`after phase ${phase}`);
        }
        await guarded(env, scoreboard, traffic.releaseAll(), 50_000, 'releasing every allocation');
        await settle(env, scoreboard, 'at the end');
        await scoreboard.checkpoint('at the end');
        const left = scoreboard.model.pending();
        if (left.length > 0) {
          scoreboard.fail('liveness: every request is answered', `${left.length} request(s) never answered: ${left.map((p) => scoreboard.model.describe(p.node, p.request)).join('; ')}`);
          throw scoreboard.violation;
        }
      } catch (error) {
        if (error instanceof SimulationFinishedError && error.kind !== 'finish') {
          // The design's own assertion: an invariant too.
          scoreboard.fail(`design assertion (${error.file}:${error.line})`, error.detail);
        } else if (!(error instanceof InvariantViolation)) {
          throw error;
        }
        violation = scoreboard.violation!;
        await scoreboard.completeReport();
      } finally {
        controller.stop();
      }
      const link = sim.dut.u_link;
      const retransmissions = Number(await link.stat_retx_ab_o.value) + Number(await link.stat_retx_ba_o.value);
      const trimsOf = { a: Number(await sim.dut.u_node_a.u_mm.u_originator.stat_trims_q.value), b: Number(await sim.dut.u_node_b.u_mm.u_originator.stat_trims_q.value) };
      const trims = trimsOf.a + trimsOf.b;
      for (const node of ['a', 'b'] as const) env.coverage.trims(node, trimsOf[node]);
      const time = await finishTimeSplit();
      return {
        time,
        seed: options.seed,
        scenario: options.scenario.name,
        faults,
        outcomes: traffic.stats.outcomes,
        messages: scoreboard.link.countsByType(),
        retransmissions,
        trims,
        injected: controller.injected,
        ...failures.counts,
        servedBySurvivor: traffic.stats.servedBySurvivor,
        checkpoints: scoreboard.counts.checkpoints,
        pagesCompared: scoreboard.counts.pagesCompared,
        acknowledgedChecked: scoreboard.counts.acknowledgedChecked,
        acknowledgedLost: scoreboard.counts.acknowledgedLost,
        cycles: Math.round((sim.time('ns') - startNs) / CLOCK_NS),
        endNs: sim.time('ns'),
        seconds: (performance.now() - started) / 1000,
        violation,
        coverage: env.coverage.data(),
        transactions: violation ? LOG_PLACES.flatMap((where) => scoreboard.log.tail(REPORTED_TRANSACTIONS, where)) : [],
      };
    });
    result.bridge = await bridgeCost(sim, statsBefore, options.recordInputs !== undefined);
    return result;
  } finally {
    await sim.close();
  }
}

async function bridgeCost(sim: Simulator, statsBefore: Record<string, number | boolean> | undefined, recording: boolean): Promise<BridgeCost> {
  const cost: BridgeCost = { roundTrips: sim.connection.roundTrips };
  if (statsBefore) {
    const after = await sim.stats();
    const delta = (key: string) => Number(after[key]) - Number(statsBefore[key]);
    Object.assign(cost, { evals: delta('evals'), evalNs: delta('eval_ns'), wallNs: delta('wall_ns') });
  }
  if (recording) cost.recording = await sim.stopRecording();
  return cost;
}

function endsAtViolation(error: unknown): void {
  if (!(error instanceof InvariantViolation)) throw error;
}

/** Runs `work` until it ends, a violation stops it, or `cycles` pass (a liveness violation). */
async function guarded(env: MirrorEnv, scoreboard: Scoreboard, work: Promise<void>, cycles: number, what: string): Promise<void> {
  const watchdog = startSoon(async () => {
    await ClockCycles(env.sim.dut.clk_i, cycles);
    const left = scoreboard.model.pending();
    scoreboard.fail(
      'liveness: every request is answered',
      `${what}: not done after ${cycles} cycles; waiting: ${left.map((p) => `${scoreboard.model.describe(p.node, p.request)}${p.queued ? ' (answered null, grant owed)' : ''}`).join('; ') || 'nothing outstanding'}`,
    );
  }, 'liveness watchdog');
  try {
    await Promise.race([work, scoreboard.failed]);
  } finally {
    watchdog.cancel();
  }
}

/** Waits for a quiescent point with the link up on both sides. */
async function settle(env: MirrorEnv, scoreboard: Scoreboard, label: string): Promise<void> {
  const dut = env.sim.dut;
  try {
    await dut.a_link_up_o.waitFor(1, { clock: dut.clk_i, budget: 20_000 });
    await dut.b_link_up_o.waitFor(1, { clock: dut.clk_i, budget: 20_000 });
    await env.quiesce();
  } catch (error) {
    throw scoreboard.fail('liveness: the nodes come to rest', `${label}: ${error instanceof Error ? error.message : String(error)}`);
  }
}
