// A failing simTest is re-run with waveforms by the fixture itself: in a
// child vitest, each failing test's output ends with its FST, its save file
// and the command that opens them; the re-run fails the same way at the same
// time, is not cut short by the test's own timeout, stops once the window is
// traced when the test never ends, and the re-runs per file are capped.
import { randomUUID } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { describeProcesses, processesTagged, RUN_TAG_VARIABLE } from '../../src/bridge/leftovers.js';
import { repoRoot } from '../../src/build/paths.js';
import { nsToTicks, readFstHeader, readFstSignals } from '../../src/waves/fst-signals.js';
import { parseSaveFile } from '../../src/waves/gtkw.js';
import { readFstTimes } from '../fst-times.js';

const dir = mkdtempSync(join(tmpdir(), 'mirrorsim-test-waves-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const childVitest = ['node_modules/vitest/vitest.mjs', 'run', '--config', 'test/core/fixtures/waves/vitest.config.ts', 'test/core/fixtures/waves/failing.test.ts'];

let output = '';
let exitCode: number | undefined;
let leftovers: number[] = [];

/** The [mirrorsim] lines vitest printed for one test, in order. */
function linesOf(testName: string): string[] {
  const lines = output.split('\n').map((line) => line.replace(/^.*?\[mirrorsim\]/, '[mirrorsim]')).filter((line) => line.startsWith('[mirrorsim]') || line.startsWith('  make test'));
  const start = lines.findIndex((line) => line.startsWith(`[mirrorsim] ${testName}: seed=`));
  const next = lines.findIndex((line, i) => i > start && / seed=\d+$/.test(line) && !line.includes('FAILED'));
  return start < 0 ? [] : lines.slice(start, next < 0 ? undefined : next);
}

/** The three lines a failure output ends with, as paths and the command. */
function ending(testName: string): { fst: string; gtkw: string; open: string } {
  const last = linesOf(testName).slice(-3);
  const [fst, gtkw, open] = [/^\[mirrorsim\] waveform: (.+)$/, /^\[mirrorsim\] save file: (.+)$/, /^\[mirrorsim\] open with: (.+)$/].map((re, i) => re.exec(last[i] ?? '')?.[1]);
  expect(fst && gtkw && open, `the output of '${testName}' ends with the waveform, the save file and the open command:\n${last.join('\n')}`).toBeTruthy();
  return { fst: fst!, gtkw: gtkw!, open: open! };
}

beforeAll(async () => {
  const tag = randomUUID();
  const child = await execa(process.execPath, childVitest, {
    cwd: repoRoot,
    reject: false,
    all: true,
    timeout: 150_000,
    // This run's own knobs, whatever the outer run was given.
    env: { [RUN_TAG_VARIABLE]: tag, MIRRORSIM_WAVES_DIR: dir, MIRRORSIM_WAVES_RERUNS: '3', MIRRORSIM_WAVES: '', MIRRORSIM_WAVES_FROM: '', MIRRORSIM_WAVES_TO: '', MIRRORSIM_WAVES_LAST: '', MIRRORSIM_WAVES_RERUN: '', MIRRORSIM_SEED: '', FORCE_COLOR: '0' },
  });
  output = child.all ?? '';
  exitCode = child.exitCode;
  leftovers = processesTagged(tag);
}, 180_000);

test('the re-run fails the same way at the same time; the output ends with the FST, the save file and the open command', async () => {
  expect(exitCode).toBe(1);
  const name = 'counts, then finds the count wrong';
  const lines = linesOf(name);
  expect(lines.some((line) => line.startsWith(`[mirrorsim] FAILED ${name} with seed=`))).toBe(true);
  const tracing = /tracing (\d+)-(\d+) ns \(the failure was at (\d+) ns\)/.exec(lines.join('\n'));
  expect(tracing).not.toBeNull();
  const [fromNs, toNs, failureNs] = tracing!.slice(1).map(Number) as [number, number, number];
  // The last 20000 cycles (of 10 ns) before the failure, and a few after.
  expect(fromNs).toBe(failureNs - 200_000);
  expect(toNs).toBeGreaterThan(failureNs);
  expect(lines.join('\n')).toMatch(new RegExp(`re-run failed at ${failureNs} ns: .*expected \\d+ to be -1.*: the same failure at the same time`));
  const { fst, gtkw, open } = ending(name);
  expect(open).toBe(`gtkwave ${fst} ${gtkw}`);
  expect(fst.startsWith(dir)).toBe(true);
  const { timescale } = await readFstHeader(fst);
  const times = await readFstTimes(fst);
  expect(times.first).toBe(nsToTicks(fromNs, timescale));
  expect(times.last).toBeGreaterThanOrEqual(nsToTicks(failureNs, timescale));
  expect(times.last).toBeLessThanOrEqual(nsToTicks(toNs, timescale));
  const saved = parseSaveFile(readFileSync(gtkw, 'utf8'));
  expect(saved.marker).toBe(nsToTicks(failureNs, timescale));
  const inFst = new Set(await readFstSignals(fst));
  expect(saved.traces.length).toBeGreaterThan(10);
  expect(saved.traces.filter((trace) => !inFst.has(trace.signal))).toEqual([]);
  expect(saved.groups.map((group) => group.name)).toEqual(expect.arrayContaining(['inputs', 'outputs', 'u_counter state']));
});

test('a re-run is not cut short by the test\'s own timeout', () => {
  const name = 'fails late in its timeout';
  expect(linesOf(name).join('\n')).toMatch(/re-run failed at \d+ ns: .*deliberate late failure: the same failure at the same time/);
  const { fst, gtkw } = ending(name);
  expect(existsSync(fst) && existsSync(gtkw)).toBe(true);
  expect(output).not.toMatch(/Hook timed out/);
  // Only the test that never ends timed out.
  expect(output.match(/Test timed out in \d+ms/g)).toHaveLength(1);
});

test('a test that never ends is re-run only until its trace window is done', () => {
  const name = 'runs until the vitest timeout';
  expect(linesOf(name).join('\n')).toMatch(/re-run reached the end of the trace window \(\d+ ns\) and was stopped there/);
  const { fst } = ending(name);
  expect(existsSync(fst)).toBe(true);
});

test('a passing test is not re-run; past the limit a failing one is not either; no simulator is left', () => {
  expect(linesOf('passes, and is not re-run').filter((line) => /FAILED|re-running|waveform:/.test(line))).toEqual([]);
  const capped = linesOf('fails once re-runs are used up');
  expect(capped.join('\n')).toMatch(/not re-run with waveforms: 3 failing test\(s\) of this file were already/);
  expect(capped.filter((line) => /waveform:|re-running/.test(line))).toEqual([]);
  expect(output.match(/\[mirrorsim\] re-running /g)).toHaveLength(3);
  expect(leftovers, describeProcesses(leftovers)).toEqual([]);
});
