// `make bench-verilator`: which Verilator and compiler options pay off on
// the two-node system. One regression seed is recorded once; every build
// variant of the model replays it alone (bench/native/replay_mirror.cpp, no
// host: the model's own speed, checked against the recorded outputs) and
// is built cold (compiler cache off) to time its build. The default build
// is also rebuilt warm (compiler cache on, fresh directory). Prints a
// table and writes build/bench/verilator-options.json.
import { mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildDir, modelsDir } from '../src/build/paths.js';
import { ensureModel, type BuildTuning } from '../src/build/verilate.js';
import { formatRate, formatTable } from '../src/cli/table.js';
import { mirrorDesign } from '../src/mirror/design.js';
import { runRegression } from '../src/mirror/regression.js';
import { replayHarness, replayRecording } from '../src/mirror/replay.js';
import { DEFAULT_SCENARIOS } from '../src/mirror/scenarios.js';

const VARIANTS: Array<{ label: string; tuning: BuildTuning | undefined }> = [
  { label: 'default (C++ -O2)', tuning: undefined },
  { label: 'C++ -O3', tuning: { name: 'cxxO3', cxxOpt: '-O3' } },
  { label: 'C++ -O2 -fno-stack-protector -fno-plt', tuning: { name: 'nossp', cxxFlags: ['-fno-stack-protector', '-fno-plt'] } },
  { label: 'Verilator -O3', tuning: { name: 'vO3', verilatorFlags: ['-O3'] } },
  { label: '--x-assign fast --x-initial fast', tuning: { name: 'xfast', verilatorFlags: ['--x-assign', 'fast', '--x-initial', 'fast'] } },
  { label: '--threads 2', tuning: { name: 'threads2', verilatorFlags: ['--threads', '2'] } },
];

/** Removes a variant's cached builds, so the next build is cold. */
function forget(tuning: BuildTuning | undefined): void {
  const design = mirrorDesign();
  const prefix = `${design.name}-replay${tuning ? `-${tuning.name}` : ''}-`;
  for (const entry of readdirSync(modelsDir)) {
    if (entry.startsWith(prefix) && /^[0-9a-f]{12}$/.test(entry.slice(prefix.length))) rmSync(join(modelsDir, entry), { recursive: true, force: true });
  }
}

async function timedBuild(tuning: BuildTuning | undefined, cold: boolean): Promise<number> {
  forget(tuning);
  if (cold) process.env.CCACHE_DISABLE = '1';
  else delete process.env.CCACHE_DISABLE;
  const t0 = performance.now();
  await ensureModel(mirrorDesign(), { harness: replayHarness(), tuning });
  delete process.env.CCACHE_DISABLE;
  return (performance.now() - t0) / 1000;
}

async function main(): Promise<void> {
  const seed = Number(process.env.MIRRORSIM_SEED || 1);
  const ops = Number(process.env.MIRRORSIM_OPS || 400);
  const dir = join(buildDir, 'bench');
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `verilator-options-seed${seed}.inputs`);
  await ensureModel(mirrorDesign(), { log: console.log });
  const scenario = DEFAULT_SCENARIOS[0]!;
  console.log(`recording ${scenario.name} seed=${seed} OPS=${ops} …`);
  const recorded = await runRegression({ scenario, seed, ops, recordInputs: file });
  if (recorded.violation) throw new Error(`the recorded run failed: ${recorded.violation.message}`);

  const rows = [];
  for (const variant of VARIANTS) {
    console.log(`${variant.label}: cold build …`);
    const coldS = await timedBuild(variant.tuning, true);
    const replay = await replayRecording(file, { tuning: variant.tuning, repeat: 3 });
    rows.push({ variant: variant.label, tuning: variant.tuning ?? null, cold_build_s: coldS, cycles_per_s: replay.cyclesPerS, evals: replay.evals });
    console.log(`${variant.label}: ${coldS.toFixed(0)} s to build, ${formatRate(replay.cyclesPerS)} cycles/s`);
  }
  const warmS = await timedBuild(undefined, false);
  const base = rows[0]!.cycles_per_s;
  console.log(`\nthe two-node model replaying ${scenario.name} seed=${seed} (${formatRate(recorded.cycles)} cycles), per build variant`);
  console.log(
    formatTable(
      ['variant', 'cold build s', 'cycles/s', 'vs default'],
      rows.map((r) => [r.variant, r.cold_build_s.toFixed(0), formatRate(r.cycles_per_s), (r.cycles_per_s / base).toFixed(2)]),
    ),
  );
  console.log(`default build, warm (compiler cache filled, fresh directory): ${warmS.toFixed(1)} s; cold: ${rows[0]!.cold_build_s.toFixed(1)} s`);
  writeFileSync(join(dir, 'verilator-options.json'), `${JSON.stringify({ seed, ops, scenario: scenario.name, rows, warm_default_build_s: warmS }, null, 2)}\n`);
  console.log(`written: ${join(dir, 'verilator-options.json')}`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
