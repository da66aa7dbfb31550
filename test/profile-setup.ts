// PROFILE=1: names each simulator run in the profile log after the test that started it.
import { relative } from 'node:path';
import { expect } from 'vitest';
import { repoRoot } from '../src/build/paths.js';
import { profiling, setRunLabel } from '../src/sim/run-profile.js';

if (profiling()) {
  setRunLabel(() => {
    const state = expect.getState();
    return [state.testPath ? relative(repoRoot, state.testPath) : '', state.currentTestName ?? ''].filter(Boolean).join(' > ');
  });
}
