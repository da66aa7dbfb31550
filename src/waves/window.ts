// What `SimulatorOptions.waves` may say: a file for the whole run, or a file
// and a window of simulation time (ns) outside which nothing is dumped.

export interface WavesWindow {
  file: string;
  /** First time in the trace, ns (default: the start of the run). */
  fromNs?: number;
  /** Last time in the trace, ns; the file is complete from then on (default: the end of the run). */
  toNs?: number;
}

export type WavesOption = string | WavesWindow;

/** A waveform window that cannot be: negative, not a number, or ending before it starts. */
export class WavesWindowError extends RangeError {
  override name = 'WavesWindowError';
  constructor(
    /** Where: the option or variable, e.g. `SimulatorOptions.waves.toNs` or `WAVES_TO`. */
    readonly field: string,
    readonly value: unknown,
    readonly reason: string,
  ) {
    super(`${field}=${JSON.stringify(value) ?? String(value)}: ${reason}`);
  }
}

function checkTime(value: unknown, field: string): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'number' || !Number.isFinite(value)) throw new WavesWindowError(field, value, 'must be a finite number of ns');
  if (value < 0) throw new WavesWindowError(field, value, 'must not be negative');
  return value;
}

/** The option as a window (file, and the bounds given), checked; `where` names it in errors. */
export function wavesWindow(option: WavesOption, where = 'SimulatorOptions.waves'): WavesWindow {
  if (typeof option === 'string') {
    if (option === '') throw new WavesWindowError(where, option, 'needs a file name');
    return { file: option };
  }
  if (typeof option !== 'object' || option === null || typeof option.file !== 'string' || option.file === '') {
    throw new WavesWindowError(`${where}.file`, (option as { file?: unknown } | null)?.file, 'needs a file name');
  }
  const fromNs = checkTime(option.fromNs, `${where}.fromNs`);
  const toNs = checkTime(option.toNs, `${where}.toNs`);
  if (toNs !== undefined && toNs < (fromNs ?? 0)) {
    throw new WavesWindowError(`${where}.toNs`, toNs, `ends before ${where}.fromNs (${fromNs ?? 0})`);
  }
  return { file: option.file, fromNs, toNs };
}
