// Simulation time: the bridge counts in the model's precision (a power of
// ten, e.g. -12 for ps); tests speak in cocotb's units.

export type TimeUnit = 'step' | 'fs' | 'ps' | 'ns' | 'us' | 'ms' | 'sec';

const UNIT_EXPONENT: Record<Exclude<TimeUnit, 'step'>, number> = {
  fs: -15,
  ps: -12,
  ns: -9,
  us: -6,
  ms: -3,
  sec: 0,
};

export function isTimeUnit(unit: string): unit is TimeUnit {
  return unit === 'step' || unit in UNIT_EXPONENT;
}

/**
 * Converts `amount` of `unit` to simulator steps. Like cocotb, refuses a time
 * the precision cannot represent instead of rounding it silently.
 */
export function toSteps(amount: number | bigint, unit: TimeUnit, precision: number): bigint {
  if (unit === 'step') return BigInt(amount);
  const shift = UNIT_EXPONENT[unit] - precision;
  if (typeof amount === 'bigint') {
    if (shift >= 0) return amount * 10n ** BigInt(shift);
    const divisor = 10n ** BigInt(-shift);
    if (amount % divisor !== 0n) throw new RangeError(`${amount} ${unit} is finer than the simulator precision (1e${precision} s)`);
    return amount / divisor;
  }
  const steps = amount * 10 ** shift;
  const rounded = Math.round(steps);
  // Allow float noise (0.1 ns = 100.00000000000001 ps), refuse real fractions.
  if (!Number.isFinite(steps) || Math.abs(steps - rounded) > 1e-9 * Math.max(1, Math.abs(steps))) {
    throw new RangeError(`${amount} ${unit} is finer than the simulator precision (1e${precision} s)`);
  }
  return BigInt(rounded);
}

export function fromSteps(steps: bigint, unit: TimeUnit, precision: number): number {
  if (unit === 'step') return Number(steps);
  const shift = UNIT_EXPONENT[unit] - precision;
  return Number(steps) / 10 ** shift;
}
