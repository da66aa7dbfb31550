// The waveform knobs, read from the environment (the Makefile forwards
// WAVES=, WAVES_FROM=, WAVES_TO=, WAVES_LAST= as MIRRORSIM_*):
// - WAVES=1: trace every run (between WAVES_FROM and WAVES_TO when given);
// - otherwise a failing test is re-run with a trace of its last WAVES_LAST
//   cycles before the failure, or of WAVES_FROM..WAVES_TO.
import { WavesWindowError } from './window.js';

export const DEFAULT_LAST_CYCLES = 20_000;

export interface WaveKnobs {
  /** WAVES=1: every run is traced. */
  whole: boolean;
  fromNs: number | undefined;
  toNs: number | undefined;
  /** Cycles before a failure that its re-run traces. */
  lastCycles: number;
  /** MIRRORSIM_WAVES_RERUN=0 turns the re-run of failing tests off. */
  rerun: boolean;
}

function flag(value: string | undefined): boolean {
  return value !== undefined && value !== '' && value !== '0' && value !== 'false' && value !== 'no';
}

function number(env: NodeJS.ProcessEnv, name: string, integer: boolean): number | undefined {
  const text = env[`MIRRORSIM_${name}`];
  if (text === undefined || text.trim() === '') return undefined;
  const value = Number(text);
  if (!Number.isFinite(value) || (integer && !Number.isSafeInteger(value))) {
    throw new WavesWindowError(name, text, integer ? 'must be an integer' : 'must be a number of ns');
  }
  if (value < 0) throw new WavesWindowError(name, text, 'must not be negative');
  return value;
}

export function readWaveKnobs(env: NodeJS.ProcessEnv = process.env): WaveKnobs {
  const fromNs = number(env, 'WAVES_FROM', false);
  const toNs = number(env, 'WAVES_TO', false);
  if (toNs !== undefined && toNs < (fromNs ?? 0)) throw new WavesWindowError('WAVES_TO', toNs, `ends before WAVES_FROM (${fromNs ?? 0})`);
  const last = number(env, 'WAVES_LAST', true);
  if (last === 0) throw new WavesWindowError('WAVES_LAST', last, 'must be at least 1 cycle');
  return {
    whole: flag(env.MIRRORSIM_WAVES),
    fromNs,
    toNs,
    lastCycles: last ?? DEFAULT_LAST_CYCLES,
    rerun: !env.MIRRORSIM_WAVES_RERUN || flag(env.MIRRORSIM_WAVES_RERUN),
  };
}
