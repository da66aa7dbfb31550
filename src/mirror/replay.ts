// A recorded run (RunOptions.recordInputs, Simulator.recordInputs) replayed
// on the Verilated two-node system alone: bench/native/replay_mirror.cpp
// linked with the same design the bridge hosts, no host, bridge or ZeroMQ.
// It is the system's own speed ceiling, and it checks itself: its outputs at
// the end must be the recorded ones.
import { join } from 'node:path';
import { execa } from 'execa';
import type { Design } from '../build/design.js';
import { bridgeDir, repoRoot } from '../build/paths.js';
import { ensureModel, type BuildTuning, type Harness } from '../build/verilate.js';
import { MirrorsimError } from '../errors.js';
import { mirrorDesign } from './design.js';

export function replayHarness(): Harness {
  return {
    name: 'replay',
    // The bridge's signal table finds the recorded ports by name.
    sources: [join(repoRoot, 'bench', 'native', 'replay_mirror.cpp'), join(bridgeDir, 'signal_table.cpp')],
    // The harness reports a $stop or $fatal in the replay itself.
    cflags: [`-I${bridgeDir}`, '-DVL_USER_FINISH', '-DVL_USER_STOP', '-DVL_USER_FATAL'],
    ldflags: [],
    executable: 'replay_mirror',
  };
}

export interface ReplayOptions {
  /** The design the recording was made on (default: the two-node system with default parameters). */
  design?: Design;
  /** Time every eval() too: the result then has evalShare. */
  profile?: boolean;
  /** A build variant of the model to replay on. */
  tuning?: BuildTuning;
  /** Replays on fresh models, the fastest counts (default 1). */
  repeat?: number;
  log?: (line: string) => void;
}

export interface ReplayResult {
  evals: number;
  /** Rising edges of clk_i. */
  cycles: number;
  seconds: number;
  cyclesPerS: number;
  evalsPerS: number;
  /** Simulation time the recording ended at, in the model's time precision. */
  simTime: number;
  /** Share of the replay's wall time inside eval(), with `profile`. */
  evalShare?: number;
}

/** The replay did not reproduce the recording (exit 1), or could not run it (exit 2). */
export class ReplayFailedError extends MirrorsimError {
  override name = 'ReplayFailedError';
  /** The first output port that differs, when the replay names one. */
  readonly port: string | undefined;
  constructor(
    readonly file: string,
    readonly exitCode: number | undefined,
    readonly detail: string,
  ) {
    super(`replay of ${file} ${exitCode === 1 ? 'differs from the recorded run' : `failed (status ${exitCode ?? '?'})`}: ${detail}`);
    this.port = /output port '([^']+)'/.exec(detail)?.[1];
  }
}

export async function replayRecording(file: string, options: ReplayOptions = {}): Promise<ReplayResult> {
  const model = await ensureModel(options.design ?? mirrorDesign(), { harness: replayHarness(), tuning: options.tuning, log: options.log });
  const args = [file, ...(options.profile ? ['--profile'] : []), ...(options.repeat ? ['--repeat', String(options.repeat)] : [])];
  const run = await execa(model.executable, args, { reject: false });
  if (run.exitCode !== 0) {
    const detail = run.stderr.split('\n').filter((line) => !line.includes('warning:')).join('\n').replace(/^replay_mirror: /, '').trim();
    throw new ReplayFailedError(file, run.exitCode, detail || run.stdout.trim() || `killed by ${run.signal ?? 'a signal'}`);
  }
  for (const line of run.stderr.split('\n')) if (line.trim()) options.log?.(line);
  const lines = run.stdout.trim().split('\n');
  const json = JSON.parse(lines[lines.length - 1]!) as Record<string, number | boolean>;
  return {
    evals: Number(json.evals),
    cycles: Number(json.cycles),
    seconds: Number(json.seconds),
    cyclesPerS: Number(json.cycles_per_s),
    evalsPerS: Number(json.evals_per_s),
    simTime: Number(json.sim_time),
    ...(json.eval_share !== undefined ? { evalShare: Number(json.eval_share) } : {}),
  };
}
