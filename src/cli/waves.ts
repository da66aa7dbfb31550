// `make waves TEST=<scenario or test file> SEED=<n>`: replays one failing
// seed with waveforms and says how to open them. A scenario name (see
// src/mirror/scenarios.ts) re-runs that `make sim` seed with WAVES=1; a test
// file re-runs it under vitest with SEED= and WAVES=1 (NAME= picks a test).
// WAVES_FROM= / WAVES_TO= (ns) bound the trace. Every FST the run wrote gets
// a GTKWave save file next to it (unless the run wrote one already), and the
// one command that opens it is printed.
import { existsSync, readdirSync, statSync } from 'node:fs';
import { isAbsolute, join, relative, resolve } from 'node:path';
import { execa } from 'execa';
import { buildDir, repoRoot, wavesDir } from '../build/paths.js';
import { mirrorWaveGroups } from '../mirror/wave-groups.js';
import { SCENARIOS, findScenario } from '../mirror/scenarios.js';
import { waveGroupsFor } from '../waves/design-groups.js';
import { saveFileForTrace, gtkwaveCommand } from '../waves/failure-waves.js';
import { readWaveKnobs } from '../waves/knobs.js';

const USAGE = 'usage: make waves TEST=<scenario or test file> SEED=<n> [NAME=<test name>] [WAVES_FROM=<ns>] [WAVES_TO=<ns>]; for a scenario also the knobs of the failing run (OPS=, FAULTS=, PAGE_BYTES=, FRAMES=), as its replay line names them';

/** The .fst files under `dir` written at or after `sinceMs`. */
function fstsWrittenSince(dir: string, sinceMs: number): string[] {
  if (!existsSync(dir)) return [];
  const found: string[] = [];
  const walk = (at: string): void => {
    for (const entry of readdirSync(at, { withFileTypes: true })) {
      const path = join(at, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (entry.name.endsWith('.fst') && statSync(path).mtimeMs >= sinceMs) found.push(path);
    }
  };
  walk(dir);
  return found.sort();
}

/** The failure time a `make sim` violation report names (`  at 123450 ns`). */
function failureNsIn(output: string): number | undefined {
  const match = /^\s+at (\d+(?:\.\d+)?) ns$/m.exec(output);
  return match ? Number(match[1]) : undefined;
}

function testFile(test: string): string | undefined {
  const path = isAbsolute(test) ? test : resolve(repoRoot, test);
  return /\.test\.ts$/.test(test) && existsSync(path) ? path : undefined;
}

async function main(): Promise<number> {
  const test = process.env.MIRRORSIM_TEST || undefined;
  const seed = process.env.MIRRORSIM_SEED || undefined;
  if (!test || !seed) {
    console.error(`make waves: ${!test ? 'TEST=' : 'SEED='} is needed (the seed the failing run printed)\n${USAGE}`);
    return 2;
  }
  const knobs = readWaveKnobs(); // bad WAVES_FROM/TO/LAST fail here, before anything runs
  const scenario = findScenario(test);
  const file = scenario ? undefined : testFile(test);
  if (!scenario && !file) {
    console.error(`make waves: TEST=${test} is neither a scenario nor a test file (*.test.ts)\n  scenarios: ${SCENARIOS.map((s) => s.name).join(', ')}\n${USAGE}`);
    return 2;
  }
  const started = Date.now();
  const env = { MIRRORSIM_WAVES: '1', MIRRORSIM_SEED: seed };
  let status: number;
  let output = '';
  // A scenario's run writes its waves into a report directory of its own (the regression's report stays).
  const root = scenario ? join(buildDir, 'reports', `waves-${scenario.name}-seed${seed}`) : process.env.MIRRORSIM_WAVES_DIR || wavesDir;
  if (scenario) {
    console.log(`make waves: scenario ${scenario.name}, seed ${seed}, with waveforms${knobs.fromNs !== undefined || knobs.toNs !== undefined ? ` of ${knobs.fromNs ?? 0}-${knobs.toNs ?? 'end'} ns` : ''}`);
    const run = await execa(process.execPath, [join(repoRoot, 'build', 'ts', 'src', 'cli', 'sim.js')], {
      cwd: repoRoot,
      env: { ...env, MIRRORSIM_TEST: scenario.name, MIRRORSIM_SEEDS: '1', MIRRORSIM_SHARD: '', MIRRORSIM_REPORT_DIR: root },
      stdout: ['pipe', 'inherit'],
      stderr: 'inherit',
      reject: false,
    });
    output = String(run.stdout ?? '');
    status = run.exitCode ?? 1;
  } else {
    const name = process.env.MIRRORSIM_NAME || undefined;
    console.log(`make waves: ${relative(repoRoot, file!)}${name ? ` -t '${name}'` : ''}, seed ${seed}, with waveforms`);
    const run = await execa('npx', ['vitest', 'run', relative(repoRoot, file!), ...(name ? ['-t', name] : [])], {
      cwd: repoRoot,
      env,
      stdio: 'inherit',
      reject: false,
    });
    status = run.exitCode ?? 1;
  }
  const fsts = fstsWrittenSince(root, started - 1000);
  if (fsts.length === 0) {
    console.log(`\nmake waves: the run wrote no waveform under ${root}`);
    return status === 0 ? 1 : status;
  }
  const failureNs = failureNsIn(output);
  console.log(`\nmake waves: ${fsts.length} waveform(s); open with:`);
  for (const fst of fsts) {
    const gtkw = fst.replace(/\.fst$/, '.gtkw');
    // The run's own save file (with its failure marker) stays; others get one now.
    if (!existsSync(gtkw) || statSync(gtkw).mtimeMs < statSync(fst).mtimeMs) {
      await saveFileForTrace({
        fst,
        gtkw,
        groups: scenario ? mirrorWaveGroups : waveGroupsFor,
        markerNs: scenario ? failureNs : undefined,
        comments: [`make waves TEST=${test} SEED=${seed}`],
      });
    }
    console.log(`  ${gtkwaveCommand(fst, gtkw)}`);
  }
  return status;
}

main().then(
  (status) => process.exit(status),
  (error: unknown) => {
    console.error(error instanceof Error ? `make waves: ${error.message}` : error);
    process.exit(1);
  },
);
