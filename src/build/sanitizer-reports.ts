// SANITIZE=1: where the sanitized simulators write what they find, and how a
// run collects it. Each report goes to a file of its own (log_path), so a
// finding is seen even when its process's exit status is not looked at (a
// simulator ending after `quit`, one killed by the fuzzer's restart), and the
// run that started it fails.
import { appendFileSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { bridgeDir } from './paths.js';

/** Set by routeSanitizerReports: where the simulators' reports go. */
const REPORT_DIR_VARIABLE = 'MIRRORSIM_SANITIZER_REPORTS';
/** Every finding stops the simulator with this status (the tests expect 86). */
const HALTING = 'halt_on_error=1:exitcode=86';
const UBSAN_HALTING = `print_stacktrace=1:${HALTING}:suppressions=${join(bridgeDir, 'ubsan-suppressions.txt')}`;

export interface SanitizerReport {
  file: string;
  /** The report's first lines: the finding and the top of its stack. */
  head: string[];
}

/** SANITIZE=1 (MIRRORSIM_SANITIZE): models built sanitized, their reports collected. */
export function sanitizeRequested(): boolean {
  return process.env.MIRRORSIM_SANITIZE === '1';
}

/** How many times longer the longest tests get in their timeouts under SANITIZE=1: its models run several times slower (-O1, ASan and UBSan checks on every access). */
export function sanitizerSlowdown(): number {
  return sanitizeRequested() ? 4 : 1;
}

/** Sets ASAN_OPTIONS and UBSAN_OPTIONS for every simulator started from here on (they inherit the environment). */
export function routeSanitizerReports(directory: string): void {
  mkdirSync(directory, { recursive: true });
  const logPath = `log_path=${join(directory, 'report')}`;
  // The bridge runs its leak check itself before it exits (_Exit skips atexit).
  process.env.ASAN_OPTIONS = `${logPath}:print_stacktrace=1:detect_leaks=1:${HALTING}`;
  process.env.UBSAN_OPTIONS = `${logPath}:${UBSAN_HALTING}`;
  process.env[REPORT_DIR_VARIABLE] = directory;
}

/**
 * For runs that do not collect reports (`make sim SANITIZE=1`, `make
 * campaign`, a program of the user's): a sanitized simulator still stops at
 * its first finding, with status 86 and the finding in its output, which the
 * host's error quotes. UBSan's checks are built recoverable (for the
 * suppressions file), so without this a finding would be printed and the run
 * would go on. Options the caller set are left alone.
 */
export function haltOnSanitizerFindings(): void {
  process.env.ASAN_OPTIONS ??= HALTING;
  process.env.UBSAN_OPTIONS ??= UBSAN_HALTING;
}

/** Saves the variables routeSanitizerReports sets; the function returned puts them back (for tests that route reports elsewhere for a while). */
export function saveSanitizerEnvironment(): () => void {
  const saved = ['ASAN_OPTIONS', 'UBSAN_OPTIONS', REPORT_DIR_VARIABLE].map((key) => [key, process.env[key]] as const);
  return () => {
    for (const [key, value] of saved) {
      if (value === undefined) delete process.env[key];
      else process.env[key] = value;
    }
  };
}

/** A UBSan finding's first line: `file:line:col: runtime error: what`. */
const UBSAN_FINDING = /:\d+:\d+: runtime error: /;
const UBSAN_REPORT_LINES = 60;

/**
 * GCC's UBSan, when linked with ASan, ignores log_path and prints its
 * findings on stderr. The host reads every simulator's output anyway: from a
 * finding's first line on, this copies the lines (the finding and its stack;
 * the simulator halts right after) to a report file of its own, so the run
 * counts it like ASan's. Undefined when reports are not being collected.
 */
export function stderrReportCatcher(pid: number | undefined): ((line: string) => void) | undefined {
  const directory = process.env[REPORT_DIR_VARIABLE];
  if (!directory) return undefined;
  const file = join(directory, `report.ubsan.${pid ?? 'unknown'}.${Date.now()}`);
  let written = 0;
  return (line) => {
    if (written === 0 && !UBSAN_FINDING.test(line)) return;
    if (written === UBSAN_REPORT_LINES) return;
    appendFileSync(file, `${line}\n`);
    written++;
  };
}

/** The reports written under `directory` so far. */
export function sanitizerReports(directory: string): SanitizerReport[] {
  let files: string[];
  try {
    files = readdirSync(directory).filter((name) => name.startsWith('report')).sort();
  } catch {
    return [];
  }
  return files.map((name) => {
    const file = join(directory, name);
    const lines = readFileSync(file, 'utf8').split('\n').filter((line) => line.trim() !== '');
    return { file, head: lines.slice(0, 12) };
  });
}

export function describeSanitizerReports(reports: readonly SanitizerReport[]): string {
  return reports.map((report) => `${report.file}:\n    ${report.head.join('\n    ')}`).join('\n  ');
}
