// `make bench`, the two-node system's own speed ceiling: one seed of the
// regression run under the full environment (host, scoreboard, bridge,
// ZeroMQ) with every input change recorded, then the same evaluations
// replayed on the Verilated model alone (bench/native/replay_mirror.cpp).
// The replay is what the model costs; the ratio says how much of the full
// environment's speed the model leaves, and the host's round trips per
// operation and the share of time inside eval() say where the rest goes.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { buildDir } from '../src/build/paths.js';
import { ensureModel } from '../src/build/verilate.js';
import { formatRate, formatTable } from '../src/cli/table.js';
import { mirrorDesign } from '../src/mirror/design.js';
import { runRegression, type RunResult } from '../src/mirror/regression.js';
import { replayHarness, replayRecording } from '../src/mirror/replay.js';
import { DEFAULT_SCENARIOS } from '../src/mirror/scenarios.js';

export interface CeilingOptions {
  /** Pointer operations per node (default 400). */
  ops?: number;
  seed?: number;
  log?: (line: string) => void;
}

interface Figures {
  ops_per_s: number;
  cycles_per_s: number;
  seconds: number;
  eval_share: number;
}

export interface MirrorCeiling {
  scenario: string;
  seed: number;
  ops_per_node: number;
  /** Pointer operations of both nodes. */
  pointer_ops: number;
  cycles: number;
  evals: number;
  recording_bytes: number;
  /** The model alone: the replay of the recorded run. */
  replay_ceiling: Figures;
  /** The regression itself: host, scoreboard, bridge and ZeroMQ (the recording run; eval_share from the profiled run). */
  full_environment: Figures & { round_trips: number; round_trips_per_op: number; profiled_run_seconds: number };
  /** full_environment cycles/s over replay_ceiling cycles/s. */
  ratio_full_to_ceiling: number;
  /** The profiled run did the same evaluations as the recorded one (the seed is deterministic). */
  runs_agree: boolean;
}

export async function mirrorCeiling(options: CeilingOptions = {}): Promise<MirrorCeiling> {
  const log = options.log ?? console.log;
  const ops = options.ops ?? 400;
  const seed = options.seed ?? 1;
  const scenario = DEFAULT_SCENARIOS[0]!;
  const dir = join(buildDir, 'bench');
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `mirror-ceiling-seed${seed}.inputs`);
  // Both models built (or found) before anything is timed.
  await ensureModel(mirrorDesign(), { log });
  await ensureModel(mirrorDesign(), { harness: replayHarness(), log });

  const check = (run: RunResult, what: string): RunResult => {
    if (run.violation) throw new Error(`mirror ceiling: the ${what} run of ${scenario.name} seed ${seed} failed: ${run.violation.message}`);
    return run;
  };
  log(`mirror ceiling: ${scenario.name} seed=${seed} OPS=${ops}: recording the run …`);
  const recorded = check(await runRegression({ scenario, seed, ops, recordInputs: file }), 'recorded');
  log('mirror ceiling: the same seed with eval() profiling …');
  const profiled = check(await runRegression({ scenario, seed, ops, profileEvals: true }), 'profiled');
  log('mirror ceiling: replaying on the model alone …');
  const replay = await replayRecording(file, { repeat: 3, log });
  const replayProfiled = await replayRecording(file, { profile: true, log });

  const pointerOps = 2 * ops;
  const recording = recorded.bridge?.recording;
  const cost = profiled.bridge!;
  const roundTrips = cost.roundTrips;
  // Both rates count the same cycles: every clock edge of the recorded run.
  const full: MirrorCeiling['full_environment'] = {
    ops_per_s: pointerOps / recorded.seconds,
    cycles_per_s: replay.cycles / recorded.seconds,
    seconds: recorded.seconds,
    eval_share: (cost.evalNs ?? 0) / (cost.wallNs ?? 1),
    round_trips: roundTrips,
    round_trips_per_op: roundTrips / pointerOps,
    // Against `seconds`: what recording the inputs cost the run.
    profiled_run_seconds: profiled.seconds,
  };
  const ceiling: Figures = {
    ops_per_s: pointerOps / replay.seconds,
    cycles_per_s: replay.cyclesPerS,
    seconds: replay.seconds,
    eval_share: replayProfiled.evalShare ?? 1,
  };
  const result: MirrorCeiling = {
    scenario: scenario.name,
    seed,
    ops_per_node: ops,
    pointer_ops: pointerOps,
    cycles: replay.cycles,
    evals: replay.evals,
    recording_bytes: recording?.bytes ?? 0,
    replay_ceiling: ceiling,
    full_environment: full,
    ratio_full_to_ceiling: full.cycles_per_s / ceiling.cycles_per_s,
    runs_agree: cost.evals === replay.evals && profiled.cycles === recorded.cycles,
  };

  console.log(`\ntwo-node system, ${scenario.name} seed=${seed}, ${pointerOps} pointer operations, ${formatRate(replay.cycles)} cycles, ${formatRate(replay.evals)} evals`);
  console.log(
    formatTable(
      ['mode', 'operations/s', 'cycles/s', 'eval() share', 'seconds'],
      [
        ['replay on the model alone (ceiling)', formatRate(ceiling.ops_per_s), formatRate(ceiling.cycles_per_s), `${(ceiling.eval_share * 100).toFixed(0)}%`, ceiling.seconds.toFixed(2)],
        ['full environment (host, bridge)', formatRate(full.ops_per_s), formatRate(full.cycles_per_s), `${(full.eval_share * 100).toFixed(0)}%`, full.seconds.toFixed(2)],
      ],
    ),
  );
  console.log(`full / ceiling: ${result.ratio_full_to_ceiling.toFixed(3)}; host round trips per pointer operation: ${full.round_trips_per_op.toFixed(1)} (${roundTrips} in all)`);
  if (!result.runs_agree) console.log('warning: the profiled run did not make the same evaluations as the recorded one');
  return result;
}
