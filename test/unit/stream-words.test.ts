// Packed stream items: values of any width pack into little-endian words
// and unpack to the same values; what does not fit is refused before it is
// packed; a batch the bridge sends that is not whole items is an error.
import { expect, test } from 'vitest';
import { ItemPacker, unpackItems, wordsOf } from '../../src/sim/stream-words.js';
import { ValueTooWideError } from '../../src/errors.js';
import type { SignalHandle } from '../../src/sim/handle.js';

function signal(name: string, width: number): SignalHandle {
  return {
    name,
    width,
    checkFits(value: bigint) {
      if (value < 0n || value >> BigInt(width) !== 0n) throw new ValueTooWideError(name, width, value);
    },
  } as unknown as SignalHandle;
}

test('values of widths 1 to 130 pack and unpack exactly, with their times', () => {
  const signals = [signal('bit', 1), signal('byte', 8), signal('word', 32), signal('odd', 33), signal('double', 64), signal('wide', 130)];
  expect(signals.map((s) => wordsOf(s.width))).toEqual([1, 1, 1, 2, 2, 5]);
  const packer = new ItemPacker(signals, 1);
  const items = [
    [1, 255, 0xffff_ffff, 2n ** 33n - 1n, 2n ** 64n - 1n, 2n ** 130n - 1n],
    [0, 0, 0, 0, 0, 0],
    [true, '0x7f', 12345, 2n ** 32n, 1n, 2n ** 129n + 3n],
  ] as const;
  for (const item of items) packer.add(item);
  expect(packer.count).toBe(3);
  const words = packer.take();
  expect(packer.count).toBe(0);
  const times = Buffer.from(new BigUint64Array([10n, 2n ** 40n + 5n, 30n]).buffer).toString('base64');
  const unpacked = unpackItems({ words, times }, signals.map((s) => s.width), 'test');
  expect(unpacked.map((item) => item.data)).toEqual([
    [1n, 255n, 0xffff_ffffn, 2n ** 33n - 1n, 2n ** 64n - 1n, 2n ** 130n - 1n],
    [0n, 0n, 0n, 0n, 0n, 0n],
    [1n, 0x7fn, 12345n, 2n ** 32n, 1n, 2n ** 129n + 3n],
  ]);
  expect(unpacked.map((item) => item.time)).toEqual([10n, 2n ** 40n + 5n, 30n]);
});

test('a value that does not fit, or is not a value, is refused and nothing of the item is packed', () => {
  const packer = new ItemPacker([signal('byte', 8), signal('wide', 40)]);
  packer.add([1, 2]);
  expect(() => packer.add([256, 0])).toThrow(ValueTooWideError);
  expect(() => packer.add([1, 2n ** 40n])).toThrow(/does not fit wide \(40 bits\)/);
  expect(() => packer.add([-1, 0])).toThrow(RangeError);
  expect(() => packer.add([1.5, 0])).toThrow(RangeError);
  expect(packer.count).toBe(1);
});

test('a batch that is not whole items, or whose times do not match, is an error naming the stream', () => {
  const three = Buffer.alloc(12).toString('base64');
  const oneTime = Buffer.alloc(8).toString('base64');
  expect(() => unpackItems({ words: three, times: oneTime }, [64], 'out')).toThrow(/stream out, whose items are 2 words/);
  expect(() => unpackItems({ words: Buffer.alloc(8).toString('base64'), times: oneTime }, [32], 'out')).toThrow(/2 words and 1 times/);
  expect(() => unpackItems({ words: 42, times: oneTime }, [32], 'out')).toThrow(/expected base64/);
});
