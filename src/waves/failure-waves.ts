// Waveforms of a failure: the failing run again, with tracing on only for
// the cycles before the failure (so it costs little more than the run
// itself), and a GTKWave save file that opens on them with the marker at the
// failure and the signals that matter in groups. Every signal the save file
// names is checked against the FST, so a save file never shows an empty row.
import { existsSync, mkdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { MirrorsimError } from '../errors.js';
import { readFstHeader } from './fst-signals.js';
import { parseSaveFile, writeSaveFile, type SignalGroup } from './gtkw.js';

/** What a re-run with waves is given: the file and the window to trace. */
export interface WavesRequest {
  file: string;
  fromNs: number;
  toNs: number;
}

export interface FailureWavesOptions {
  /** Where the .fst and .gtkw go. */
  dir: string;
  /** Their file name without the extension. */
  stem: string;
  /** When the failure was seen, ns: the marker, and the end of the window. */
  failureNs: number;
  /** Cycles before the failure to trace. */
  windowCycles: number;
  /** The clock period the cycles are counted in, ns. */
  clockNs: number;
  /** Cycles still traced after the failure (default 16), so its moment is inside the window. */
  afterCycles?: number;
  /** Bounds that replace the computed ones (WAVES_FROM= / WAVES_TO=), ns. */
  fromNs?: number;
  toNs?: number;
  /** Runs the failing run again with `waves` traced; says whether the same failure happened at the same time. */
  rerun: (waves: WavesRequest) => Promise<{ reproduced: boolean }>;
  /** The save file's groups, picked from the FST's signal names. */
  groups: (signals: string[]) => SignalGroup[];
  /** More `[*]` lines for the save file (what failed, the seed, ...). */
  comments?: readonly string[];
}

export interface FailureWaves {
  fst: string;
  gtkw: string;
  /** `gtkwave <fst> <gtkw>`. */
  openCommand: string;
  fromNs: number;
  toNs: number;
  /** Size of the FST file. */
  bytes: number;
  reproduced: boolean;
  /** Signals the save file shows (all of them in the FST). */
  signals: number;
}

/** The re-run wrote no waveform file. */
export class WavesNotWrittenError extends MirrorsimError {
  override name = 'WavesNotWrittenError';
  constructor(
    readonly fst: string,
    readonly reason: string,
  ) {
    super(`no waveform in ${fst}: ${reason}`);
  }
}

/** The save file names signals the FST does not hold (it would show them as empty rows). */
export class WaveSignalsMissingError extends MirrorsimError {
  override name = 'WaveSignalsMissingError';
  constructor(
    readonly fst: string,
    readonly gtkw: string,
    readonly missing: readonly string[],
  ) {
    super(`${gtkw} names ${missing.length} signal(s) that ${fst} does not hold: ${missing.slice(0, 8).join(', ')}${missing.length > 8 ? ', ...' : ''}`);
  }
}

function shellWord(text: string): string {
  return /^[\w./=+@%:,-]+$/.test(text) ? text : `'${text.replaceAll("'", "'\\''")}'`;
}

/** The one command that opens `fst` in GTKWave with the view of `gtkw`. */
export function gtkwaveCommand(fst: string, gtkw: string): string {
  return `gtkwave ${shellWord(fst)} ${shellWord(gtkw)}`;
}

export interface TraceSaveFile {
  gtkw: string;
  openCommand: string;
  signals: number;
}

/**
 * Writes `gtkw` (default: next to `fst`, same name) for an FST that exists:
 * reads its signals and timescale, picks the groups, and checks that every
 * signal the written file names is in the FST.
 */
export async function saveFileForTrace(options: {
  fst: string;
  gtkw?: string;
  groups: (signals: string[]) => SignalGroup[];
  markerNs?: number;
  windowNs?: readonly [number, number];
  comments?: readonly string[];
}): Promise<TraceSaveFile> {
  const fst = resolve(options.fst);
  const gtkw = resolve(options.gtkw ?? fst.replace(/\.fst$/, '') + '.gtkw');
  if (!existsSync(fst) || statSync(fst).size === 0) throw new WavesNotWrittenError(fst, 'the file is missing or empty');
  const header = await readFstHeader(fst);
  const names = header.signals.map((signal) => signal.name);
  writeSaveFile({ fst, file: gtkw, groups: options.groups(names), timescale: header.timescale, markerNs: options.markerNs, windowNs: options.windowNs, comments: options.comments });
  const inFst = new Set(names);
  const shown = parseSaveFile(readFileSync(gtkw, 'utf8')).traces.map((trace) => trace.signal);
  const missing = shown.filter((signal) => !inFst.has(signal));
  if (missing.length > 0) throw new WaveSignalsMissingError(fst, gtkw, missing);
  return { gtkw, openCommand: gtkwaveCommand(fst, gtkw), signals: shown.length };
}

/** The window traced for a failure at `failureNs`: the cycles before it, a few after, or the bounds given. */
export function failureWindow(options: Pick<FailureWavesOptions, 'failureNs' | 'windowCycles' | 'clockNs' | 'afterCycles' | 'fromNs' | 'toNs'>): [number, number] {
  const toNs = options.toNs ?? options.failureNs + (options.afterCycles ?? 16) * options.clockNs;
  // The cycles before the failure, or before the end given, if that is earlier.
  const fromNs = options.fromNs ?? Math.max(0, Math.min(options.failureNs, toNs) - options.windowCycles * options.clockNs);
  return [fromNs, Math.max(fromNs, toNs)];
}

/** Re-runs a failure with a trace window around it and writes the save file for it. */
export async function captureFailureWaves(options: FailureWavesOptions): Promise<FailureWaves> {
  const [fromNs, toNs] = failureWindow(options);
  mkdirSync(options.dir, { recursive: true });
  const fst = resolve(join(options.dir, `${options.stem}.fst`));
  const gtkw = resolve(join(options.dir, `${options.stem}.gtkw`));
  // A file from an earlier run must not pass for this one.
  rmSync(fst, { force: true });
  rmSync(gtkw, { force: true });
  const { reproduced } = await options.rerun({ file: fst, fromNs, toNs });
  if (!existsSync(fst)) throw new WavesNotWrittenError(fst, 'the re-run did not write it');
  const saved = await saveFileForTrace({
    fst,
    gtkw,
    groups: options.groups,
    markerNs: options.failureNs,
    windowNs: [fromNs, toNs],
    comments: [
      ...(options.comments ?? []),
      `failure at ${options.failureNs} ns (marker A); trace window ${fromNs}-${toNs} ns`,
      reproduced ? 'the re-run failed the same way at the same time' : 'the re-run did NOT fail the same way: the trace may not show the failure',
    ],
  });
  return { fst, gtkw, openCommand: saved.openCommand, fromNs, toNs, bytes: statSync(fst).size, reproduced, signals: saved.signals };
}
