// No simulator outlives its host: a child test run abandons simulators in
// every way it can (failure, vitest timeout, never closing, Ctrl-C), and
// afterwards none of the processes it started is alive.
import { randomUUID } from 'node:crypto';
import { execa } from 'execa';
import { expect, test } from 'vitest';
import { describeProcesses, processesTagged, RUN_TAG_VARIABLE } from '../../src/bridge/leftovers.js';
import { repoRoot } from '../../src/build/paths.js';

const childVitest = ['vitest', 'run', '--config', 'test/fixtures/host/vitest.config.ts', 'test/fixtures/host/abandon.test.ts'];

async function settled(tag: string, withinMs = 3000): Promise<number[]> {
  const deadline = Date.now() + withinMs;
  let left = processesTagged(tag);
  while (left.length > 0 && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 100));
    left = processesTagged(tag);
  }
  return left;
}

test('failed, timed-out and unclosed tests leave no simulator running', async () => {
  const tag = randomUUID();
  const child = await execa('npx', childVitest, {
    cwd: repoRoot,
    reject: false,
    env: { [RUN_TAG_VARIABLE]: tag, ABANDON_WAIT_FOREVER: '0' },
    all: true,
    timeout: 120_000,
  });
  // Two of its tests fail on purpose; the run must have got that far.
  expect(child.all).toMatch(/deliberate failure/);
  expect(child.all).toMatch(/Test timed out/);
  expect(child.all).toMatch(/\[abandon\] left running: \d+/);
  const left = await settled(tag);
  expect(left, describeProcesses(left)).toEqual([]);
}, 180_000);

test('Ctrl-C on a running test leaves no simulator running', async () => {
  const tag = randomUUID();
  const child = execa('npx', [...childVitest, '-t', 'waits to be interrupted'], {
    cwd: repoRoot,
    reject: false,
    env: { [RUN_TAG_VARIABLE]: tag, ABANDON_WAIT_FOREVER: '1' },
    all: true,
    timeout: 120_000,
  });
  let output = '';
  await new Promise<void>((resolve, reject) => {
    child.all?.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      if (/\[abandon\] waiting with simulator \d+/.test(output)) resolve();
    });
    child.then(() => reject(new Error(`child ended before its simulator ran:\n${output}`)), reject);
  });
  expect(processesTagged(tag).length).toBeGreaterThan(0);
  child.kill('SIGINT');
  await child;
  const left = await settled(tag);
  expect(left, describeProcesses(left)).toEqual([]);
}, 180_000);
