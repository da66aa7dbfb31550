// Where a run's wall time went: inside the model's eval(), the bridge's own
// work around it, the transport (ZeroMQ and both processes' wake-ups), and
// the host (encoding, agents, model, scoreboard, test code). The bridge
// reports what it spent serving requests and in eval(); the host knows how
// long it waited for replies; the rest is the host's.
import type { Simulator } from './simulator.js';

export interface TimeSplit {
  wallMs: number;
  evalMs: number;
  bridgeMs: number;
  transportMs: number;
  hostMs: number;
  /** Of the host's time: encoding requests and decoding replies (JSON). */
  codecMs: number;
  /** Of the host's time: the scoreboard's checks and reference model, when the run has one. */
  scoreboardMs: number;
  roundTrips: number;
}

interface Mark {
  at: number;
  busyNs: number;
  evalNs: number;
  requests: number;
  waitMs: number;
  codecMs: number;
  scoreboardMs: number;
}

async function mark(sim: Simulator, scoreboardMs: () => number): Promise<Mark> {
  const stats = await sim.stats();
  return {
    at: performance.now(),
    busyNs: Number(stats.busy_ns),
    evalNs: Number(stats.eval_ns),
    requests: sim.connection.stats.requests,
    waitMs: sim.connection.stats.waitMs,
    codecMs: sim.connection.stats.codecMs,
    scoreboardMs: scoreboardMs(),
  };
}

/**
 * Starts measuring: turns on the bridge's eval() timing (about 40 ns per
 * eval(), small beside a two-node model's eval()) and returns the function
 * that ends the measurement. `scoreboardMs` reads the scoreboard's own
 * running total, for a run that has one.
 */
export async function measureTimeSplit(sim: Simulator, scoreboardMs: () => number = () => 0): Promise<() => Promise<TimeSplit>> {
  await sim.connection.request('profile', { enable: true });
  const begin = await mark(sim, scoreboardMs);
  return async () => {
    const end = await mark(sim, scoreboardMs);
    const wallMs = end.at - begin.at;
    const busyMs = (end.busyNs - begin.busyNs) / 1e6;
    const evalMs = (end.evalNs - begin.evalNs) / 1e6;
    const waitMs = end.waitMs - begin.waitMs;
    return {
      wallMs,
      evalMs,
      bridgeMs: Math.max(0, busyMs - evalMs),
      transportMs: Math.max(0, waitMs - busyMs),
      hostMs: Math.max(0, wallMs - waitMs),
      codecMs: end.codecMs - begin.codecMs,
      scoreboardMs: end.scoreboardMs - begin.scoreboardMs,
      roundTrips: end.requests - begin.requests,
    };
  };
}

export function addTimeSplits(splits: readonly TimeSplit[]): TimeSplit {
  const total: TimeSplit = { wallMs: 0, evalMs: 0, bridgeMs: 0, transportMs: 0, hostMs: 0, codecMs: 0, scoreboardMs: 0, roundTrips: 0 };
  for (const split of splits) {
    for (const key of Object.keys(total) as Array<keyof TimeSplit>) total[key] += split[key];
  }
  return total;
}

/** One line: `time 12.3 s: eval() 41%, bridge 9%, transport 20%, host 30% (encode/decode 6%, scoreboard 4%, agents and test 20%); 1234 round trips`. */
export function formatTimeSplit(split: TimeSplit): string {
  const share = (ms: number) => `${((100 * ms) / Math.max(split.wallMs, 1e-9)).toFixed(0)}%`;
  return (
    `time ${(split.wallMs / 1000).toFixed(split.wallMs < 1000 ? 3 : 1)} s: eval() ${share(split.evalMs)}, bridge ${share(split.bridgeMs)}, ` +
    `transport ${share(split.transportMs)}, host ${share(split.hostMs)} (encode/decode ${share(split.codecMs)}, ` +
    `${split.scoreboardMs > 0 ? `scoreboard ${share(split.scoreboardMs)}, ` : ''}agents and test ${share(Math.max(0, split.hostMs - split.codecMs - split.scoreboardMs))}); ${split.roundTrips} round trips`
  );
}
