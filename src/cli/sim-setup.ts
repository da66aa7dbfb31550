// What `make sim` and `make campaign` share before their first seed: the
// knobs read and checked (a bad one stops the run before the build, with
// exit status 2), the scenarios, the fault mix, the model built or found,
// and each seed's job with the command that replays it.
import { FAULT_MIXES, isFaultMix, type FaultMix } from '../mirror/faults.js';
import { DEFAULT_SCENARIOS, findScenario, SCENARIOS, type Scenario } from '../mirror/scenarios.js';
import { ensureModel, type BuiltModel } from '../build/verilate.js';
import { mirrorDesign, type MirrorParameters } from '../mirror/design.js';
import { readWaveKnobs } from '../waves/knobs.js';
import { readKnobs, type SimKnobs } from './knobs.js';
import { seedStem, type SeedJob } from './sim-seed.js';

/** A knob the user got wrong: the message says which and what is allowed (exit status 2, like every RangeError of a knob). */
export class KnobError extends RangeError {
  override name = 'KnobError';
}

/** The knobs that change what a seed does, as `make` arguments, for replay lines and the report. */
export function knobArguments(knobs: SimKnobs, faultsKnob: FaultMix | undefined): string[] {
  return [
    faultsKnob ? `FAULTS=${faultsKnob}` : '',
    knobs.pageBytes ? `PAGE_BYTES=${knobs.pageBytes}` : '',
    knobs.frames ? `FRAMES=${knobs.frames}` : '',
  ].filter(Boolean);
}

export function replayCommand(scenario: string, seed: number, knobs: SimKnobs, faultsKnob: FaultMix | undefined): string {
  return ['make sim', `TEST=${scenario}`, `SEED=${seed}`, `OPS=${knobs.ops}`, ...knobArguments(knobs, faultsKnob), 'WAVES=1'].join(' ');
}

export interface PreparedRegression {
  knobs: SimKnobs;
  scenarios: readonly Scenario[];
  faultsKnob: FaultMix | undefined;
  parameters: MirrorParameters;
  model: BuiltModel;
}

export async function prepareRegression(defaults: { seeds: number; ops: number; faults?: FaultMix }): Promise<PreparedRegression> {
  const knobs = readKnobs(defaults);
  let scenarios: readonly Scenario[] = DEFAULT_SCENARIOS;
  if (knobs.test !== undefined) {
    const scenario = findScenario(knobs.test);
    if (!scenario) throw new KnobError(`unknown TEST=${knobs.test}; scenarios: ${SCENARIOS.map((s) => s.name).join(', ')}`);
    scenarios = [scenario];
  }
  const faultsKnob = process.env.MIRRORSIM_FAULTS || defaults.faults;
  if (faultsKnob !== undefined && !isFaultMix(faultsKnob)) {
    throw new KnobError(`unknown FAULTS=${faultsKnob}; mixes: ${Object.keys(FAULT_MIXES).join(', ')}`);
  }
  // Read again by every seed; read here so a bad WAVES_* knob stops the run before the build.
  readWaveKnobs();
  const parameters: MirrorParameters = { PageBytes: knobs.pageBytes, Frames: knobs.frames };
  // Built (or found in the cache) first, so wall times are simulation only.
  const model = await ensureModel(mirrorDesign(parameters), { coverage: knobs.coverage, log: (line) => console.log(line) });
  return { knobs, scenarios, faultsKnob, parameters, model };
}

/** The job of the seed at `index` of the whole list (its scenario follows from its position). */
export function seedJob(prepared: PreparedRegression, index: number, reportDir: string, coverageFileFor: (stem: string) => string | undefined): SeedJob {
  const { knobs, scenarios, faultsKnob, parameters } = prepared;
  const seed = knobs.seeds[index]!;
  const scenario = scenarios[index % scenarios.length]!.name;
  return {
    index,
    seed,
    scenario,
    ops: knobs.ops,
    faults: faultsKnob,
    parameters,
    reportDir,
    coverageFile: coverageFileFor(seedStem({ scenario, seed })),
    replay: replayCommand(scenario, seed, knobs, faultsKnob),
  };
}
