// Process faults the RTL cannot report: the model aborting or dereferencing
// a null pointer (a buggy DPI function, a bug in generated code), and the
// host dying under a running simulator (no-leftovers.test.ts). Each fails within its timeout with
// a message that says which, and leaves no process and no socket file.
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, test } from 'vitest';
import { crashDesign } from '../../src/build/design.js';
import { routeSanitizerReports, sanitizeRequested, sanitizerReports, saveSanitizerEnvironment } from '../../src/build/sanitizer-reports.js';
import { ensureModel } from '../../src/build/verilate.js';
import { SimulatorExitedError } from '../../src/errors.js';
import { Clock } from '../../src/sim/clock.js';
import { Simulator } from '../../src/sim/simulator.js';
import { ClockCycles } from '../../src/sim/triggers.js';

beforeAll(async () => {
  await ensureModel(crashDesign, { log: (line) => console.log(line) });
}, 20 * 60_000);

function alive(pid: number | undefined): boolean {
  if (pid === undefined) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Runs the crash fixture until `crash_i = value` ends it; returns the error and what is left behind. */
async function crashWith(value: number): Promise<{ error: unknown; pid: number | undefined; socket: string; ms: number }> {
  const sim = await Simulator.start({ design: crashDesign, timeoutMs: 5000 });
  const pid = sim.pid;
  const socket = sim.connection.endpoint.slice('ipc://'.length);
  const t0 = performance.now();
  try {
    const error = await sim
      .runMain(async () => {
        new Clock(sim.dut.clk_i, 10, 'ns').start();
        await ClockCycles(sim.dut.clk_i, 5);
        sim.dut.crash_i.value = value;
        await ClockCycles(sim.dut.clk_i, 5);
      })
      .catch((e: unknown) => e);
    return { error, pid, socket, ms: performance.now() - t0 };
  } finally {
    await sim.close();
  }
}

for (const [how, value, signal] of [['abort()', 1, 'SIGABRT'], ['a segmentation fault', 2, 'SIGSEGV']] as const) {
  test(`the model crashing with ${how} fails the run at once, naming ${signal} and the command, and is cleaned up`, async () => {
    const { error, pid, socket, ms } = await crashWith(value);
    expect(error).toBeInstanceOf(SimulatorExitedError);
    expect((error as SimulatorExitedError).signal).toBe(signal);
    expect((error as Error).message).toMatch(new RegExp(`simulator \\(pid ${pid}\\) killed by ${signal} during 'batch'`));
    expect(ms).toBeLessThan(3000);
    expect(alive(pid)).toBe(false);
    expect(existsSync(socket)).toBe(false);
  }, 60_000);
}

// SANITIZE=1: undefined behaviour in the model stops it at once with the
// sanitizers' exit status, and the finding lands in the run's report files
// (routed here to a directory of this test's own, so the run itself stays
// clean). UBSan's finding is caught from the simulator's output.
describe.runIf(sanitizeRequested())('SANITIZE=1: findings in the model are reported and stop it', () => {
  for (const [how, value, finding] of [
    ['a signed overflow (UBSan)', 3, /crash_dpi\.cpp:\d+:\d+: runtime error: signed integer overflow/],
    ['a read of a freed heap block (ASan)', 4, /ERROR: AddressSanitizer: heap-use-after-free/],
  ] as const) {
    test(`${how}: exit status 86, one report naming it and the DPI function`, async () => {
      const restore = saveSanitizerEnvironment();
      const reports = mkdtempSync(join(tmpdir(), 'mirrorsim-sanitize-'));
      try {
        routeSanitizerReports(reports);
        const { error, pid, socket } = await crashWith(value);
        expect(error).toBeInstanceOf(SimulatorExitedError);
        expect((error as SimulatorExitedError).exitCode).toBe(86);
        const found = sanitizerReports(reports);
        expect(found).toHaveLength(1);
        const text = found[0]!.head.join('\n');
        expect(text).toMatch(finding);
        expect(text).toMatch(/mirrorsim_fixture_crash/);
        expect(alive(pid)).toBe(false);
        expect(existsSync(socket)).toBe(false);
      } finally {
        restore();
        rmSync(reports, { recursive: true, force: true });
      }
    }, 60_000);
  }
});
