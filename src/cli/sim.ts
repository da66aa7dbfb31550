// `make sim`: the two-node regression. Each seed runs a scenario (all of
// them in turn by default, or TEST=name) with random traffic, faults and
// the mirror scoreboard; then a summary table. Exit status 1 on any
// violation, with the seed, the last transactions and the replay command.
import { join } from 'node:path';
import { coverageDir, wavesDir } from '../build/paths.js';
import { FAULT_MIXES, isFaultMix, type FaultMix } from '../mirror/faults.js';
import { runRegression, type RunResult } from '../mirror/regression.js';
import { DEFAULT_SCENARIOS, findScenario, SCENARIOS, type Scenario } from '../mirror/scenarios.js';
import { ensureModel } from '../build/verilate.js';
import { mirrorDesign, type MirrorParameters } from '../mirror/design.js';
import { readKnobs } from './knobs.js';
import { formatRate, formatTable } from './table.js';

function sum<K>(into: Map<K, number>, from: Map<K, number>): void {
  for (const [key, value] of from) into.set(key, (into.get(key) ?? 0) + value);
}

function replay(result: RunResult, ops: number, parameters: MirrorParameters, faultsKnob: FaultMix | undefined): string {
  const extra = [
    faultsKnob ? `FAULTS=${faultsKnob}` : '',
    parameters.PageBytes ? `PAGE_BYTES=${parameters.PageBytes}` : '',
    parameters.Frames ? `FRAMES=${parameters.Frames}` : '',
  ].filter(Boolean);
  return ['make sim', `TEST=${result.scenario}`, `SEED=${result.seed}`, `OPS=${ops}`, ...extra, 'WAVES=1'].join(' ');
}

async function main(): Promise<number> {
  const knobs = readKnobs({ seeds: 2 * DEFAULT_SCENARIOS.length, ops: 800 });
  let scenarios: readonly Scenario[] = DEFAULT_SCENARIOS;
  if (knobs.test !== undefined) {
    const scenario = findScenario(knobs.test);
    if (!scenario) {
      console.error(`make sim: unknown TEST=${knobs.test}; scenarios: ${SCENARIOS.map((s) => s.name).join(', ')}`);
      return 2;
    }
    scenarios = [scenario];
  }
  const faultsKnob = process.env.MIRRORSIM_FAULTS || undefined;
  if (faultsKnob !== undefined && !isFaultMix(faultsKnob)) {
    console.error(`make sim: unknown FAULTS=${faultsKnob}; mixes: ${Object.keys(FAULT_MIXES).join(', ')}`);
    return 2;
  }
  const parameters: MirrorParameters = { PageBytes: knobs.pageBytes, Frames: knobs.frames };
  // Built (or found in the cache) first, so wall times are simulation only.
  await ensureModel(mirrorDesign(parameters), { coverage: knobs.coverage, log: (line) => console.log(line) });
  console.log(`mirrorsim: two-node regression, ${knobs.seeds.length} seed(s), ${knobs.ops} pointer operations per node each`);
  const results: RunResult[] = [];
  for (const [index, seed] of knobs.seeds.entries()) {
    const scenario = scenarios[index % scenarios.length]!;
    const stem = `${scenario.name}-seed${seed}`;
    const result = await runRegression({
      scenario,
      seed,
      ops: knobs.ops,
      faults: faultsKnob,
      parameters,
      waves: knobs.waves ? join(wavesDir, 'sim', `${stem}.fst`) : undefined,
      coverageFile: knobs.coverage ? join(coverageDir, 'sim', `${stem}.dat`) : undefined,
    });
    results.push(result);
    const verdict = result.violation ? 'FAIL' : 'pass';
    console.log(`${verdict}  ${scenario.name.padEnd(15)} seed=${seed} faults=${result.faults} ${result.cycles} cycles ${result.seconds.toFixed(1)} s`);
    if (result.violation) {
      console.log(`\n${result.violation.message}\n${result.violation.recent}\n  replay with waveforms: ${replay(result, knobs.ops, parameters, faultsKnob)}\n`);
    }
    if (knobs.waves) console.log(`  waveform: ${join(wavesDir, 'sim', `${stem}.fst`)}`);
  }
  printSummary(results);
  const failed = results.filter((r) => r.violation).length;
  console.log(`\n${failed === 0 ? 'PASS' : 'FAIL'}: ${results.length - failed} passed, ${failed} failed`);
  return failed === 0 ? 0 : 1;
}

function printSummary(results: readonly RunResult[]): void {
  const outcomes = new Map<string, number>();
  const messages = new Map<string, number>();
  const injected = new Map<string, number>();
  for (const result of results) {
    sum(outcomes, result.outcomes);
    sum(messages, result.messages);
    sum(injected, result.injected);
  }
  const byOp = new Map<string, Map<string, number>>();
  for (const [key, count] of outcomes) {
    const split = key.lastIndexOf(' ');
    const op = key.slice(0, split);
    const status = key.slice(split + 1);
    if (!byOp.has(op)) byOp.set(op, new Map());
    byOp.get(op)!.set(status, count);
  }
  const statuses = [...new Set([...byOp.values()].flatMap((m) => [...m.keys()]))].sort();
  console.log(`\noperations by outcome\n${formatTable(['operation', ...statuses], [...byOp].map(([op, m]) => [op, ...statuses.map((s) => m.get(s) ?? 0)]))}`);
  console.log(`\nmessages on the link\n${formatTable(['message', 'count'], [...messages].sort((x, y) => y[1] - x[1]))}`);
  const rows = results.map((r) => [
    r.scenario,
    r.seed,
    r.faults,
    [...r.injected.values()].reduce((s, v) => s + v, 0),
    r.retransmissions,
    r.failovers,
    r.failbacks,
    `${r.fences}/${r.cuts}`,
    r.resyncCuts,
    r.trims,
    r.inDoubt,
    r.checkpoints,
    r.pagesCompared,
    r.cycles,
    r.seconds.toFixed(1),
    formatRate(r.cycles / r.seconds),
    r.violation ? `FAIL: ${r.violation.invariant}` : 'pass',
  ]);
  const total = (pick: (r: RunResult) => number) => results.reduce((s, r) => s + pick(r), 0);
  const cycles = total((r) => r.cycles);
  const seconds = total((r) => r.seconds);
  rows.push(['total', '', '', total((r) => [...r.injected.values()].reduce((s, v) => s + v, 0)), total((r) => r.retransmissions), total((r) => r.failovers), total((r) => r.failbacks), `${total((r) => r.fences)}/${total((r) => r.cuts)}`, total((r) => r.resyncCuts), total((r) => r.trims), total((r) => r.inDoubt), total((r) => r.checkpoints), total((r) => r.pagesCompared), cycles, seconds.toFixed(1), formatRate(cycles / seconds), '']);
  console.log(`\nruns\n${formatTable(['scenario', 'seed', 'faults', 'injected', 'retransmits', 'failovers', 'failbacks', 'fenced/cuts', 'resync cuts', 'trims', 'in doubt', 'checkpoints', 'pages checked', 'cycles', 'wall s', 'cycles/s', 'result'], rows)}`);
  if (injected.size > 0) console.log(`faults injected: ${[...injected].map(([kind, count]) => `${kind} ${count}`).join(', ')}`);
}

main().then(
  (status) => process.exit(status),
  (error: unknown) => {
    console.error(error instanceof Error ? `make sim: ${error.message}` : error);
    process.exit(1);
  },
);
