// The host side of cocotb's scheduling: tasks run while the simulation is
// paused; when every task waits on a trigger (and no request is in flight),
// the scheduler sends the queued writes and the newly armed triggers together
// with one `run`, in one batch, and wakes the tasks whose triggers fired.
// The simulation never advances while any task can still make progress.
import { setImmediate as nextMacrotask } from 'node:timers/promises';
import type { BridgeConnection } from '../bridge/connection.js';
import { BridgeError, MirrorsimError, ReadOnlyWriteError, SimulationFinishedError, TaskCancelledError, type FinishKind } from '../errors.js';
import { registerScheduler, unregisterScheduler } from './context.js';
import { currentTask, type Task } from './task.js';

export type Phase = 'active' | 'readwrite' | 'readonly';

/** A trigger as the bridge knows it (docs/protocol.md, "Triggers and running"). */
export interface TriggerSpec {
  kind: string;
  [field: string]: unknown;
}

/** What the bridge reports for a trigger that fired. */
export interface Fired {
  id: number;
  [field: string]: unknown;
}

/** A pending wait: its promise settles when the trigger fires; cancel() withdraws it. */
export interface Registration<T> {
  promise: Promise<T>;
  cancel(): void;
}

interface Waiter {
  spec: TriggerSpec;
  task: Task<unknown> | undefined;
  resolve(fired: Fired): void;
  reject(error: unknown): void;
}

type Command = Record<string, unknown> & { cmd: string };

/** Something that contributes commands to the next batch (stream drivers flush their queues this way). */
export interface Flusher {
  flush(): Command[];
}

export class Scheduler {
  /** Triggers a test made and has not awaited yet (RisingEdge, ClockCycles, …): forgotten ones fail the test at its end. */
  readonly unawaited = new Set<PromiseLike<unknown>>();
  time = 0n;
  phase: Phase = 'active';
  readonly tasks = new Set<Task<unknown>>();
  /** Counters for summaries and benchmarks. */
  readonly counters = { runs: 0, fired: 0, yields: 0 };

  private nextId = 1;
  private readonly waiters = new Map<number, Waiter>();
  private toArm: Array<TriggerSpec & { id: number }> = [];
  private toDisarm: number[] = [];
  private readonly commands: Command[] = [];
  private readonly writes = new Map<string, Command>();
  private readonly flushers = new Set<Flusher>();
  private looping = false;
  private stopped: Error | undefined;
  private firstTaskError: unknown;

  constructor(
    private readonly connection: BridgeConnection,
    /** The model's time precision as a power of ten (set once the bridge has said it). */
    public precision: number,
  ) {
    registerScheduler(this);
    this.stopSignal = new Promise<never>((_, reject) => (this.rejectStop = reject));
    this.stopSignal.catch(() => undefined);
  }

  private rejectStop!: (error: Error) => void;
  /**
   * Rejects once the scheduler stops (the simulation finished, died or was
   * closed): a test body waiting on anything else, such as an answer a
   * stopped task would have delivered, still ends.
   */
  readonly stopSignal: Promise<never>;

  /** Arms `spec` in the bridge (with the next batch) and resolves when it fires. */
  wait(spec: TriggerSpec): Registration<Fired> {
    const task = currentTask.getStore();
    if (this.stopped) return { promise: Promise.reject(this.stopped), cancel: () => undefined };
    if (task?.cancelled) return { promise: Promise.reject(new TaskCancelledError(task.name)), cancel: () => undefined };
    const id = this.nextId++;
    const promise = new Promise<Fired>((resolve, reject) => {
      this.waiters.set(id, { spec, task, resolve, reject });
    });
    this.toArm.push({ id, ...spec });
    this.kick();
    return { promise, cancel: () => this.withdraw(id) };
  }

  /** Queues a write; the last write to a signal before the simulation runs wins (cocotb's rule). */
  queueWrite(key: string, command: Command): void {
    if (this.phase === 'readonly') throw new ReadOnlyWriteError(String(command.sig), this.time);
    this.throwIfStopped();
    this.writes.delete(key); // re-insert so writes keep the order of their last assignment
    this.writes.set(key, command);
  }

  /** Queues a command that must reach the bridge before the simulation runs again. */
  queueCommand(command: Command): void {
    this.throwIfStopped();
    this.commands.push(command);
  }

  /**
   * Sends `command` now, preceded by the queued commands (so a clock started
   * just before is running when a stream is bound to it) and the stream
   * items queued so far (they only move on clock edges, so sending them
   * early changes nothing but when the bridge decodes them), but not the
   * queued writes, which keep waiting for the next run.
   */
  async sendNow(command: Command): Promise<Record<string, unknown>> {
    this.throwIfStopped();
    const { cmd, ...args } = command;
    const queued = [...this.commands.splice(0)];
    for (const flusher of this.flushers) queued.push(...flusher.flush());
    if (queued.length === 0) return this.connection.request(cmd, args);
    const cmds = [...queued, command];
    const reply = await this.connection.request('batch', { cmds });
    const results = reply.results as Array<Record<string, unknown>>;
    return results[results.length - 1] ?? {};
  }

  addFlusher(flusher: Flusher): void {
    this.flushers.add(flusher);
  }

  /** Rejects every wait, now and later, with `error` (the simulator died, finished or was closed). */
  stop(error: Error): void {
    this.stopped ??= error;
    this.rejectStop(this.stopped);
    for (const [id, waiter] of this.waiters) {
      this.waiters.delete(id);
      waiter.reject(this.stopped);
    }
    unregisterScheduler(this);
  }

  get stoppedBy(): Error | undefined {
    return this.stopped;
  }

  /** The first error thrown by a task nobody joined: the test fails with it. */
  get taskError(): unknown {
    return this.firstTaskError;
  }

  taskFailed(task: Task<unknown>, error: unknown): void {
    if (error instanceof TaskCancelledError || this.firstTaskError !== undefined) return;
    if (error === this.stopped) return;
    this.firstTaskError = error instanceof Error ? error : new MirrorsimError(String(error));
    if (this.firstTaskError instanceof Error && !(this.firstTaskError.message.includes(`task '${task.name}'`))) {
      this.firstTaskError.message = `in task '${task.name}': ${this.firstTaskError.message}`;
    }
    this.stop(this.firstTaskError as Error);
  }

  cancelTask(task: Task<unknown>): void {
    for (const [id, waiter] of this.waiters) {
      if (waiter.task !== task) continue;
      this.withdraw(id);
      waiter.reject(new TaskCancelledError(task.name));
    }
  }

  private withdraw(id: number): void {
    if (!this.waiters.delete(id)) return;
    const queued = this.toArm.findIndex((spec) => spec.id === id);
    if (queued >= 0) this.toArm.splice(queued, 1);
    else this.toDisarm.push(id);
  }

  private throwIfStopped(): void {
    if (this.stopped) throw this.stopped;
  }

  private kick(): void {
    if (this.looping) return;
    this.looping = true;
    void this.loop();
  }

  private async loop(): Promise<void> {
    try {
      for (;;) {
        await this.settle();
        if (this.waiters.size === 0 || this.stopped) return;
        await this.step();
      }
    } catch (error) {
      this.stop(error instanceof Error ? error : new MirrorsimError(String(error)));
    } finally {
      this.looping = false;
    }
  }

  /** Returns once every task is blocked: microtasks drained and no request in flight. */
  private async settle(): Promise<void> {
    for (;;) {
      await nextMacrotask();
      if (this.connection.inFlight === 0) return;
      await this.connection.whenIdle();
    }
  }

  private async step(): Promise<void> {
    const batch: Command[] = [...this.commands];
    this.commands.length = 0;
    for (const flusher of this.flushers) batch.push(...flusher.flush());
    batch.push(...this.writes.values());
    this.writes.clear();
    if (this.toDisarm.length > 0) batch.push({ cmd: 'disarm', ids: this.toDisarm });
    if (this.toArm.length > 0) batch.push({ cmd: 'arm', triggers: this.toArm });
    this.toDisarm = [];
    this.toArm = [];
    batch.push({ cmd: 'run' });

    let reply;
    try {
      reply = await this.connection.request('batch', { cmds: batch });
    } catch (error) {
      throw explainBatchError(error, batch);
    }
    const results = reply.results as Array<Record<string, unknown>>;
    const run = results[results.length - 1] ?? {};
    this.counters.runs++;
    this.time = BigInt(run.time as number);
    this.phase = run.phase as Phase;
    if (run.finished) {
      this.stop(finishedError(run.finished as Record<string, unknown>));
      return;
    }
    if (run.yielded) this.counters.yields++;
    for (const fired of (run.fired as Fired[] | undefined) ?? []) {
      const waiter = this.waiters.get(fired.id);
      if (!waiter) continue; // withdrawn while the run was under way
      this.waiters.delete(fired.id);
      this.counters.fired++;
      waiter.resolve(fired);
    }
  }
}

function explainBatchError(error: unknown, batch: Command[]): unknown {
  if (!(error instanceof BridgeError)) return error;
  const index = error.details.index;
  const failed = typeof index === 'number' ? batch[index] : undefined;
  if (error.code === 'stalled') {
    return new MirrorsimError(`the simulation cannot advance: triggers are armed but no clock or timer is running (${error.message})`);
  }
  if (failed) {
    error.message = `${error.message} (in ${JSON.stringify(failed).slice(0, 300)})`;
  }
  return error;
}

export function finishedError(finished: Record<string, unknown>): SimulationFinishedError {
  return new SimulationFinishedError(
    (finished.kind as FinishKind) ?? 'fatal',
    String(finished.file ?? '?'),
    Number(finished.line ?? 0),
    BigInt((finished.time as number | undefined) ?? 0),
    String(finished.message ?? ''),
    (finished.output as string[] | undefined) ?? [],
  );
}
