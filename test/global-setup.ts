// Builds the fixture model once before the workers start (so tests do not
// queue on the build lock), and after the suite checks that no simulator it
// started is still running: the workers inherit a run tag, so do their bridges.
import { randomUUID } from 'node:crypto';
import { ensureModel } from '../src/build/verilate.js';
import { fixtureDesign } from '../src/build/design.js';
import { describeProcesses, processesTagged, RUN_TAG_VARIABLE } from '../src/bridge/leftovers.js';

export default async function setup(): Promise<() => Promise<void>> {
  const tag = randomUUID();
  process.env[RUN_TAG_VARIABLE] = tag;
  const model = await ensureModel(fixtureDesign, { log: (line) => console.log(line) });
  console.log(`[mirrorsim] fixture model: ${model.executable}${model.built ? ' (built)' : ' (cached)'}`);
  return async () => {
    const leftovers = processesTagged(tag);
    if (leftovers.length > 0) {
      for (const pid of leftovers) process.kill(pid, 'SIGKILL');
      throw new Error(`simulator processes outlived the test suite: ${describeProcesses(leftovers)}`);
    }
  };
}
