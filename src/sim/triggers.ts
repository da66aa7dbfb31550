// cocotb's triggers. Each is a description of a wait; awaiting it (or
// passing it to First/Combine/withTimeout) arms it in the bridge, which
// checks it inside the simulation loop, so a wait costs no round trip per
// clock edge however long it lasts.
import { MirrorsimError, SimTimeoutError } from '../errors.js';
import { currentScheduler } from './context.js';
import type { Fired, Registration, Scheduler, TriggerSpec } from './scheduler.js';
import type { SignalHandle } from './handle.js';
import { toSteps, type TimeUnit } from './time.js';
import { allOnes, toBigInt, toWire, type ValueLike } from './values.js';

/** Anything that can be waited for: a trigger, a task (join), or a plain promise. */
export interface Waitable<T> {
  register(): Registration<T>;
}

export abstract class Trigger<T> implements PromiseLike<T>, Waitable<T> {
  abstract register(): Registration<T>;

  /** The scheduler that watches for this trigger being forgotten (the waits a test writes), if any. */
  protected watchedBy: Scheduler | undefined;

  then<A = T, B = never>(
    onFulfilled?: ((value: T) => A | PromiseLike<A>) | null,
    onRejected?: ((reason: unknown) => B | PromiseLike<B>) | null,
  ): Promise<A | B> {
    return this.register().promise.then(onFulfilled, onRejected);
  }

  /** Awaited (or handed to First, Combine, withTimeout): no longer a forgotten wait. */
  protected claimed(): void {
    this.watchedBy?.unawaited.delete(this);
    this.watchedBy = undefined;
  }

  /** Counts this trigger as a wait the test must await (see Simulator.runMain); returns it. */
  mustAwait(scheduler: Scheduler): this {
    this.watchedBy = scheduler;
    scheduler.unawaited.add(this);
    return this;
  }

  catch<B = never>(onRejected?: ((reason: unknown) => B | PromiseLike<B>) | null): Promise<T | B> {
    return this.then(undefined, onRejected);
  }
}

/** A trigger the bridge evaluates; `result` turns the bridge's report into the awaited value. */
export class BridgeTrigger<T> extends Trigger<T> {
  constructor(
    private readonly scheduler: () => Scheduler,
    private readonly spec: () => TriggerSpec,
    private readonly result: (fired: Fired) => T,
    readonly description: string,
  ) {
    super();
  }

  register(): Registration<T> {
    this.claimed();
    const registration = this.scheduler().wait(this.spec());
    return { promise: registration.promise.then(this.result), cancel: registration.cancel };
  }

  override toString(): string {
    return this.description;
  }
}

function requireOneBit(signal: SignalHandle, trigger: string): void {
  if (signal.width !== 1) {
    throw new MirrorsimError(`${trigger} needs a 1-bit signal; ${signal.name} is ${signal.width} bits (use ValueChange)`);
  }
}

function edgeTrigger(signal: SignalHandle, edge: 'rising' | 'falling' | 'any', name: string): Trigger<void> {
  if (edge !== 'any') requireOneBit(signal, name);
  return new BridgeTrigger(
    () => signal.scheduler,
    () => ({ kind: 'edge', sig: signal.name, edge }),
    () => undefined,
    `${name}(${signal.name})`,
  ).mustAwait(signal.scheduler);
}

export function RisingEdge(signal: SignalHandle): Trigger<void> {
  return edgeTrigger(signal, 'rising', 'RisingEdge');
}

export function FallingEdge(signal: SignalHandle): Trigger<void> {
  return edgeTrigger(signal, 'falling', 'FallingEdge');
}

/** Fires on any change of the signal's value (any width). */
export function ValueChange(signal: SignalHandle): Trigger<void> {
  return edgeTrigger(signal, 'any', 'ValueChange');
}

/** cocotb's older name for ValueChange. */
export const Edge = ValueChange;

/** Fires after `count` rising (or falling) edges of `signal`. */
export function ClockCycles(signal: SignalHandle, count: number, rising = true): Trigger<void> {
  requireOneBit(signal, 'ClockCycles');
  if (!Number.isSafeInteger(count) || count < 1) throw new RangeError(`ClockCycles count must be a positive integer, not ${count}`);
  return new BridgeTrigger(
    () => signal.scheduler,
    () => ({ kind: 'cycles', sig: signal.name, count, edge: rising ? 'rising' : 'falling' }),
    () => undefined,
    `ClockCycles(${signal.name}, ${count})`,
  ).mustAwait(signal.scheduler);
}

/** Fires after `amount` of simulation time. */
export function Timer(amount: number | bigint, unit: TimeUnit = 'step'): Trigger<void> {
  const steps = (scheduler: Scheduler): bigint => {
    const value = toSteps(amount, unit, scheduler.precision);
    if (value < 1n) throw new RangeError(`Timer(${amount} ${unit}) must be at least one simulator step`);
    return value;
  };
  let scheduler: Scheduler | undefined;
  return new BridgeTrigger(
    () => (scheduler = currentScheduler('Timer')),
    () => ({ kind: 'timer', delay: Number(steps(scheduler!)) }),
    () => undefined,
    `Timer(${amount}, ${unit})`,
  );
}

function phaseTrigger(kind: string, name: string): Trigger<void> {
  return new BridgeTrigger(() => currentScheduler(name), () => ({ kind }), () => undefined, `${name}()`);
}

/** The ReadOnly phase of this time step: values are settled; writes throw. */
export function ReadOnly(): Trigger<void> {
  return phaseTrigger('readonly', 'ReadOnly');
}

/** The ReadWrite phase of this time step: writes made here are evaluated in the same step. */
export function ReadWrite(): Trigger<void> {
  return phaseTrigger('readwrite', 'ReadWrite');
}

/** The start of the next time step. */
export function NextTimeStep(): Trigger<void> {
  return phaseTrigger('nexttime', 'NextTimeStep');
}

export interface WaitUntilOptions {
  /** The clock whose edges count; the signal is compared after each. */
  clock: SignalHandle;
  /** How many edges to wait at most. */
  budget: number;
  /** Only these bits are compared (default: all). */
  mask?: ValueLike;
  rising?: boolean;
}

export interface WaitUntilResult {
  matched: boolean;
  /** Clock edges waited. */
  cycles: number;
}

/**
 * Waits, inside the simulator, until `(signal & mask) == value` after an edge
 * of `clock`, or until `budget` edges passed: the answer says which.
 */
export function WaitUntil(signal: SignalHandle, value: ValueLike, options: WaitUntilOptions): Trigger<WaitUntilResult> {
  requireOneBit(options.clock, 'WaitUntil clock');
  if (!Number.isSafeInteger(options.budget) || options.budget < 1) {
    throw new RangeError(`WaitUntil budget must be a positive integer, not ${options.budget}`);
  }
  const expected = toBigInt(value);
  const mask = options.mask === undefined ? allOnes(signal.width) : toBigInt(options.mask);
  signal.checkFits(expected);
  signal.checkFits(mask);
  return new BridgeTrigger(
    () => signal.scheduler,
    () => ({
      kind: 'until',
      sig: signal.name,
      value: toWire(expected),
      mask: toWire(mask),
      clock: options.clock.name,
      edge: options.rising === false ? 'falling' : 'rising',
      budget: options.budget,
    }),
    (fired) => ({ matched: fired.result === 'match', cycles: Number(fired.cycles) }),
    `WaitUntil(${signal.name} == 0x${expected.toString(16)})`,
  );
}

function toWaitable<T>(item: Waitable<T> | PromiseLike<T>): Waitable<T> {
  if ('register' in item && typeof item.register === 'function') return item;
  return { register: () => ({ promise: Promise.resolve(item as PromiseLike<T>), cancel: () => undefined }) };
}

type Awaited<T> = T extends Waitable<infer U> ? U : T extends PromiseLike<infer V> ? V : never;

/** Fires when all of its triggers have fired; resolves with their results in order. */
export function Combine<const W extends ReadonlyArray<Waitable<unknown> | PromiseLike<unknown>>>(
  ...items: W
): Trigger<{ -readonly [K in keyof W]: Awaited<W[K]> }> {
  return new (class extends Trigger<{ -readonly [K in keyof W]: Awaited<W[K]> }> {
    register() {
      const registrations = items.map((item) => toWaitable(item).register());
      return {
        promise: Promise.all(registrations.map((r) => r.promise)) as Promise<{ -readonly [K in keyof W]: Awaited<W[K]> }>,
        cancel: () => registrations.forEach((r) => r.cancel()),
      };
    }
  })();
}

/** Fires when the first of its triggers fires; the others are withdrawn. Resolves with the winner's result. */
export function First<T>(...items: Array<Waitable<T> | PromiseLike<T>>): Trigger<T> {
  return firstOf(items).trigger;
}

function firstOf<T>(items: Array<Waitable<T> | PromiseLike<T>>): { trigger: Trigger<T>; winner: () => number } {
  let winner = -1;
  const trigger = new (class extends Trigger<T> {
    register() {
      const registrations = items.map((item) => toWaitable(item).register());
      const cancelAll = (): void => registrations.forEach((r) => r.cancel());
      const promise = Promise.race(
        registrations.map((r, index) =>
          r.promise.then((value) => {
            if (winner < 0) winner = index;
            return value;
          }),
        ),
      ).finally(cancelAll);
      return { promise, cancel: cancelAll };
    }
  })();
  return { trigger, winner: () => winner };
}

/**
 * Waits for `item`, but at most `amount` of simulation time: throws
 * SimTimeoutError (cocotb's with_timeout) when the time runs out first.
 */
export async function withTimeout<T>(item: Waitable<T> | PromiseLike<T>, amount: number | bigint, unit: TimeUnit = 'step'): Promise<T> {
  const timer = Timer(amount, unit) as Trigger<unknown>;
  const race = firstOf<unknown>([item as Waitable<unknown> | PromiseLike<unknown>, timer]);
  const value = await race.trigger;
  if (race.winner() === 1) throw new SimTimeoutError(BigInt(amount), unit);
  return value as T;
}
