// PROFILE=1: every simulator run, wherever it was started (a test, a
// regression seed, a mutant), adds one line — what ran and where its wall
// time went (src/sim/time-split.ts) — to a log the test run prints at its
// end. The log is one JSON object per line, appended by every process of
// the run (O_APPEND keeps short lines whole).
import { appendFileSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { buildDir } from '../build/paths.js';
import { addTimeSplits, formatTimeSplit, type TimeSplit } from './time-split.js';

/** MIRRORSIM_PROFILE_LOG moves it (a test that runs a profiled suite of its own must not share its parent's). */
export const PROFILE_LOG = process.env.MIRRORSIM_PROFILE_LOG || join(buildDir, 'profile', 'runs.jsonl');

export interface ProfiledRun {
  label: string;
  split: TimeSplit;
}

export function profiling(): boolean {
  return ['1', 'true', 'yes'].includes(process.env.MIRRORSIM_PROFILE ?? '');
}

let describeRun: () => string = () => '';

/** How a run is named in the log (the test runner sets it to the current test). */
export function setRunLabel(label: () => string): void {
  describeRun = label;
}

export function logProfiledRun(design: string, split: TimeSplit): void {
  const label = [describeRun(), design].filter(Boolean).join(' · ');
  mkdirSync(dirname(PROFILE_LOG), { recursive: true });
  appendFileSync(PROFILE_LOG, `${JSON.stringify({ label, split } satisfies ProfiledRun)}\n`);
}

export function clearProfileLog(): void {
  rmSync(PROFILE_LOG, { force: true });
}

/** The log as lines to print: one per run, then the whole run's split. */
export function formatProfileLog(): string[] {
  let runs: ProfiledRun[] = [];
  try {
    runs = readFileSync(PROFILE_LOG, 'utf8').split('\n').filter(Boolean).map((line) => JSON.parse(line) as ProfiledRun);
  } catch {
    return ['PROFILE=1: no simulator run was profiled'];
  }
  const lines = runs.map((run) => `${formatTimeSplit(run.split)}  ${run.label}`);
  lines.push(`all ${runs.length} simulator runs: ${formatTimeSplit(addTimeSplits(runs.map((run) => run.split)))}`);
  return lines;
}
