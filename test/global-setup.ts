// Builds the fixture model once before the workers start (so tests do not
// queue on the build lock), and after the suite checks that no simulator it
// started is still running: the workers inherit a run tag, so do their bridges.
// With PROFILE=1 it ends with one time line per simulator run.
import { randomUUID } from 'node:crypto';
import { ensureModel } from '../src/build/verilate.js';
import { fixtureDesign } from '../src/build/design.js';
import { describeProcesses, processesTagged, RUN_TAG_VARIABLE } from '../src/bridge/leftovers.js';
import { clearProfileLog, formatProfileLog, profiling } from '../src/sim/run-profile.js';

export default async function setup(): Promise<() => Promise<void>> {
  const tag = randomUUID();
  process.env[RUN_TAG_VARIABLE] = tag;
  if (profiling()) clearProfileLog();
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
    if (simulators.length > 0) {
      throw new Error(`simulator processes outlived the test suite: ${describeProcesses(simulators)}`);
    }
  };
}
