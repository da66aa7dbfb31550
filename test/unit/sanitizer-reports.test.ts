// The UBSan findings a sanitized simulator prints on stderr (GCC's UBSan
// linked with ASan ignores log_path) become report files the run counts.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, expect, test } from 'vitest';
import { routeSanitizerReports, sanitizerReports, saveSanitizerEnvironment, stderrReportCatcher } from '../../src/build/sanitizer-reports.js';

let restore: () => void;
let directory: string;

beforeEach(() => {
  restore = saveSanitizerEnvironment();
  directory = mkdtempSync(join(tmpdir(), 'mirrorsim-reports-'));
});

afterEach(() => {
  restore();
  rmSync(directory, { recursive: true, force: true });
});

test('routing sets log_path, halting, the suppressions file and the directory the host copies findings to', () => {
  routeSanitizerReports(directory);
  expect(process.env.ASAN_OPTIONS).toContain(`log_path=${join(directory, 'report')}`);
  expect(process.env.UBSAN_OPTIONS).toMatch(/halt_on_error=1:exitcode=86:suppressions=.*bridge\/ubsan-suppressions\.txt$/);
  expect(readFileSync(process.env.UBSAN_OPTIONS!.split('suppressions=')[1]!, 'utf8')).toMatch(/^alignment:gtkwave\/fstapi\.c$/m);
});

test("a simulator's output with a UBSan finding: the finding and what follows become one report; output without one writes nothing", () => {
  routeSanitizerReports(directory);
  const quiet = stderrReportCatcher(101)!;
  for (const line of ['mirrorsim-bridge: listening on ipc:///tmp/x.sock', 'a runtime error: in a $display is not a finding']) quiet(line);
  expect(sanitizerReports(directory)).toEqual([]);

  const noisy = stderrReportCatcher(102)!;
  noisy('mirrorsim-bridge: listening on ipc:///tmp/y.sock');
  noisy("/work/x/model.cpp:12:7: runtime error: signed integer overflow: 2147483647 + 1 cannot be represented in type 'int'");
  for (let frame = 0; frame < 100; frame++) noisy(`    #${frame} 0x55 in frame_${frame}`);
  const [report, ...more] = sanitizerReports(directory);
  expect(more).toEqual([]);
  expect(report!.file).toMatch(/report\.ubsan\.102\./);
  expect(report!.head[0]).toMatch(/model\.cpp:12:7: runtime error: signed integer overflow/);
  const lines = readFileSync(report!.file, 'utf8').trimEnd().split('\n');
  expect(lines).toHaveLength(60);
  expect(lines[1]).toBe('    #0 0x55 in frame_0');
});

test('without SANITIZE=1 routing there is no catcher', () => {
  delete process.env.MIRRORSIM_SANITIZER_REPORTS;
  expect(stderrReportCatcher(7)).toBeUndefined();
});
