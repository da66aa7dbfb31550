// GTKWave save files (.gtkw): which dump to open, the signals to show in
// named groups, the view's start and zoom, and the markers. The format is
// GTKWave's own (what File > Write Save File produces): one directive per
// line, `@<hex flags>` setting the display flags of the lines that follow,
// `-<label>` lines for group starts and ends. Every time in it is in ticks of
// the dump's timescale.
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { MirrorsimError } from '../errors.js';
import { fstTimeRange, nsToTicks, type Timescale } from './fst-signals.js';

export interface SignalGroup {
  name: string;
  /** Full names as the FST (and GTKWave) spell them: `TOP.top.u_x.count_q[7:0]`. */
  signals: string[];
}

export interface SaveFileOptions {
  /** The dump the save file opens. */
  fst: string;
  /** The save file to write. */
  file: string;
  groups: readonly SignalGroup[];
  /** The dump's timescale (readFstHeader gives it): the unit of every time written. */
  timescale: Timescale;
  /** Primary marker and named marker A, ns (e.g. the failure time). */
  markerNs?: number;
  /** Named marker A's label (default `failure`). */
  markerName?: string;
  /** The view: starts at the first, zoomed so the second is in sight; ns (default: the whole dump, from its header). */
  windowNs?: readonly [number, number];
  /** `[*]` comment lines at the top. */
  comments?: readonly string[];
}

/** GTKWave's trace flags (its TR_* bits). */
export const TRACE_FLAGS = {
  hex: 0x2,
  bin: 0x8,
  rjustify: 0x20,
  blank: 0x200,
  groupBegin: 0x800000,
  groupEnd: 0x1000000,
} as const;

const VECTOR_FLAGS = TRACE_FLAGS.hex | TRACE_FLAGS.rjustify; // @22
const BIT_FLAGS = TRACE_FLAGS.bin | TRACE_FLAGS.rjustify; // @28
const GROUP_BEGIN_FLAGS = TRACE_FLAGS.groupBegin | TRACE_FLAGS.blank; // @800200
const GROUP_END_FLAGS = TRACE_FLAGS.groupEnd | TRACE_FLAGS.blank; // @1000200

/** GTKWave keeps 26 named markers, A to Z. */
const NAMED_MARKERS = 26;
/** The window size written, and the wave area it leaves (signal list and tree take the rest). */
const WINDOW = { width: 1600, height: 900, sstWidth: 250, signalsWidth: 380 } as const;
const WAVE_AREA_PX = WINDOW.width - WINDOW.sstWidth - WINDOW.signalsWidth - 70;
/** GTKWave's calczoom: zoom z shows 2^-z ticks per 200 pixels. */
const PIXELS_PER_FRAME = 200;

/** A save file that names what it cannot hold. */
export class SaveFileError extends MirrorsimError {
  override name = 'SaveFileError';
  constructor(
    readonly file: string,
    readonly reason: string,
  ) {
    super(`GTKWave save file ${file}: ${reason}`);
  }
}

/** Whether GTKWave's name carries a vector range (`x[7:0]`), so the trace shows as a bus. */
export function isVectorName(name: string): boolean {
  return /\[\d+:\d+\]$/.test(name);
}

/** The zoom at which `spanTicks` fills the wave area. */
export function zoomFor(spanTicks: number): number {
  const ticksPerFrame = (Math.max(1, spanTicks) * PIXELS_PER_FRAME) / WAVE_AREA_PX;
  return -Math.log2(ticksPerFrame);
}

/** The text of a save file (see writeSaveFile). */
export function saveFileText(options: SaveFileOptions): string {
  const { timescale } = options;
  const ticks = (ns: number): number => nsToTicks(ns, timescale);
  for (const group of options.groups) {
    if (/[\r\n]/.test(group.name)) throw new SaveFileError(options.file, `group name ${JSON.stringify(group.name)} spans lines`);
    const bad = group.signals.find((signal) => signal === '' || /\s/.test(signal));
    if (bad !== undefined) throw new SaveFileError(options.file, `group '${group.name}': ${JSON.stringify(bad)} is not a signal name`);
  }
  const window = options.windowNs;
  if (window && !(window[0] >= 0 && window[1] >= window[0])) {
    throw new SaveFileError(options.file, `window [${window[0]}, ${window[1]}] ns is not a range of times`);
  }
  // In ticks: the window given, or all of the dump.
  const view = window ? { start: ticks(window[0]), end: ticks(window[1]) } : fstTimeRange(options.fst);
  const lines: string[] = ['[*]', ...(options.comments ?? []).flatMap((c) => c.split('\n')).map((c) => `[*] ${c}`), '[*]'];
  lines.push(`[dumpfile] "${resolve(options.fst)}"`);
  lines.push(`[savefile] "${resolve(options.file)}"`);
  lines.push(`[timestart] ${view ? view.start : 0}`);
  lines.push(`[size] ${WINDOW.width} ${WINDOW.height}`, '[pos] -1 -1');
  const zoom = view ? zoomFor(view.end - view.start) : 0;
  const marker = options.markerNs === undefined ? -1 : ticks(options.markerNs);
  const named = [marker, ...Array<number>(NAMED_MARKERS - 1).fill(-1)];
  lines.push(`*${zoom.toFixed(6)} ${marker} ${named.join(' ')}`);
  if (options.markerNs !== undefined) lines.push(`[markername] A${options.markerName ?? 'failure'}`);
  lines.push(`[sst_width] ${WINDOW.sstWidth}`, `[signals_width] ${WINDOW.signalsWidth}`, '[sst_expanded] 1', '[sst_vpaned_height] 250');
  let flags = -1;
  const setFlags = (value: number): void => {
    if (value !== flags) lines.push(`@${value.toString(16)}`);
    flags = value;
  };
  for (const group of options.groups) {
    setFlags(GROUP_BEGIN_FLAGS);
    lines.push(`-${group.name}`);
    for (const signal of group.signals) {
      setFlags(isVectorName(signal) ? VECTOR_FLAGS : BIT_FLAGS);
      lines.push(signal);
    }
    setFlags(GROUP_END_FLAGS);
    lines.push(`-${group.name}`);
  }
  lines.push('[pattern_trace] 1', '[pattern_trace] 0');
  return `${lines.join('\n')}\n`;
}

/** Writes a GTKWave save file for `options.fst`: `gtkwave <fst> <file>` opens the view it describes. */
export function writeSaveFile(options: SaveFileOptions): void {
  const text = saveFileText(options);
  mkdirSync(dirname(options.file), { recursive: true });
  writeFileSync(options.file, text);
}

/** What a save file says, read back (the parts writeSaveFile writes). */
export interface ParsedSaveFile {
  dumpfile: string | undefined;
  savefile: string | undefined;
  timestart: number | undefined;
  zoom: number | undefined;
  /** Primary marker, ticks (-1: none). */
  marker: number | undefined;
  /** Named markers A..Z, ticks (-1: unset). */
  namedMarkers: number[];
  markerNames: Map<string, string>;
  groups: SignalGroup[];
  /** Every trace line with the display flags in force for it. */
  traces: { signal: string; flags: number; group: string | undefined }[];
  comments: string[];
}

export function parseSaveFile(text: string): ParsedSaveFile {
  const parsed: ParsedSaveFile = {
    dumpfile: undefined,
    savefile: undefined,
    timestart: undefined,
    zoom: undefined,
    marker: undefined,
    namedMarkers: [],
    markerNames: new Map(),
    groups: [],
    traces: [],
    comments: [],
  };
  let flags = 0;
  let open: SignalGroup | undefined;
  const unquote = (value: string): string => value.trim().replace(/^"(.*)"$/, '$1');
  for (const line of text.split('\n')) {
    if (line === '') continue;
    const directive = /^\[(\w+)\]\s?(.*)$/.exec(line);
    if (line.startsWith('[*]')) {
      const comment = line.slice(3).trim();
      if (comment !== '') parsed.comments.push(comment);
    } else if (directive) {
      const [, key, value = ''] = directive;
      if (key === 'dumpfile') parsed.dumpfile = unquote(value);
      else if (key === 'savefile') parsed.savefile = unquote(value);
      else if (key === 'timestart') parsed.timestart = Number(value);
      else if (key === 'markername' && value.length > 0) parsed.markerNames.set(value[0]!, value.slice(1));
    } else if (line.startsWith('*')) {
      const [zoom, marker, ...named] = line.slice(1).trim().split(/\s+/).map(Number);
      parsed.zoom = zoom;
      parsed.marker = marker;
      parsed.namedMarkers = named;
    } else if (line.startsWith('@')) {
      flags = parseInt(line.slice(1), 16);
    } else if (line.startsWith('-')) {
      const label = line.slice(1);
      if (flags & TRACE_FLAGS.groupBegin) {
        open = { name: label, signals: [] };
        parsed.groups.push(open);
      } else if (flags & TRACE_FLAGS.groupEnd) {
        open = undefined;
      }
    } else {
      parsed.traces.push({ signal: line.trim(), flags, group: open?.name });
      open?.signals.push(line.trim());
    }
  }
  return parsed;
}
