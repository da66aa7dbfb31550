// Concurrent tasks, as cocotb's start_soon: each runs until it awaits a
// trigger; the scheduler resumes them when the simulation gets there.
import { AsyncLocalStorage } from 'node:async_hooks';
import { TaskCancelledError } from '../errors.js';
import { currentScheduler, schedulerContext } from './context.js';
import type { Registration, Scheduler } from './scheduler.js';

export const currentTask = new AsyncLocalStorage<Task<unknown>>();

export class Task<T> implements PromiseLike<T> {
  private readonly result: Promise<T>;
  private state: 'running' | 'done' | 'failed' | 'cancelled' = 'running';
  private error: unknown;

  constructor(
    readonly name: string,
    body: () => Promise<T>,
    private readonly scheduler: Scheduler,
  ) {
    this.result = schedulerContext.run(scheduler, () =>
      currentTask.run(this as Task<unknown>, async () => {
        // cocotb's start_soon: the new task starts once the current one yields.
        await Promise.resolve();
        if (this.state === 'cancelled') throw new TaskCancelledError(this.name);
        return body();
      }),
    );
    this.result.then(
      () => {
        if (this.state === 'running') this.state = 'done';
      },
      (error: unknown) => {
        if (this.state === 'running') {
          this.state = 'failed';
          this.error = error;
          scheduler.taskFailed(this, error);
        }
      },
    );
    scheduler.tasks.add(this as Task<unknown>);
    void this.result.finally(() => scheduler.tasks.delete(this as Task<unknown>)).catch(() => undefined);
  }

  get done(): boolean {
    return this.state !== 'running';
  }

  get cancelled(): boolean {
    return this.state === 'cancelled';
  }

  get failure(): unknown {
    return this.error;
  }

  /** Stops the task: the trigger it waits on (now or next) throws TaskCancelledError inside it. */
  cancel(): void {
    if (this.state !== 'running') return;
    this.state = 'cancelled';
    this.scheduler.cancelTask(this as Task<unknown>);
  }

  /** Waiting for a task is a join: it resolves with the task's result. */
  register(): Registration<T> {
    return { promise: this.result, cancel: () => undefined };
  }

  then<A = T, B = never>(
    onFulfilled?: ((value: T) => A | PromiseLike<A>) | null,
    onRejected?: ((reason: unknown) => B | PromiseLike<B>) | null,
  ): Promise<A | B> {
    return this.result.then(onFulfilled, onRejected);
  }
}

/** Starts `body` as a concurrent task of the current simulation (cocotb's start_soon). */
export function startSoon<T>(body: () => Promise<T>, name = body.name || 'task'): Task<T> {
  return new Task(name, body, currentScheduler('startSoon'));
}
