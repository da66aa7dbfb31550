// Sharding as a CI uses it, through make: two shards of a regression run
// disjoint seeds whose union is the unsharded run (the same runs: same
// scenarios, same cycle counts), and `make merge-reports` turns the shards'
// directories into the unsharded run's JUnit and results; merging one shard
// twice is refused.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, expect, test } from 'vitest';
import { repoRoot } from '../../src/build/paths.js';
import { readResults } from '../../src/report/records.js';

const dir = mkdtempSync(join(tmpdir(), 'mirrorsim-shards-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

// The parent make's command-line variables (TEST=, SEED=, WAVES=…) must not reach these runs, nor vitest's TEST=true.
const make = (args: string[]) => execa('make', ['--no-print-directory', ...args], { cwd: repoRoot, reject: false, all: true, env: { MAKEFLAGS: '', MFLAGS: '', NODE_OPTIONS: '' }, timeout: 15 * 60_000 });
const REGRESSION = ['SEED=4100', 'SEEDS=5', 'OPS=20', 'TEST='];

function runs(reportDir: string): string[] {
  return readResults(join(reportDir, 'results.json')).seeds.map((s) => `${s.index} ${s.scenario} seed=${s.seed} cycles=${s.cycles}`);
}

function testCases(reportDir: string): string[] {
  return [...readFileSync(join(reportDir, 'junit.xml'), 'utf8').matchAll(/<testcase classname="([^"]+)" name="([^"]+)"/g)].map((m) => `${m[1]} ${m[2]}`);
}

test('SHARD=1/2 and SHARD=2/2 split the seeds; merge-reports gives back the unsharded run', async () => {
  const whole = join(dir, 'whole');
  const shards = [join(dir, 'shard1'), join(dir, 'shard2')];
  for (const [args, reportDir] of [[REGRESSION, whole], [[...REGRESSION, 'SHARD=1/2'], shards[0]!], [[...REGRESSION, 'SHARD=2/2'], shards[1]!]] as const) {
    const run = await make(['sim', ...args, `REPORT_DIR=${reportDir}`]);
    expect(run.exitCode, run.all).toBe(0);
  }
  const [first, second] = shards.map(runs) as [string[], string[]];
  expect(first.map((r) => r.split(' ')[0])).toEqual(['0', '2', '4']);
  expect(second.map((r) => r.split(' ')[0])).toEqual(['1', '3']);
  // The same runs, seed for seed: a shard's run of a seed is the unsharded run's.
  expect([...first, ...second].sort()).toEqual(runs(whole).sort());

  const merged = join(dir, 'merged');
  const merge = await make(['merge-reports', `DIRS=${shards[1]} ${shards[0]}`, `REPORT_DIR=${merged}`]);
  expect(merge.exitCode, merge.all).toBe(0);
  expect(merge.all).toContain('PASS: 5 passed, 0 failed');
  expect(runs(merged)).toEqual(runs(whole));
  expect(testCases(merged)).toEqual(testCases(whole));
  expect(readFileSync(join(merged, 'report.html'), 'utf8')).toContain('merged from shards 1/2, 2/2');

  const twice = await make(['merge-reports', `DIRS=${shards[0]} ${shards[0]}`, `REPORT_DIR=${join(dir, 'twice')}`]);
  expect(twice.exitCode).toBe(2);
  expect(twice.all).toMatch(/seed position 0 \(seed 4100\) is also in/);
}, 20 * 60_000);
