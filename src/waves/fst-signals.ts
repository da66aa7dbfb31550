// What an FST file holds: its signal names and its timescale, read from the
// header fst2vcd prints before any value change. fst2vcd is stopped at
// `$enddefinitions`, so a header costs the same for any length of trace.
import { closeSync, openSync, readSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { execa } from 'execa';
import { MirrorsimError, MissingToolError } from '../errors.js';

/** Debian and Ubuntu ship fst2vcd (and vcd2fst) in the gtkwave package. */
export const FST_TOOLS_HINT = 'apt-get install gtkwave';

/** One variable of the trace. */
export interface FstSignal {
  /**
   * Full hierarchical name as GTKWave writes it in a save file: scopes joined
   * by `.`, a vector's range appended without a space
   * (`TOP.mirror_top.u_node_a.u_mm.u_originator.state_q[4:0]`), an unpacked
   * array element with its index (`TOP.mirror_top.tx_data[0][31:0]`).
   */
  name: string;
  width: number;
  /** The VCD variable type (`wire`, `logic`, `parameter`, ...). */
  type: string;
}

/** One tick of the dump, the unit of every time in it (and in a save file for it). */
export interface Timescale {
  /** 1, 10 or 100. */
  magnitude: number;
  /** Power of ten of the unit in seconds: -12 for ps. */
  exponent: number;
}

export interface FstHeader {
  signals: FstSignal[];
  timescale: Timescale;
}

/** fst2vcd could not read the file, or its header made no sense. */
export class FstReadError extends MirrorsimError {
  override name = 'FstReadError';
  constructor(
    readonly file: string,
    readonly reason: string,
  ) {
    super(`cannot read the FST file ${file}: ${reason}`);
  }
}

const UNIT_EXPONENTS: Record<string, number> = { fs: -15, ps: -12, ns: -9, us: -6, ms: -3, s: 0 };

/** `1ps`, `10 ns`, ... as a Timescale. */
export function parseTimescale(text: string): Timescale | undefined {
  const match = /^\s*(1|10|100)\s*(fs|ps|ns|us|ms|s)\s*$/.exec(text);
  if (!match) return undefined;
  return { magnitude: Number(match[1]), exponent: UNIT_EXPONENTS[match[2]!]! };
}

/** Ticks of `timescale` in ns. */
export function ticksToNs(ticks: number, timescale: Timescale): number {
  return ticks * timescale.magnitude * 10 ** (timescale.exponent + 9);
}

/**
 * The first and last time in `fst`, in ticks, from the header block an FST
 * file starts with (block type 0, its length, then start and end time as
 * big-endian 64-bit words; the writer fills them in when it closes the file).
 * Undefined when the file is missing or does not start that way.
 */
export function fstTimeRange(fst: string): { start: number; end: number } | undefined {
  let fd: number;
  try {
    fd = openSync(fst, 'r');
  } catch {
    return undefined;
  }
  try {
    const head = Buffer.alloc(25);
    if (readSync(fd, head, 0, head.length, 0) < head.length || head[0] !== 0) return undefined;
    const start = Number(head.readBigUInt64BE(9));
    const end = Number(head.readBigUInt64BE(17));
    return end >= start ? { start, end } : undefined;
  } finally {
    closeSync(fd);
  }
}

/** Simulation time in ns as ticks of `timescale` (rounded: ticks are integers). */
export function nsToTicks(ns: number, timescale: Timescale): number {
  return Math.round((ns * 10 ** (-9 - timescale.exponent)) / timescale.magnitude);
}

/** A name as GTKWave spells it: `count_q` with range `[7:0]` is `count_q[7:0]`. */
export function gtkwaveName(scopes: readonly string[], name: string, range: string | undefined): string {
  return `${[...scopes, name].join('.')}${range ?? ''}`;
}

/** Parses the definitions part of a VCD text (up to `$enddefinitions`). */
export class VcdHeaderParser {
  readonly signals: FstSignal[] = [];
  timescale: Timescale | undefined;
  done = false;
  private readonly scopes: string[] = [];
  private inTimescale = false;

  /** Feeds one line; returns true once the definitions are over. */
  line(text: string): boolean {
    const line = text.trim();
    if (this.inTimescale) {
      const body = line.replace(/\$end$/, '').trim();
      if (body !== '') this.timescale ??= parseTimescale(body);
      if (line.endsWith('$end')) this.inTimescale = false;
      return false;
    }
    const words = line.split(/\s+/);
    switch (words[0]) {
      case '$timescale': {
        const rest = line.slice('$timescale'.length).replace(/\$end$/, '').trim();
        if (rest !== '') this.timescale = parseTimescale(rest);
        this.inTimescale = !line.endsWith('$end');
        return false;
      }
      case '$scope':
        // $scope <type> <name> $end
        if (words[2] !== undefined) this.scopes.push(words[2]);
        return false;
      case '$upscope':
        this.scopes.pop();
        return false;
      case '$var': {
        // $var <type> <width> <id> <name> [<range>] $end
        const end = words.lastIndexOf('$end');
        const parts = words.slice(4, end < 0 ? undefined : end);
        const [name, range] = parts;
        if (name !== undefined) {
          this.signals.push({ name: gtkwaveName(this.scopes, name, range), width: Number(words[2]), type: words[1] ?? '' });
        }
        return false;
      }
      case '$enddefinitions':
        this.done = true;
        return true;
      default:
        return false;
    }
  }
}

/** The header of `fst`: every signal's GTKWave name and the timescale. */
export async function readFstHeader(fst: string): Promise<FstHeader> {
  const child = execa('fst2vcd', [fst], { reject: false, buffer: { stdout: false, stderr: true }, stdin: 'ignore' });
  const parser = new VcdHeaderParser();
  const lines = createInterface({ input: child.stdout, crlfDelay: Infinity });
  try {
    for await (const line of lines) {
      if (parser.line(line)) break;
    }
  } finally {
    lines.close();
    // The value changes follow; nobody reads them.
    child.kill();
  }
  const result = await child;
  if ((result as { code?: string }).code === 'ENOENT') throw new MissingToolError('fst2vcd', FST_TOOLS_HINT);
  if (!parser.done) {
    const said = String(result.stderr ?? '').trim().split('\n').slice(-3).join('; ');
    throw new FstReadError(fst, `fst2vcd ended before $enddefinitions${said ? `: ${said}` : ` (status ${result.exitCode ?? result.signal ?? '?'})`}`);
  }
  if (!parser.timescale) throw new FstReadError(fst, 'no $timescale in its header');
  return { signals: parser.signals, timescale: parser.timescale };
}

/** The full hierarchical names in `fst`, as a GTKWave save file writes them. */
export async function readFstSignals(fst: string): Promise<string[]> {
  return (await readFstHeader(fst)).signals.map((signal) => signal.name);
}
