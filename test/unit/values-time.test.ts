import { describe, expect, test } from 'vitest';
import { fitsWidth, fromWire, toBigInt, toWire } from '../../src/sim/values.js';
import { fromSteps, toSteps } from '../../src/sim/time.js';
import { closestNames } from '../../src/sim/suggest.js';
import { Random } from '../../src/sim/random.js';
import { splitPath } from '../../src/sim/handle.js';

describe('values', () => {
  test('accepts bigint, safe numbers, booleans and 0x/0b/decimal strings', () => {
    expect(toBigInt(5)).toBe(5n);
    expect(toBigInt(true)).toBe(1n);
    expect(toBigInt('0xff')).toBe(255n);
    expect(toBigInt('0b101')).toBe(5n);
    expect(toBigInt('1_000')).toBe(1000n);
    expect(toBigInt(1n << 200n)).toBe(1n << 200n);
  });
  test('refuses negatives, fractions, unsafe numbers and garbage', () => {
    expect(() => toBigInt(-1)).toThrow(RangeError);
    expect(() => toBigInt(1.5)).toThrow(/non-negative safe integer/);
    expect(() => toBigInt(2 ** 60)).toThrow(/bigint/);
    expect(() => toBigInt('12abc')).toThrow(/not a number/);
    expect(() => toBigInt(-3n)).toThrow(/two's complement/);
  });
  test('wire format round-trips and checks widths', () => {
    expect(toWire(0n)).toBe('0x0');
    expect(fromWire(toWire((1n << 129n) | 7n), 'x')).toBe((1n << 129n) | 7n);
    expect(() => fromWire(17, 'x')).toThrow(TypeError);
    expect(fitsWidth(255n, 8)).toBe(true);
    expect(fitsWidth(256n, 8)).toBe(false);
  });
});

describe('time', () => {
  test('converts units against the precision and refuses unrepresentable times', () => {
    expect(toSteps(10, 'ns', -12)).toBe(10_000n);
    expect(toSteps(0.1, 'ns', -12)).toBe(100n);
    expect(toSteps(3n, 'us', -9)).toBe(3000n);
    expect(toSteps(7, 'step', -12)).toBe(7n);
    expect(() => toSteps(1, 'fs', -12)).toThrow(/finer than the simulator precision/);
    expect(() => toSteps(1500n, 'ps', -9)).toThrow(/finer/);
    expect(fromSteps(2500n, 'ns', -12)).toBe(2.5);
  });
});

describe('names', () => {
  test('closest names rank by path and by last component', () => {
    const names = ['u_counter.count_q', 'u_counter.count_d', 'u_fifo.level_q', 'cnt_count_o'];
    expect(closestNames('u_counter.cont_q', names, 2)).toEqual(['u_counter.count_q', 'u_counter.count_d']);
    expect(closestNames('count_q', names, 1)).toEqual(['u_counter.count_q']);
  });
  test('paths split at dots outside brackets', () => {
    expect(splitPath('a.gen[2].b')).toEqual(['a', 'gen[2]', 'b']);
  });
});

describe('random', () => {
  test('the same seed gives the same sequence; another seed does not', () => {
    const a = new Random(42);
    const b = new Random(42);
    const c = new Random(43);
    const seqA = Array.from({ length: 8 }, () => a.next());
    expect(Array.from({ length: 8 }, () => b.next())).toEqual(seqA);
    expect(Array.from({ length: 8 }, () => c.next())).not.toEqual(seqA);
  });
  test('ranges, bits and weights stay in bounds', () => {
    const r = new Random(7);
    const counts = { a: 0, b: 0 };
    for (let i = 0; i < 2000; i++) {
      const v = r.int(3, 5);
      expect(v >= 3 && v <= 5).toBe(true);
      expect(r.bits(70) < 1n << 70n).toBe(true);
      counts[r.weighted({ a: 1, b: 3 })]++;
    }
    expect(counts.b).toBeGreaterThan(counts.a * 2);
  });
});
