// `make bench-scale`: how a regression run scales with its length. One seed
// of the random scenario at 1k, 10k and 100k pointer operations (both
// nodes together), each a `make sim` run of its own; the host's and the
// simulator's peak memory (VmHWM, sampled from /proc while the run lasts)
// and the cost per operation, in one table. Writes build/bench/scale.json.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { buildDir, repoRoot } from '../src/build/paths.js';
import { formatRate, formatTable } from '../src/cli/table.js';
import { readResults } from '../src/report/records.js';

interface ScaleRow {
  operations: number;
  ops_per_node: number;
  cycles: number;
  wall_s: number;
  us_per_op: number;
  cycles_per_s: number;
  host_peak_mb: number;
  bridge_peak_mb: number;
}

/** Peak resident memory of a process so far, MB (0 once it is gone). */
function peakMb(pid: number): number {
  try {
    const match = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Number(match[1]) / 1024 : 0;
  } catch {
    return 0;
  }
}

function childrenOf(pid: number): number[] {
  try {
    return readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').split(/\s+/).filter(Boolean).map(Number);
  } catch {
    return [];
  }
}

async function runAt(opsPerNode: number, seed: number, dir: string): Promise<ScaleRow> {
  const reportDir = join(dir, `ops${opsPerNode}`);
  const env = { MIRRORSIM_SEED: String(seed), MIRRORSIM_OPS: String(opsPerNode), MIRRORSIM_TEST: 'random', MIRRORSIM_JOBS: '1', MIRRORSIM_REPORT_DIR: reportDir };
  const t0 = performance.now();
  const run = execa('node', [join(repoRoot, 'build', 'ts', 'src', 'cli', 'sim.js')], { env, reject: false, all: true });
  let host = 0;
  let bridge = 0;
  const sampler = setInterval(() => {
    if (run.pid === undefined) return;
    host = Math.max(host, peakMb(run.pid));
    for (const child of childrenOf(run.pid)) bridge = Math.max(bridge, peakMb(child));
  }, 200);
  const result = await run;
  clearInterval(sampler);
  const wall = (performance.now() - t0) / 1000;
  if (result.exitCode !== 0) throw new Error(`make sim OPS=${opsPerNode} failed (exit ${result.exitCode}):\n${result.all?.split('\n').slice(-30).join('\n')}`);
  const record = readResults(join(reportDir, 'results.json')).seeds[0]!;
  const operations = 2 * opsPerNode;
  return {
    operations,
    ops_per_node: opsPerNode,
    cycles: record.cycles,
    wall_s: wall,
    us_per_op: (record.seconds * 1e6) / operations,
    cycles_per_s: record.cycles / record.seconds,
    host_peak_mb: host,
    bridge_peak_mb: bridge,
  };
}

async function main(): Promise<void> {
  const seed = Number(process.env.MIRRORSIM_SEED || 1);
  const sizes = (process.env.MIRRORSIM_SCALE_OPS || '500,5000,50000').split(',').map(Number);
  const dir = mkdtempSync(join(tmpdir(), 'mirrorsim-scale-'));
  const rows: ScaleRow[] = [];
  try {
    for (const ops of sizes) {
      const row = await runAt(ops, seed, dir);
      rows.push(row);
      console.log(`OPS=${ops}: ${row.operations} operations, ${row.cycles} cycles in ${row.wall_s.toFixed(1)} s; host peak ${row.host_peak_mb.toFixed(0)} MB, simulator peak ${row.bridge_peak_mb.toFixed(0)} MB`);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  console.log(`\nmake sim TEST=random SEED=${seed} JOBS=1 at growing OPS (pointer operations per node)`);
  console.log(
    formatTable(
      ['operations', 'cycles', 'wall s', 'µs/op', 'cycles/s', 'host peak MB', 'simulator peak MB'],
      rows.map((r) => [r.operations, r.cycles, r.wall_s.toFixed(1), r.us_per_op.toFixed(0), formatRate(r.cycles_per_s), r.host_peak_mb.toFixed(0), r.bridge_peak_mb.toFixed(0)]),
    ),
  );
  mkdirSync(join(buildDir, 'bench'), { recursive: true });
  writeFileSync(join(buildDir, 'bench', 'scale.json'), `${JSON.stringify({ seed, scenario: 'random', rows }, null, 2)}\n`);
  console.log(`\nwritten: ${join(buildDir, 'bench', 'scale.json')}`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
