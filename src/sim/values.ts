// Signal values live in the host as bigint (any width, exact) and travel as
// hex strings on the wire (docs/protocol.md, "Values and time").

/** What a handle accepts as a value. */
export type ValueLike = bigint | number | string | boolean;

/** Converts a user value to bigint; throws RangeError on anything that is not a non-negative integer. */
export function toBigInt(value: ValueLike): bigint {
  if (typeof value === 'bigint') {
    if (value < 0n) throw new RangeError(`negative value ${value}: signals are unsigned, write the two's complement explicitly`);
    return value;
  }
  if (typeof value === 'boolean') return value ? 1n : 0n;
  if (typeof value === 'number') {
    if (value < 0) throw new RangeError(`negative value ${value}: signals are unsigned, write the two's complement explicitly`);
    if (!Number.isSafeInteger(value)) {
      throw new RangeError(`value ${value} is not a non-negative safe integer: pass a bigint`);
    }
    return BigInt(value);
  }
  const text = value.trim().replaceAll('_', '');
  if (!/^(0x[0-9a-f]+|0b[01]+|0o[0-7]+|[0-9]+)$/i.test(text)) {
    throw new RangeError(`'${value}' is not a number (use 0x…, 0b…, 0o… or decimal digits)`);
  }
  return BigInt(text);
}

export function toWire(value: bigint): string {
  return `0x${value.toString(16)}`;
}

export function fromWire(value: unknown, what: string): bigint {
  if (typeof value !== 'string' || !/^0x[0-9a-f]+$/i.test(value)) {
    throw new TypeError(`bridge sent ${JSON.stringify(value)} as the value of ${what}; expected a 0x… string`);
  }
  return BigInt(value);
}

export function fitsWidth(value: bigint, width: number): boolean {
  return value >= 0n && value >> BigInt(width) === 0n;
}

export function allOnes(width: number): bigint {
  return (1n << BigInt(width)) - 1n;
}
