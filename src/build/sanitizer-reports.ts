// SANITIZE=1: where the sanitized simulators write what they find, and how a
// run collects it. Each report goes to a file of its own (log_path), so a
// finding is seen even when its process's exit status is not looked at (a
// simulator ending after `quit`, one killed by the fuzzer's restart), and the
// run that started it fails.
import { mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

export interface SanitizerReport {
  file: string;
  /** The report's first lines: the finding and the top of its stack. */
  head: string[];
}

/** SANITIZE=1 (MIRRORSIM_SANITIZE): models built sanitized, their reports collected. */
export function sanitizeRequested(): boolean {
  return process.env.MIRRORSIM_SANITIZE === '1';
}

/** Sets ASAN_OPTIONS and UBSAN_OPTIONS for every simulator started from here on (they inherit the environment). */
export function routeSanitizerReports(directory: string): void {
  mkdirSync(directory, { recursive: true });
  const common = `log_path=${join(directory, 'report')}:print_stacktrace=1`;
  // The bridge runs its leak check itself before it exits (_Exit skips atexit).
  process.env.ASAN_OPTIONS = `${common}:detect_leaks=1:halt_on_error=1:exitcode=86`;
  process.env.UBSAN_OPTIONS = `${common}:halt_on_error=1:exitcode=86`;
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
