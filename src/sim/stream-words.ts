// Stream items on the wire (docs/protocol.md, "Stream items"): each item is
// its data signals' values back to back as little-endian 32-bit words (a
// signal of width w takes ceil(w/32) words, low word first), and a batch of
// items is one base64 string — no JSON value and no bigint per item on the
// way in, one native decode on the way out. Monitor batches carry each
// item's time as a second base64 string of 64-bit words.
import { ValueTooWideError } from '../errors.js';
import type { SignalHandle } from './handle.js';
import { toBigInt, type ValueLike } from './values.js';

export function wordsOf(width: number): number {
  return Math.ceil(width / 32);
}

/** Items packed as they are queued: a growing buffer of words. */
export class ItemPacker {
  private words: Uint32Array;
  private used = 0;
  private readonly layout: Array<{ signal: SignalHandle; words: number }>;
  readonly itemWords: number;

  constructor(signals: readonly SignalHandle[], capacityItems = 64) {
    this.layout = signals.map((signal) => ({ signal, words: wordsOf(signal.width) }));
    this.itemWords = this.layout.reduce((sum, field) => sum + field.words, 0);
    this.words = new Uint32Array(Math.max(1, capacityItems) * this.itemWords);
  }

  get count(): number {
    return this.used / this.itemWords;
  }

  /** Appends one item (one value per data signal); throws, appending nothing, if a value does not fit. */
  add(values: readonly ValueLike[]): void {
    if (this.used + this.itemWords > this.words.length) {
      const grown = new Uint32Array(Math.max(this.words.length * 2, this.used + this.itemWords));
      grown.set(this.words.subarray(0, this.used));
      this.words = grown;
    }
    let at = this.used;
    for (let index = 0; index < this.layout.length; index++) {
      const { signal, words } = this.layout[index]!;
      const value = values[index]!;
      // The common case — a safe non-negative integer in a signal of up to 32 bits — needs no bigint.
      if (typeof value === 'number' && words === 1 && Number.isSafeInteger(value) && value >= 0) {
        if (value >= 2 ** signal.width) throw new ValueTooWideError(signal.name, signal.width, BigInt(value));
        this.words[at++] = value;
        continue;
      }
      let big = toBigInt(value);
      signal.checkFits(big);
      for (let word = 0; word < words; word++, big >>= 32n) this.words[at++] = Number(big & 0xffff_ffffn);
    }
    this.used = at;
  }

  /** Appends another packer's items (of the same signals). */
  append(other: ItemPacker): void {
    const needed = this.used + other.used;
    if (needed > this.words.length) {
      const grown = new Uint32Array(Math.max(this.words.length * 2, needed));
      grown.set(this.words.subarray(0, this.used));
      this.words = grown;
    }
    this.words.set(other.words.subarray(0, other.used), this.used);
    this.used = needed;
  }

  /** The queued items as base64, and empties the queue. */
  take(): string {
    const text = Buffer.from(this.words.buffer, 0, this.used * 4).toString('base64');
    this.used = 0;
    return text;
  }
}

/** An aligned copy of a base64 batch as 32-bit words (Buffer's pool gives no alignment). */
function decodeWords(text: unknown, what: string): Uint32Array {
  if (typeof text !== 'string') throw new TypeError(`bridge sent ${JSON.stringify(text)?.slice(0, 60)} as ${what}; expected base64`);
  const bytes = Buffer.from(text, 'base64');
  if (bytes.byteLength % 4 !== 0) throw new TypeError(`bridge sent ${bytes.byteLength} bytes as ${what}; expected whole 32-bit words`);
  const words = new Uint32Array(bytes.byteLength / 4);
  new Uint8Array(words.buffer).set(bytes);
  return words;
}

export interface UnpackedItem {
  data: bigint[];
  time: bigint;
}

/** A monitor's batch (`words`, `times`) as items. */
export function unpackItems(batch: { words?: unknown; times?: unknown }, widths: readonly number[], stream: string): UnpackedItem[] {
  const words = decodeWords(batch.words, `the items of stream ${stream}`);
  const times = decodeWords(batch.times, `the item times of stream ${stream}`);
  const fieldWords = widths.map(wordsOf);
  const itemWords = fieldWords.reduce((sum, n) => sum + n, 0);
  const count = words.length / itemWords;
  if (!Number.isInteger(count) || times.length !== 2 * count) {
    throw new TypeError(`bridge sent ${words.length} words and ${times.length / 2} times for stream ${stream}, whose items are ${itemWords} words`);
  }
  const items: UnpackedItem[] = new Array(count);
  let at = 0;
  for (let item = 0; item < count; item++) {
    const data: bigint[] = new Array(fieldWords.length);
    for (let field = 0; field < fieldWords.length; field++) {
      const n = fieldWords[field]!;
      if (n === 1) data[field] = BigInt(words[at++]!);
      else {
        let value = 0n;
        for (let word = n - 1; word >= 0; word--) value = (value << 32n) | BigInt(words[at + word]!);
        data[field] = value;
        at += n;
      }
    }
    const high = times[2 * item + 1]!;
    const low = times[2 * item]!;
    items[item] = { data, time: high === 0 ? BigInt(low) : (BigInt(high) << 32n) | BigInt(low) };
  }
  return items;
}
