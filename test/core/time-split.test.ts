// Where a run's wall time went: the parts (eval(), bridge, transport, host)
// add up to the wall time, each is measured (not assumed), and PROFILE=1
// makes a test run end with one such line per simulator run.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { expect, test } from 'vitest';
import { repoRoot } from '../../src/build/paths.js';
import { ClockCycles } from '../../src/sim/triggers.js';
import { formatTimeSplit, measureTimeSplit } from '../../src/sim/time-split.js';
import { simTest, startAndReset } from '../fixture.js';

simTest('the split adds up to the wall time; eval() time, round trips and the host codec are counted', async ({ sim, dut }) => {
  await startAndReset(dut);
  let scoreboard = 0;
  const finish = await measureTimeSplit(sim, () => scoreboard);
  await ClockCycles(dut.clk_i, 200_000);
  for (let i = 0; i < 200; i++) await sim.connection.request('ping');
  // Host work that is neither encoding nor the scoreboard: counted as the host's.
  const busyUntil = performance.now() + 30;
  while (performance.now() < busyUntil);
  scoreboard = 5;
  const split = await finish();
  const parts = split.evalMs + split.bridgeMs + split.transportMs + split.hostMs;
  expect(Math.abs(parts - split.wallMs)).toBeLessThan(1);
  expect(split.evalMs).toBeGreaterThan(1);
  expect(split.hostMs).toBeGreaterThan(30);
  expect(split.codecMs).toBeGreaterThan(0);
  expect(split.codecMs).toBeLessThan(split.hostMs);
  expect(split.scoreboardMs).toBe(5);
  // 200 pings, the ClockCycles run and the closing mark's stats request.
  expect(split.roundTrips).toBeGreaterThanOrEqual(202);
  expect(split.roundTrips).toBeLessThan(210);
  expect(formatTimeSplit(split)).toMatch(/^time [\d.]+ s: eval\(\) \d+%, bridge \d+%, transport \d+%, host \d+% \(encode\/decode \d+%, scoreboard \d+%, agents and test \d+%\); \d+ round trips$/);
});

test('make test PROFILE=1 ends with one time line per simulator run, named after its test', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'mirrorsim-profile-'));
  try {
    const run = await execa('npx', ['vitest', 'run', 'test/core/handles.test.ts', '-t', 'hello reports|queued write waits'], {
      cwd: repoRoot,
      reject: false,
      all: true,
      env: { MIRRORSIM_PROFILE: '1', MIRRORSIM_PROFILE_LOG: join(dir, 'runs.jsonl'), NODE_OPTIONS: '' },
      timeout: 120_000,
    });
    expect(run.exitCode, run.all).toBe(0);
    const lines = run.all!.split('\n').filter((line) => /^time [\d.]+ s: eval\(\)/.test(line));
    expect(lines).toHaveLength(2);
    expect(lines.some((line) => line.endsWith('test/core/handles.test.ts > hello reports the top module, the precision and the seed · fixture'))).toBe(true);
    expect(lines.some((line) => line.includes('a queued write waits for the next run'))).toBe(true);
    expect(run.all).toMatch(/all 2 simulator runs: time [\d.]+ s: eval\(\)/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}, 180_000);
