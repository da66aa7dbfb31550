// Comparing a page's words with the expected ones, where only some are known
// (a word never written reads whatever its disk block held).

export type ExpectedWords = ReadonlyArray<number | undefined>;

export function hex(word: number | undefined): string {
  return word === undefined ? '?' : `0x${word.toString(16).padStart(8, '0')}`;
}

/** A node's whole local memory, read one frame of `pageWords` words at a time. */
export function framesOf(memory: readonly number[], pageWords: number): (frame: number) => number[] {
  return (frame) => memory.slice(frame * pageWords, (frame + 1) * pageWords);
}

/** A page's words agree with the expected ones wherever those are known. */
export function matches(actual: readonly number[], expected: ExpectedWords): boolean {
  return expected.every((word, index) => word === undefined || word === actual[index]);
}

/** Where a page's words first differ from the expected ones, as a report; undefined if they agree. */
export function pageDifference(actual: readonly number[], expected: ExpectedWords): string | undefined {
  const offset = expected.findIndex((word, i) => word !== undefined && word !== actual[i]);
  if (offset < 0) return undefined;
  return `differs first at word ${offset}: ${hex(actual[offset])}, expected ${hex(expected[offset])}\n  got      ${actual.map(hex).join(' ')}\n  expected ${expected.map(hex).join(' ')}`;
}
