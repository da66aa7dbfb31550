// The named scenarios of `make sim` (TEST=name): traffic shapes and fault mixes.
import type { FaultMix } from './faults.js';
import type { TrafficKnobs } from './traffic.js';

export interface Scenario {
  name: string;
  what: string;
  traffic: TrafficKnobs;
  faults: FaultMix;
}

const BASE: TrafficKnobs = {
  processesPerNode: 4,
  allocsPerNode: 3,
  pages: [1, 3],
  weights: { read: 4, write: 3, allocate: 0.3, releaseMemory: 0.2 },
  accesses: [1, 6],
  gap: [0, 30],
  immediate: 0.5,
};

export const SCENARIOS: readonly Scenario[] = [
  { name: 'random', what: 'random mix, no contention or pressure to speak of', traffic: { ...BASE, allocsPerNode: 3, pages: [1, 2] }, faults: 'none' },
  {
    name: 'contention',
    what: 'eight processes per node on one or two small allocations',
    traffic: { ...BASE, processesPerNode: 8, allocsPerNode: 1, pages: [1, 2], weights: { read: 4, write: 4, allocate: 0.1, releaseMemory: 0.02 } },
    faults: 'none',
  },
  {
    name: 'pressure',
    what: 'more pages than frames: paging in, replacement and eviction',
    traffic: { ...BASE, allocsPerNode: 2, pages: [4, 8], weights: { read: 5, write: 3, allocate: 0.2, releaseMemory: 0.05 } },
    faults: 'none',
  },
  { name: 'lossy', what: 'random mix under link drops, corruption and delay', traffic: BASE, faults: 'lossy' },
  { name: 'lossy_pressure', what: 'memory pressure under link drops, corruption and delay', traffic: { ...BASE, allocsPerNode: 2, pages: [4, 8] }, faults: 'lossy' },
  { name: 'failover', what: 'random mix while nodes fail at random times, are taken over, return and are resynchronized', traffic: BASE, faults: 'fail' },
  { name: 'split_brain', what: 'random mix while the link is cut with both nodes alive: one node fences itself, the other serves both until the cut heals', traffic: BASE, faults: 'cut' },
  {
    name: 'failover_pressure',
    what: 'memory pressure under every fault: link drops, corruption, delay, cuts, node failures and their return',
    traffic: { ...BASE, allocsPerNode: 2, pages: [4, 8] },
    faults: 'all',
  },
];

/** What `make sim` runs by default: all of them. */
export const DEFAULT_SCENARIOS: readonly Scenario[] = SCENARIOS;

export function findScenario(name: string): Scenario | undefined {
  return SCENARIOS.find((scenario) => scenario.name === name);
}
