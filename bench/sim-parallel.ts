// `make bench`, every core: the same `make sim` regression (fixed seeds,
// every scenario) run serially and with JOBS=2, timed as a whole in one
// run. The runs must agree seed for seed (same scenarios, same cycle
// counts, same verdicts), or the figure is not a speed-up of the same work.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { repoRoot } from '../src/build/paths.js';
import { readResults } from '../src/report/records.js';

export interface SimParallel {
  command: string;
  seeds: number;
  ops: number;
  simulated_cycles: number;
  serial: { wall_s: number; cycles_per_s: number };
  jobs2: { wall_s: number; cycles_per_s: number };
  speedup: number;
  runs_agree: boolean;
}

export async function simParallel(options: { seed?: number; seeds?: number; ops?: number } = {}): Promise<SimParallel> {
  const seed = options.seed ?? 1;
  const seeds = options.seeds ?? 8;
  const ops = options.ops ?? 200;
  const dir = mkdtempSync(join(tmpdir(), 'mirrorsim-bench-jobs-'));
  try {
    const run = async (jobs: number) => {
      const reportDir = join(dir, `jobs${jobs}`);
      const env = { MIRRORSIM_SEED: String(seed), MIRRORSIM_SEEDS: String(seeds), MIRRORSIM_OPS: String(ops), MIRRORSIM_JOBS: String(jobs), MIRRORSIM_REPORT_DIR: reportDir, MIRRORSIM_TEST: '' };
      const t0 = performance.now();
      const result = await execa('node', [join(repoRoot, 'build', 'ts', 'src', 'cli', 'sim.js')], { env, reject: false, all: true });
      const wall = (performance.now() - t0) / 1000;
      if (result.exitCode !== 0) throw new Error(`make sim JOBS=${jobs} failed (exit ${result.exitCode}):\n${result.all?.split('\n').slice(-30).join('\n')}`);
      const records = readResults(join(reportDir, 'results.json')).seeds;
      const cycles = records.reduce((sum, r) => sum + r.cycles, 0);
      return { wall, cycles, runs: records.map((r) => `${r.index} ${r.scenario} ${r.seed} ${r.cycles} ${r.failure ? 'FAIL' : 'pass'}`).join('\n') };
    };
    const serial = await run(1);
    const jobs2 = await run(2);
    return {
      command: `make sim SEED=${seed} SEEDS=${seeds} OPS=${ops} JOBS=1|2`,
      seeds,
      ops,
      simulated_cycles: serial.cycles,
      serial: { wall_s: serial.wall, cycles_per_s: serial.cycles / serial.wall },
      jobs2: { wall_s: jobs2.wall, cycles_per_s: jobs2.cycles / jobs2.wall },
      speedup: serial.wall / jobs2.wall,
      runs_agree: serial.runs === jobs2.runs,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
