// Builds the fixture model once before the workers start (so tests do not
// queue on the build lock), and after the suite checks that no simulator it
// started is still running: the workers inherit a run tag, so do their bridges.
// With PROFILE=1 it ends with one time line per simulator run. Every
// temporary file of the run (sockets, scratch directories, of the tests and
// of the processes they start) goes to a directory of its own (TMPDIR): one
// left in it at the end is a leak, and fails the suite. With SANITIZE=1 a
// sanitizer report from any simulator fails it too.
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensureModel } from '../src/build/verilate.js';
import { fixtureDesign } from '../src/build/design.js';
import { describeProcesses, processesTagged, RUN_TAG_VARIABLE } from '../src/bridge/leftovers.js';
import { buildDir } from '../src/build/paths.js';
import { describeSanitizerReports, routeSanitizerReports, sanitizeRequested, sanitizerReports } from '../src/build/sanitizer-reports.js';
import { clearProfileLog, formatProfileLog, profiling } from '../src/sim/run-profile.js';

export default async function setup(): Promise<() => Promise<void>> {
  const tag = randomUUID();
  process.env[RUN_TAG_VARIABLE] = tag;
  // Short: a socket's path must stay under the 107 bytes a Unix socket allows.
  const runTmp = mkdtempSync(join(tmpdir(), 'mirrorsim-run-'));
  const outerTmp = process.env.TMPDIR;
  process.env.TMPDIR = runTmp;
  if (profiling()) clearProfileLog();
  const sanitizing = sanitizeRequested();
  const reportDir = join(buildDir, 'sanitize', tag);
  if (sanitizing) {
    routeSanitizerReports(reportDir);
    console.log(`[mirrorsim] SANITIZE=1: AddressSanitizer, LeakSanitizer and UBSan; reports go to ${reportDir}`);
  }
  const model = await ensureModel(fixtureDesign, { log: (line) => console.log(line) });
  console.log(`[mirrorsim] fixture model: ${model.executable}${model.built ? ' (built)' : ' (cached)'}`);
  return async () => {
    if (profiling()) console.log(`\n[mirrorsim] PROFILE=1: where each simulator run's wall time went\n${formatProfileLog().join('\n')}`);
    // A simulator closed by the last test may take a moment to exit.
    let simulators = processesTagged(tag, 'mirrorsim-bridge');
    for (let waited = 0; simulators.length > 0 && waited < 3000; waited += 100) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      simulators = processesTagged(tag, 'mirrorsim-bridge');
    }
    // Anything else still tagged (a build a timed-out test started) goes too.
    for (const pid of processesTagged(tag)) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
    const left = readdirSync(runTmp);
    rmSync(runTmp, { recursive: true, force: true });
    if (outerTmp === undefined) delete process.env.TMPDIR;
    else process.env.TMPDIR = outerTmp;
    const findings = sanitizing ? sanitizerReports(reportDir) : [];
    if (sanitizing) console.log(`[mirrorsim] SANITIZE=1: ${findings.length} sanitizer reports`);
    const leaks = [
      ...(findings.length > 0 ? [`sanitizer findings in the simulators:\n  ${describeSanitizerReports(findings)}`] : []),
      ...(simulators.length > 0 ? [`simulator processes outlived the test suite: ${describeProcesses(simulators)}`] : []),
      ...(left.length > 0 ? [`the test run left temporary files behind (sockets, scratch directories): ${left.join(', ')}`] : []),
    ];
    if (leaks.length > 0) {
      // vitest reports an error thrown here but still exits 0: the status must say it.
      process.exitCode = 1;
      throw new Error(leaks.join('; '));
    }
  };
}
