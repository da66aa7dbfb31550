// One simulation: builds the model if needed, starts the bridge, connects,
// and always cleans up — the process is ended and its socket file removed on
// close, on any failure, and when the host exits.
import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { BridgeConnection } from '../bridge/connection.js';
import { BridgeProcess, type BridgeExit } from '../bridge/process.js';
import type { Design } from '../build/design.js';
import { ensureModel } from '../build/verilate.js';
import { schedulerContext } from './context.js';
import { buildHierarchy, MemoryHandle, SignalHandle, type SignalInfo } from './handle.js';
import { Scheduler } from './scheduler.js';
import { StreamDriver, StreamMonitor, type StreamBus } from './streams.js';
import { Task } from './task.js';
import { fromSteps, toSteps, type TimeUnit } from './time.js';
import { closestNames } from './suggest.js';
import {
  EndpointInUseError,
  MirrorsimError,
  SimulationClosedError,
  SimulatorExitedError,
  SimulatorTimeoutError,
  TaskCancelledError,
  UnawaitedTriggerError,
  UnknownSignalError,
} from '../errors.js';
import { wavesWindow, WavesWindowError, type WavesOption, type WavesWindow } from '../waves/window.js';
import { logProfiledRun, profiling } from './run-profile.js';
import { measureTimeSplit, type TimeSplit } from './time-split.js';

/** How long a test body may still run after the simulation stopped under it. */
const STOPPED_GRACE_MS = 2000;

export interface SimulatorOptions {
  design: Design;
  /** A simulator built elsewhere (skips the build): its path. */
  executable?: string;
  /** Seeds the bridge's random choices (stream back-pressure and gaps). */
  seed?: number;
  /**
   * Write an FST waveform: of the whole run to this file, or only of a window
   * of it (`{ file, fromNs, toNs }`); outside the window nothing is dumped.
   */
  waves?: WavesOption;
  /** Build with code coverage and write it to this file on close. */
  coverageFile?: string;
  /**
   * Where the bridge listens (`ipc:///path` or `tcp://host:port`); default a
   * fresh socket in TMPDIR. One endpoint serves one simulator: a second one
   * started on it fails with EndpointInUseError and the first keeps running.
   */
  endpoint?: string;
  /** Bound on every request to the simulator, in ms (default 15000). */
  timeoutMs?: number;
  /** Bound on start-up (process start to first answer), in ms (default 10000; the build is not counted). */
  startTimeoutMs?: number;
  /** Passed to the bridge: µs it polls its socket before blocking. */
  spinUs?: number;
  /** Passed to the bridge: longest wall time one run may take before it yields. */
  maxWallMs?: number;
  /** Each line the simulator prints ($display output among them). */
  onOutput?: (line: string) => void;
  /** Build progress lines. */
  onBuild?: (line: string) => void;
}

export interface SimulatorInfo {
  top: string;
  protocol: number;
  bridge: string;
  timeunit: number;
  timeprecision: number;
  seed: number;
  features: { trace: boolean; coverage: boolean };
}

/** A finished input recording: its file, the evals it holds and its size. */
export interface InputRecordingSummary {
  file: string;
  evals: number;
  bytes: number;
}

/** The bridge's exit status when another process listens on its endpoint (bridge/transport.h). */
const ENDPOINT_IN_USE_STATUS = 5;

let endpointCounter = 0;

function freshEndpoint(): string {
  const name = `mirrorsim-${process.pid}-${++endpointCounter}-${randomBytes(3).toString('hex')}.sock`;
  return `ipc://${join(tmpdir(), name)}`;
}

export class Simulator {
  readonly scheduler: Scheduler;
  /** The design's hierarchy: `sim.dut.u_counter.count_q`. */
  dut: any;
  info!: SimulatorInfo;
  signalNames: string[] = [];
  private handles = new Map<string, SignalHandle>();
  private closing: Promise<void> | undefined;
  /** PROFILE=1: ends this run's time split (taken at close, logged for the test run's summary). */
  private finishProfile: (() => Promise<TimeSplit>) | undefined;

  private constructor(
    readonly connection: BridgeConnection,
    readonly process: BridgeProcess,
    private readonly options: SimulatorOptions,
  ) {
    this.scheduler = new Scheduler(connection, 0);
  }

  static async start(options: SimulatorOptions): Promise<Simulator> {
    // A bad window is the caller's mistake: refused before anything starts.
    if (options.waves !== undefined) wavesWindow(options.waves);
    const executable =
      options.executable ?? (await ensureModel(options.design, { coverage: options.coverageFile !== undefined, log: options.onBuild })).executable;
    const endpoint = options.endpoint ?? freshEndpoint();
    const child = BridgeProcess.spawn(executable, {
      endpoint,
      ownsEndpoint: options.endpoint === undefined,
      seed: options.seed ?? 1,
      spinUs: options.spinUs,
      maxWallMs: options.maxWallMs,
      onLine: options.onOutput,
    });
    const timeoutMs = options.timeoutMs ?? 15_000;
    const connection = new BridgeConnection(endpoint, {
      timeoutMs,
      onTimeout: (command, ms) => {
        child.killNow();
        return new SimulatorTimeoutError(command, ms, child.pid);
      },
    });
    const sim = new Simulator(connection, child, options);
    void child.exited.then((exit) => sim.onExit(exit));
    try {
      await sim.handshake(options.startTimeoutMs ?? 10_000);
      if (profiling()) sim.finishProfile = await measureTimeSplit(sim);
    } catch (error) {
      await sim.close();
      if (error instanceof SimulatorExitedError && error.exitCode === ENDPOINT_IN_USE_STATUS) throw new EndpointInUseError(endpoint, error.pid);
      throw error;
    }
    return sim;
  }

  private async handshake(startTimeoutMs: number): Promise<void> {
    const hello = await this.connection.request('hello', { version: 1 }, startTimeoutMs);
    if (Number(hello.pid) !== this.process.pid) {
      // Another simulator answered on this endpoint (ours was refused it):
      // nothing more may be sent there, least of all `quit`.
      const error = new EndpointInUseError(this.connection.endpoint, this.process.pid);
      this.connection.fail(error);
      throw error;
    }
    this.info = {
      top: String(hello.top),
      protocol: Number(hello.protocol),
      bridge: String(hello.bridge),
      timeunit: Number(hello.timeunit),
      timeprecision: Number(hello.timeprecision),
      seed: Number(hello.seed),
      features: hello.features as SimulatorInfo['features'],
    };
    this.scheduler.precision = this.info.timeprecision;
    const listing = await this.connection.request('list');
    const signals = listing.signals as SignalInfo[];
    this.signalNames = signals.map((signal) => signal.name);
    const { dut, handles } = buildHierarchy(
      { connection: this.connection, scheduler: this.scheduler, top: this.info.top, signalNames: this.signalNames },
      signals,
    );
    this.dut = dut;
    this.handles = handles;
    if (this.options.waves) {
      const window = wavesWindow(this.options.waves);
      mkdirSync(dirname(window.file), { recursive: true });
      await this.connection.request('trace_start', { file: window.file, ...this.traceWindow(window) });
    }
  }

  /** The window in the bridge's time steps. */
  private traceWindow(window: WavesWindow): { from?: number; to?: number } {
    const steps = (ns: number | undefined, field: string): number | undefined => {
      if (ns === undefined) return undefined;
      try {
        return Number(toSteps(ns, 'ns', this.info.timeprecision));
      } catch (error) {
        throw new WavesWindowError(`SimulatorOptions.waves.${field}`, ns, error instanceof Error ? error.message : String(error));
      }
    };
    return { from: steps(window.fromNs, 'fromNs'), to: steps(window.toNs, 'toNs') };
  }

  private onExit(exit: BridgeExit): void {
    if (this.closing) return;
    const error = new SimulatorExitedError(exit.exitCode, exit.signal, this.process.pid, this.process.outputTail(), this.connection.current);
    this.connection.fail(error);
    this.scheduler.stop(error);
  }

  get pid(): number | undefined {
    return this.process.pid;
  }

  /** A handle by its full name below the top (`u_counter.count_q`). */
  signal(name: string): SignalHandle {
    const handle = this.handles.get(name);
    if (!handle) throw new UnknownSignalError(name, this.info.top, closestNames(name, this.signalNames));
    return handle;
  }

  memory(name: string): MemoryHandle {
    const handle = this.signal(name);
    if (!(handle instanceof MemoryHandle)) throw new MirrorsimError(`${name} is not a memory`);
    return handle;
  }

  /** Simulation time in `unit` (as of the last time the simulation paused). */
  time(unit: TimeUnit = 'step'): number {
    return fromSteps(this.scheduler.time, unit, this.info.timeprecision);
  }

  streamDriver(bus: StreamBus, options?: { idleProb?: number }): Promise<StreamDriver> {
    return StreamDriver.create(this, bus, options);
  }

  streamMonitor(bus: StreamBus, options?: { driveReady?: number }): Promise<StreamMonitor> {
    return StreamMonitor.create(this, bus, options);
  }

  /**
   * Runs `body` as the main task (a cocotb test): when it returns, the other
   * tasks are cancelled; an error from any task fails the run.
   */
  async runMain<T>(body: () => Promise<T>, name = 'test'): Promise<T> {
    if (this.closing) throw new SimulationClosedError();
    const main = schedulerContext.run(this.scheduler, () => new Task(name, body, this.scheduler));
    let result: T;
    try {
      // A body may catch the stop and finish on its own; one that waits on
      // something only a stopped task would deliver ends a moment later.
      const stopped = this.scheduler.stopSignal.catch(async (error: unknown) => {
        await sleep(STOPPED_GRACE_MS, undefined, { ref: false });
        throw error;
      });
      result = await Promise.race([main, stopped]);
    } catch (error) {
      throw this.scheduler.taskError ?? error;
    } finally {
      for (const task of this.scheduler.tasks) task.cancel();
    }
    if (this.scheduler.taskError !== undefined) throw this.scheduler.taskError;
    const forgotten = [...this.scheduler.unawaited].map(String);
    this.scheduler.unawaited.clear();
    if (forgotten.length > 0) throw new UnawaitedTriggerError(forgotten);
    return result;
  }

  /** Bridge counters: evaluations, time in eval() when profiling, requests served. */
  async stats(): Promise<Record<string, number | boolean>> {
    const { ok: _ok, id: _id, ...stats } = await this.connection.request('stats');
    return stats as Record<string, number | boolean>;
  }

  /**
   * Records every input port change before every eval() from now on into
   * `file` (docs/protocol.md, `record_inputs`), for a replay on the model
   * alone (src/mirror/replay.ts). Started right after Simulator.start, the
   * recording holds the whole run. Ends at stopRecording() or close().
   */
  async recordInputs(file: string): Promise<void> {
    mkdirSync(dirname(file), { recursive: true });
    await this.connection.request('record_inputs', { file });
  }

  /** Ends the recording and writes its trailer; undefined when none was on. */
  async stopRecording(): Promise<InputRecordingSummary | undefined> {
    const reply = await this.connection.request('record_stop');
    if (reply.file === undefined) return undefined;
    return { file: String(reply.file), evals: Number(reply.evals), bytes: Number(reply.bytes) };
  }

  /** Ends the simulation: closes the waveform, writes coverage, stops the process. Safe to call twice. */
  close(): Promise<void> {
    this.closing ??= this.shutdown();
    return this.closing;
  }

  private async shutdown(): Promise<void> {
    this.scheduler.stop(new SimulationClosedError());
    const healthy = this.process.running && !this.connection.failed;
    try {
      if (healthy) {
        if (this.finishProfile) logProfiledRun(this.options.design.name, await this.finishProfile());
        if (this.options.waves) await this.connection.request('trace_stop', {}, 5000);
        if (this.options.coverageFile) {
          mkdirSync(dirname(this.options.coverageFile), { recursive: true });
          await this.connection.request('coverage_write', { file: this.options.coverageFile }, 5000);
        }
        await this.connection.request('quit', {}, 2000);
      }
    } catch {
      // Fall through to the kill below: the process must go either way.
    } finally {
      await this.process.kill(1000);
      this.connection.close(new SimulationClosedError());
    }
  }

  /** Throws the reason the simulation can no longer run, if there is one ($fatal, crash). */
  throwIfFailed(): void {
    const reason = this.scheduler.stoppedBy;
    if (reason && !(reason instanceof TaskCancelledError)) throw reason;
  }
}
