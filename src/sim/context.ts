// Which simulation a trigger without a handle (Timer, ReadOnly, …) belongs
// to: the one whose test or task is running, found through the async
// context, so two simulators in one process never mix.
import { AsyncLocalStorage } from 'node:async_hooks';
import { MirrorsimError } from '../errors.js';
import type { Scheduler } from './scheduler.js';

export const schedulerContext = new AsyncLocalStorage<Scheduler>();
const live = new Set<Scheduler>();

export function registerScheduler(scheduler: Scheduler): void {
  live.add(scheduler);
}

export function unregisterScheduler(scheduler: Scheduler): void {
  live.delete(scheduler);
}

export function currentScheduler(what: string): Scheduler {
  const fromContext = schedulerContext.getStore();
  if (fromContext) return fromContext;
  if (live.size === 1) return [...live][0]!;
  throw new MirrorsimError(
    live.size === 0
      ? `${what} needs a running simulation: await it inside a simTest or a task started with startSoon`
      : `${what} is awaited outside any simulation's test or task, and ${live.size} simulations are running: await it inside one`,
  );
}
