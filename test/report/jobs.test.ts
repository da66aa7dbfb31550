// JOBS= as a user runs it, through make: the seeds of a regression run in
// parallel worker processes and the result is the serial run's — the same
// runs seed for seed, the same output for every seed in the same order, the
// same JUnit — and a worker killed mid-seed fails that seed alone, saying
// which and how, leaving no process behind.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, expect, test } from 'vitest';
import { repoRoot } from '../../src/build/paths.js';
import { readResults } from '../../src/report/records.js';

const dir = mkdtempSync(join(tmpdir(), 'mirrorsim-jobs-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

// The parent make's command-line variables (TEST=, SEED=, WAVES=…) must not reach these runs, nor vitest's TEST=true.
const env = { MAKEFLAGS: '', MFLAGS: '', NODE_OPTIONS: '' };
const make = (args: string[]) => execa('make', ['--no-print-directory', ...args], { cwd: repoRoot, reject: false, all: true, env, timeout: 15 * 60_000 });
const REGRESSION = ['SEED=4300', 'SEEDS=5', 'OPS=20', 'TEST='];

function runs(reportDir: string): string[] {
  return readResults(join(reportDir, 'results.json')).seeds.map((s) => `${s.index} ${s.scenario} seed=${s.seed} cycles=${s.cycles} ${s.failure ? 'FAIL' : 'pass'}`);
}

/** The lines each seed printed, with the wall times taken out. */
function seedLines(output: string): string[] {
  return output
    .split('\n')
    .filter((line) => /^(pass|FAIL) /.test(line))
    .map((line) => line.replace(/ [\d.]+ s$/, ''));
}

function testCases(reportDir: string): string[] {
  return [...readFileSync(join(reportDir, 'junit.xml'), 'utf8').matchAll(/<testcase classname="([^"]+)" name="([^"]+)"/g)].map((m) => `${m[1]} ${m[2]}`);
}

test('JOBS=2 runs the serial regression: the same runs, the same output per seed in seed order, the same JUnit', async () => {
  const serialDir = join(dir, 'serial');
  const parallelDir = join(dir, 'parallel');
  const serial = await make(['sim', ...REGRESSION, 'JOBS=1', `REPORT_DIR=${serialDir}`]);
  expect(serial.exitCode, serial.all).toBe(0);
  const parallel = await make(['sim', ...REGRESSION, 'JOBS=2', `REPORT_DIR=${parallelDir}`]);
  expect(parallel.exitCode, parallel.all).toBe(0);
  expect(parallel.all).toContain('2 seeds at a time (JOBS=2)');
  expect(serial.all).toContain('with 1 job(s)');
  expect(parallel.all).toContain('with 2 job(s)');
  expect(runs(parallelDir)).toEqual(runs(serialDir));
  expect(runs(parallelDir)).toHaveLength(5);
  expect(seedLines(parallel.all!)).toEqual(seedLines(serial.all!));
  expect(seedLines(parallel.all!)).toHaveLength(5);
  expect(testCases(parallelDir)).toEqual(testCases(serialDir));
  expect(parallel.all).toContain('PASS: 5 passed, 0 failed');
}, 20 * 60_000);

test('a worker killed mid-seed fails that seed alone, naming it and the signal; the others pass; nothing is left running', async () => {
  const reportDir = join(dir, 'killed');
  const run = execa('make', ['--no-print-directory', 'sim', 'SEED=4400', 'SEEDS=4', 'OPS=60', 'TEST=', 'JOBS=2', `REPORT_DIR=${reportDir}`], { cwd: repoRoot, reject: false, all: true, env, timeout: 15 * 60_000 });
  // make → sim.js → workers → simulators: a worker with a simulator running is the victim.
  let victim: number | undefined;
  let tree: number[] = [];
  for (let tries = 0; tries < 600 && victim === undefined; tries++) {
    await new Promise((resolve) => setTimeout(resolve, 100));
    tree = await descendants(run.pid!);
    victim = (await Promise.all(tree.map(async (pid) => ((await children(pid)).length > 0 && commandOf(pid).includes('sim-worker.js') ? pid : undefined)))).find((pid) => pid !== undefined);
  }
  expect(victim, 'a worker with a running simulator').toBeDefined();
  const victimSimulators = await children(victim!);
  process.kill(victim!, 'SIGKILL');
  const result = await run;
  // make exits 2 whenever its recipe fails; the recipe's own status is in its last line.
  expect(result.exitCode, result.all).toBe(2);
  expect(result.all).toMatch(/\bsim\] Error 1\b/);
  expect(result.all).toMatch(/the worker process running \S+ seed \d+ was killed by SIGKILL/);
  const records = readResults(join(reportDir, 'results.json')).seeds;
  expect(records).toHaveLength(4);
  const failed = records.filter((r) => r.failure);
  expect(failed).toHaveLength(1);
  expect(failed[0]!.failure!.invariant).toBe('the run completes (no simulator or host error)');
  expect(failed[0]!.failure!.replay).toContain(`SEED=${failed[0]!.seed}`);
  expect(result.all).toContain('FAIL: 3 passed, 1 failed');
  // The killed worker's simulator ends by itself (its parent is gone); no worker outlives the run.
  expect(victimSimulators.length).toBeGreaterThan(0);
  await expect.poll(() => [...tree, ...victimSimulators].filter(alive), { timeout: 10_000 }).toEqual([]);
}, 20 * 60_000);

async function children(pid: number): Promise<number[]> {
  const found = await execa('pgrep', ['-P', String(pid)], { reject: false });
  return found.stdout.split('\n').filter(Boolean).map(Number);
}

async function descendants(pid: number): Promise<number[]> {
  const direct = await children(pid);
  return [...direct, ...(await Promise.all(direct.map(descendants))).flat()];
}

function commandOf(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' ');
  } catch {
    return '';
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return !readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.startsWith('Z');
  } catch {
    return false;
  }
}
