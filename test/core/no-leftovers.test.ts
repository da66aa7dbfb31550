// No simulator outlives its host: a child test run abandons simulators in
// every way it can (failure, vitest timeout, never closing, Ctrl-C), and
// afterwards none of the processes it started is alive.
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterEach, expect, test } from 'vitest';
import { describeProcesses, processesTagged, RUN_TAG_VARIABLE } from '../../src/bridge/leftovers.js';
import { repoRoot } from '../../src/build/paths.js';

// Run vitest's own entry point with node (not through npx, whose extra
// processes would stand between the signal and vitest).
const childVitest = ['node_modules/vitest/vitest.mjs', 'run', '--config', 'test/fixtures/host/vitest.config.ts', 'test/fixtures/host/abandon.test.ts'];

// The child runs keep their temporary files apart: vitest's own, left when a
// child is killed on purpose, are not ours to count; ours (sockets, scratch
// directories, all named mirrorsim-*) must be gone after every child.
let childTmp = '';
const childEnv = (env: Record<string, string>) => {
  childTmp = mkdtempSync(join(tmpdir(), 'mirrorsim-child-'));
  return { ...env, TMPDIR: childTmp };
};
afterEach(() => {
  if (!childTmp) return;
  const ours = readdirSync(childTmp).filter((name) => name.startsWith('mirrorsim-'));
  rmSync(childTmp, { recursive: true, force: true });
  childTmp = '';
  expect(ours, 'the child left sockets or scratch directories').toEqual([]);
});

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
  const child = await execa(process.execPath, childVitest, {
    cwd: repoRoot,
    reject: false,
    env: childEnv({ [RUN_TAG_VARIABLE]: tag, ABANDON_WAIT_FOREVER: '0' }),
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

/** Starts a child run whose test simulates forever, and resolves once its simulator runs. */
async function childWithRunningSimulator(tag: string) {
  const child = execa(process.execPath, [...childVitest, '-t', 'waits to be interrupted'], {
    cwd: repoRoot,
    reject: false,
    // Its own process group, as a terminal's foreground job.
    detached: true,
    env: childEnv({ [RUN_TAG_VARIABLE]: tag, ABANDON_WAIT_FOREVER: '1' }),
    timeout: 120_000,
  });
  let output = '';
  await new Promise<void>((resolve, reject) => {
    child.stdout?.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      if (/\[abandon\] waiting with simulator \d+/.test(output)) resolve();
    });
    child.then(() => reject(new Error(`child ended before its simulator ran:\n${output}`)), reject);
  });
  expect(processesTagged(tag, 'mirrorsim-bridge')).toHaveLength(1);
  // Wrapped: an execa child is a thenable, so returning it bare would await its end.
  return { child };
}

function killTagged(tag: string): void {
  for (const pid of processesTagged(tag)) process.kill(pid, 'SIGKILL');
}

test('Ctrl-C on a running test leaves no process running', async () => {
  const tag = randomUUID();
  const { child } = await childWithRunningSimulator(tag);
  try {
    // What a terminal does on Ctrl-C: SIGINT to the whole foreground group.
    process.kill(-child.pid!, 'SIGINT');
    await child;
    const left = await settled(tag);
    expect(left, describeProcesses(left)).toEqual([]);
  } finally {
    killTagged(tag);
  }
}, 180_000);

test('a runner that dies abruptly leaves no simulator running', async () => {
  const tag = randomUUID();
  const { child } = await childWithRunningSimulator(tag);
  try {
    // Only the runner dies (SIGKILL: no handler runs); its worker is orphaned.
    child.kill('SIGKILL');
    await child;
    const deadline = Date.now() + 5000;
    let left = processesTagged(tag, 'mirrorsim-bridge');
    while (left.length > 0 && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      left = processesTagged(tag, 'mirrorsim-bridge');
    }
    expect(left, describeProcesses(left)).toEqual([]);
  } finally {
    killTagged(tag);
  }
}, 180_000);

test('a host killed mid-run (SIGKILL, no handler runs): its simulator exits by itself, within a second', async () => {
  const tag = randomUUID();
  const { child } = await childWithRunningSimulator(tag);
  try {
    const [bridge] = processesTagged(tag, 'mirrorsim-bridge');
    // The host is the test worker the simulator was started from: its parent.
    const host = Number(readFileSync(`/proc/${bridge}/stat`, 'utf8').split(') ')[1]!.split(' ')[1]);
    const killedAt = performance.now();
    process.kill(host, 'SIGKILL');
    while (processesTagged(tag, 'mirrorsim-bridge').length > 0 && performance.now() - killedAt < 5000) await new Promise((resolve) => setTimeout(resolve, 5));
    const exitMs = performance.now() - killedAt;
    console.log(`[mirrorsim] host (pid ${host}) killed: its simulator (pid ${bridge}) exited ${exitMs.toFixed(0)} ms later`);
    expect(processesTagged(tag, 'mirrorsim-bridge')).toEqual([]);
    expect(exitMs).toBeLessThan(1000);
  } finally {
    killTagged(tag);
    await child;
  }
}, 180_000);
