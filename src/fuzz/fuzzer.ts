// The bridge under bad input: random and mutated messages
// (src/fuzz/messages.ts) sent to a running fixture simulation. Every message
// must be answered — with an error, or correctly where it was valid —
// within a timeout; after each one a probe (one batch request) reads the
// simulation's state (time, every signal, memories, streams): after a
// refused message it must be exactly as before it. A message that crashes
// or hangs the bridge is saved (it is a regression case) and the simulation
// is started again.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fixtureDesign } from '../build/design.js';
import { buildDir } from '../build/paths.js';
import { BridgeError, SimulatorExitedError, SimulatorTimeoutError } from '../errors.js';
import { Clock } from '../sim/clock.js';
import { Random } from '../sim/random.js';
import { Simulator } from '../sim/simulator.js';
import { ClockCycles } from '../sim/triggers.js';
import { isUnsafe, mutatedFrame, type FuzzTarget } from './messages.js';

export interface FuzzOptions {
  messages: number;
  seed: number;
  /** A message not answered in this long is a hang (default 10 s). */
  timeoutMs?: number;
  /** Where crashing and hanging inputs are saved (default build/fuzz/cases). */
  casesDir?: string;
  progress?: (report: FuzzReport) => void;
}

export interface FuzzReport {
  seed: number;
  sent: number;
  /** Answers with ok: true (valid messages, or ones the bridge could serve). */
  accepted: number;
  errorsByCode: Record<string, number>;
  crashes: number;
  hangs: number;
  /** Refused messages after which the state differed. */
  stateChanges: number;
  /** Refused messages after which the state was compared. */
  refusedCompared: number;
  simulatorStarts: number;
  saved: string[];
  /** The first state change, described. */
  firstStateChange?: string;
  seconds: number;
}

const FIXTURE_STREAMS = ['fuzz_in', 'fuzz_out'];
/** Inputs that end the simulation when raised: not written by the fuzzer. */
const ENDING_INPUTS = new Set(['finish_i', 'fatal_i', 'error_i']);

export interface FuzzSession {
  sim: Simulator;
  target: FuzzTarget;
}

/** A fixture simulation with its clock running and two streams, ready to be fuzzed. */
export async function startFuzzSession(seed: number, timeoutMs: number): Promise<FuzzSession> {
  const sim = await Simulator.start({ design: fixtureDesign, seed, timeoutMs });
  await sim.runMain(async () => {
    const dut = sim.dut;
    new Clock(dut.clk_i, 10, 'ns').start();
    dut.rst_ni.value = 0;
    await ClockCycles(dut.clk_i, 2);
    dut.rst_ni.value = 1;
    await sim.streamDriver({ name: FIXTURE_STREAMS[0]!, clock: dut.clk_i, valid: dut.in_valid_i, ready: dut.in_ready_o, data: [dut.in_data_i] });
    await sim.streamMonitor({ name: FIXTURE_STREAMS[1]!, clock: dut.clk_i, valid: dut.out_valid_o, ready: dut.out_ready_i, data: [dut.out_data_o] }, { driveReady: 0.5 });
    await ClockCycles(dut.clk_i, 1);
  });
  const listing = (await sim.connection.request('list')).signals as Array<{ name: string; kind: string; dir?: string; writable?: boolean }>;
  const signals = listing.filter((s) => s.kind !== 'parameter' && s.kind !== 'memory').map((s) => s.name);
  const target: FuzzTarget = {
    signals,
    inputs: listing.filter((s) => s.kind === 'port' && s.dir === 'in' && !ENDING_INPUTS.has(s.name) && s.name !== 'clk_i').map((s) => s.name),
    memories: listing.filter((s) => s.kind === 'memory').map((s) => s.name),
    streams: FIXTURE_STREAMS,
    clock: 'clk_i',
  };
  return { sim, target };
}

/** What must not change under a refused message: time, every signal, every memory, the streams (one round trip). */
export async function probeState(session: FuzzSession): Promise<string> {
  const { sim, target } = session;
  const cmds = [
    { cmd: 'stats' },
    { cmd: 'read_many', sigs: target.signals },
    ...target.memories.map((sig) => ({ cmd: 'read_mem', sig })),
    ...target.streams.map((name) => ({ cmd: 'stream_stats', name })),
  ];
  const reply = await sim.connection.request('batch', { cmds });
  const [stats, ...rest] = reply.results as Array<Record<string, unknown>>;
  return JSON.stringify([stats!.time, ...rest]);
}

function firstDifference(before: string, after: string): string {
  let at = 0;
  while (at < before.length && before[at] === after[at]) at++;
  return `…${before.slice(Math.max(0, at - 80), at + 40)}… became …${after.slice(Math.max(0, at - 80), at + 40)}…`;
}

export async function runFuzz(options: FuzzOptions): Promise<FuzzReport> {
  const random = new Random(options.seed);
  const timeoutMs = options.timeoutMs ?? 10_000;
  const casesDir = options.casesDir ?? join(buildDir, 'fuzz', 'cases');
  const started = performance.now();
  const report: FuzzReport = { seed: options.seed, sent: 0, accepted: 0, errorsByCode: {}, crashes: 0, hangs: 0, stateChanges: 0, refusedCompared: 0, simulatorStarts: 0, saved: [], seconds: 0 };
  let nextTriggerId = 1_000_000;
  const nextId = () => nextTriggerId++;
  const save = (frame: string | Buffer, what: string): void => {
    mkdirSync(casesDir, { recursive: true });
    const file = join(casesDir, `${what}-seed${options.seed}-msg${report.sent}.bin`);
    writeFileSync(file, frame);
    report.saved.push(file);
  };
  let session = await startFuzzSession(options.seed, timeoutMs);
  report.simulatorStarts++;
  try {
    let before = await probeState(session);
    while (report.sent < options.messages) {
      const frame = mutatedFrame(random, session.target, nextId);
      if (isUnsafe(frame)) continue;
      report.sent++;
      let refused = false;
      let ended = false;
      try {
        const reply = await session.sim.connection.requestRaw(frame, timeoutMs);
        if (reply.ok) report.accepted++;
        else {
          const code = reply.error?.code ?? '(no code)';
          report.errorsByCode[code] = (report.errorsByCode[code] ?? 0) + 1;
          // A batch whose first members ran may have changed the state legitimately; the simulation may have ended.
          refused = !Array.isArray(reply.results) || (reply.results as unknown[]).length <= 1;
          ended = code === 'finished';
        }
      } catch (error) {
        const hang = error instanceof SimulatorTimeoutError;
        if (!hang && !(error instanceof SimulatorExitedError) && !(error instanceof BridgeError)) throw error;
        if (hang) report.hangs++;
        else report.crashes++;
        save(frame, hang ? 'hang' : 'crash');
        ended = true;
      }
      if (!ended) {
        try {
          const after = await probeState(session);
          if (refused) {
            report.refusedCompared++;
            if (after !== before) {
              report.stateChanges++;
              report.firstStateChange ??= `${typeof frame === 'string' ? frame.slice(0, 200) : '(bytes)'}: ${firstDifference(before, after)}`;
              save(frame, 'state-change');
            }
          }
          before = after;
        } catch (error) {
          // The probe failed: the message left the bridge unable to answer, or the simulation ended.
          if (!(error instanceof BridgeError && error.code === 'finished')) {
            report.crashes++;
            save(frame, 'crash');
          }
          ended = true;
        }
      }
      if (ended) {
        // The simulation ended (an input that ends it, a crash): a fresh one goes on.
        await session.sim.close();
        session = await startFuzzSession(options.seed + report.simulatorStarts, timeoutMs);
        report.simulatorStarts++;
        before = await probeState(session);
      }
      if (report.sent % 1000 === 0) {
        report.seconds = (performance.now() - started) / 1000;
        options.progress?.(report);
      }
    }
  } finally {
    await session.sim.close();
  }
  report.seconds = (performance.now() - started) / 1000;
  return report;
}
