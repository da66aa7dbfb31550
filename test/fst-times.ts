// For tests: the timestamps an FST file holds, read from fst2vcd's whole
// output (the value-change part after the header).
import { execa } from 'execa';

export interface FstTimes {
  first: number;
  last: number;
  /** Timestamps in the file. */
  count: number;
  /** Value changes to a known value (not all x). */
  known: number;
}

export async function readFstTimes(fst: string): Promise<FstTimes> {
  const { stdout } = await execa('fst2vcd', [fst], { maxBuffer: 1 << 30 });
  const body = stdout.slice(stdout.indexOf('$enddefinitions')).split('\n').slice(1);
  const times = body.filter((line) => line.startsWith('#')).map((line) => Number(line.slice(1)));
  if (times.length === 0) throw new Error(`${fst} holds no timestamps`);
  // `b0101 id`, `1id`, `r1.5 id`: a value is known when it has a 0 or 1 (or is real).
  const known = body.filter((line) => /^(b[01xz]*[01][01xz]* |[01]|r)/.test(line)).length;
  return { first: times[0]!, last: times[times.length - 1]!, count: times.length, known };
}
