// A clock generated inside the simulator process (cocotb's Clock): no edge
// costs a round trip.
import type { SignalHandle } from './handle.js';
import { toSteps, type TimeUnit } from './time.js';
import { MirrorsimError } from '../errors.js';

export interface ClockStartOptions {
  /** Drive the signal high first (cocotb's start_high; default true). */
  startHigh?: boolean;
  /** Delay before the first edge. */
  phase?: number;
}

export class Clock {
  private readonly periodSteps: bigint;
  private readonly highSteps: bigint;

  constructor(
    readonly signal: SignalHandle,
    readonly period: number,
    readonly unit: TimeUnit = 'step',
    /** Fraction of the period the clock is high (default 0.5). */
    readonly duty = 0.5,
  ) {
    if (signal.width !== 1) throw new MirrorsimError(`Clock needs a 1-bit signal; ${signal.name} is ${signal.width} bits`);
    this.periodSteps = toSteps(period, unit, signal.scheduler.precision);
    if (this.periodSteps < 2n) {
      throw new RangeError(`Clock period ${period} ${unit} is less than two simulator steps (precision 1e${signal.scheduler.precision} s)`);
    }
    if (!(duty > 0 && duty < 1)) throw new RangeError(`Clock duty must be between 0 and 1, not ${duty}`);
    this.highSteps = BigInt(Math.max(1, Math.min(Number(this.periodSteps) - 1, Math.round(Number(this.periodSteps) * duty))));
  }

  /** Starts the clock with the next run of the simulation. */
  start(options: ClockStartOptions = {}): this {
    this.signal.scheduler.queueCommand({
      cmd: 'clock',
      sig: this.signal.name,
      period: Number(this.periodSteps),
      high: Number(this.highSteps),
      start_high: options.startHigh ?? true,
      phase: options.phase === undefined ? 0 : Number(toSteps(options.phase, this.unit, this.signal.scheduler.precision)),
    });
    return this;
  }

  stop(): void {
    this.signal.scheduler.queueCommand({ cmd: 'clock_stop', sig: this.signal.name });
  }
}
