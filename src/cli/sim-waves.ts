// Waveforms in `make sim`: WAVES=1 traces every seed (between WAVES_FROM and
// WAVES_TO when given) and writes a save file next to each FST; a failing
// seed is re-run with the last WAVES_LAST cycles before the failure traced,
// into the report directory, and its record gets the FST, the save file and
// the command that opens both.
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { mirrorWaveGroups } from '../mirror/wave-groups.js';
import type { RunResult } from '../mirror/regression.js';
import type { FailureRecord } from '../report/records.js';
import { captureFailureWaves, saveFileForTrace, type WavesRequest } from '../waves/failure-waves.js';
import type { WaveKnobs } from '../waves/knobs.js';
import type { WavesWindow } from '../waves/window.js';

/** WAVES=1: the trace a seed's own run writes, and its save file afterwards. */
export function seedWaves(file: string, knobs: WaveKnobs) {
  const request: WavesWindow = { file, fromNs: knobs.fromNs, toNs: knobs.toNs };
  return {
    request,
    /**
     * Writes the save file for the trace, the marker at the violation if
     * there was one; a failure gets these waves (it needs no re-run) or why
     * they cannot be used. Returns the line to print.
     */
    async finish(result: RunResult, failure: FailureRecord | undefined): Promise<string> {
      const endNs = result.violation?.time ?? result.endNs;
      const fromNs = knobs.fromNs ?? 0;
      const toNs = Math.min(knobs.toNs ?? endNs, endNs);
      try {
        const saved = await saveFileForTrace({
          fst: file,
          groups: mirrorWaveGroups,
          markerNs: failure?.time,
          windowNs: knobs.fromNs !== undefined || knobs.toNs !== undefined ? [fromNs, toNs] : undefined,
          comments: [`${result.scenario} seed ${result.seed}${result.violation ? `: ${result.violation.invariant}` : ''}`],
        });
        if (failure) {
          // The trace shows the failure only if its window holds the failure's time.
          const reproduced = fromNs <= failure.time && failure.time <= (knobs.toNs ?? Infinity);
          failure.waves = { fst: file, gtkw: saved.gtkw, openCommand: saved.openCommand, fromNs, toNs, bytes: statSync(file).size, reproduced };
        }
        return `  waves: ${saved.openCommand}`;
      } catch (error) {
        const why = error instanceof Error ? error.message : String(error);
        if (failure) failure.wavesError = why;
        return `  waves: not usable: ${why}`;
      }
    },
  };
}

export interface FailureWavesContext {
  reportDir: string;
  stem: string;
  clockNs: number;
  knobs: WaveKnobs;
  /** The failing seed run again, tracing `waves`. */
  rerun(waves: WavesRequest): Promise<RunResult>;
}

/** Re-runs a failed seed with waves of the cycles before the failure; fills `failure.waves`, or `wavesError` with why not. */
export async function failureWaves(failure: FailureRecord, context: FailureWavesContext): Promise<void> {
  try {
    const waves = await captureFailureWaves({
      dir: join(context.reportDir, 'waves'),
      stem: context.stem,
      failureNs: failure.time,
      windowCycles: context.knobs.lastCycles,
      clockNs: context.clockNs,
      fromNs: context.knobs.fromNs,
      toNs: context.knobs.toNs,
      groups: mirrorWaveGroups,
      comments: [`${context.stem}: ${failure.invariant}`, `replay: ${failure.replay}`],
      rerun: async (request) => {
        const again = (await context.rerun(request)).violation;
        return { reproduced: again?.invariant === failure.invariant && again.time === failure.time };
      },
    });
    const { signals: _signals, ...record } = waves;
    failure.waves = record;
  } catch (error) {
    failure.wavesError = error instanceof Error ? error.message : String(error);
  }
}
