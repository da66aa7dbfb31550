// Shards of one regression merged into one set of results: seeds in their
// original order, functional coverage summed, code coverage files and
// failure waves found again under the directories the shards were copied to.
import { isAbsolute, join, relative } from 'node:path';
import { mergeFunctionalCoverage, type FunctionalCoverageData } from '../coverage/functional.js';
import { MirrorsimError } from '../errors.js';
import { gtkwaveCommand } from '../waves/failure-waves.js';
import { RESULTS_VERSION, type RegressionResults, type SeedRecord } from './records.js';

export class ShardMergeError extends MirrorsimError {
  override name = 'ShardMergeError';
  constructor(
    readonly directory: string,
    readonly reason: string,
  ) {
    super(`merge-reports: ${directory}: ${reason}`);
  }
}

/** A path written on the shard's machine, found again under the directory the shard was copied to. */
function rebase(path: string, shard: RegressionResults, actualDir: string): string {
  const inside = relative(shard.reportDir, path);
  if (inside.startsWith('..') || isAbsolute(inside)) return path;
  return join(actualDir, inside);
}

function rebaseSeed(record: SeedRecord, shard: RegressionResults, dir: string): SeedRecord {
  const waves = record.failure?.waves;
  if (!record.failure || !waves) return record;
  const fst = rebase(waves.fst, shard, dir);
  const gtkw = rebase(waves.gtkw, shard, dir);
  return { ...record, failure: { ...record.failure, waves: { ...waves, fst, gtkw, openCommand: gtkwaveCommand(fst, gtkw) } } };
}

export function mergeShardResults(inputs: ReadonlyArray<{ dir: string; results: RegressionResults }>, reportDir: string): RegressionResults {
  const [first] = inputs;
  if (!first) throw new ShardMergeError('(none)', 'no report directories given: DIRS="build/reports/sim-shard1of2 build/reports/sim-shard2of2"');
  const seen = new Map<number, string>();
  const seeds: SeedRecord[] = [];
  const shardCounts = new Set(inputs.flatMap((input) => input.results.shards.map((shard) => shard.count)));
  if (shardCounts.size > 1) throw new ShardMergeError(inputs.map((i) => i.dir).join(' '), `are shards of different splits (${[...shardCounts].map((n) => `of ${n}`).join(', ')}): merge the shards of one SHARD=i/n split`);
  for (const { dir, results } of inputs) {
    if (results.command !== first.results.command || results.ops !== first.results.ops) {
      throw new ShardMergeError(dir, `is another regression (${results.command}) than ${first.dir} (${first.results.command})`);
    }
    for (const record of results.seeds) {
      const other = seen.get(record.index);
      if (other !== undefined) throw new ShardMergeError(dir, `seed position ${record.index} (seed ${record.seed}) is also in ${other}: the same shard twice?`);
      seen.set(record.index, dir);
      seeds.push(rebaseSeed(record, results, dir));
    }
  }
  seeds.sort((x, y) => x.index - y.index);
  const functional = inputs.map((i) => i.results.functional).filter((f): f is FunctionalCoverageData => f !== undefined);
  return {
    version: RESULTS_VERSION,
    command: first.results.command,
    started: inputs.map((i) => i.results.started).sort()[0]!,
    reportDir,
    ops: first.results.ops,
    shards: inputs.flatMap((i) => i.results.shards).sort((x, y) => x.index - y.index),
    seeds,
    ...(functional.length > 0 ? { functional: mergeFunctionalCoverage(functional) } : {}),
    coverageFiles: inputs.flatMap(({ dir, results }) => results.coverageFiles.map((file) => rebase(file, results, dir))),
  };
}

/** Shards of the run that no input directory holds (from the shard counts they name). */
export function missingShards(results: RegressionResults): string[] {
  const count = results.shards[0]?.count;
  if (count === undefined) return [];
  const present = new Set(results.shards.map((s) => s.index));
  return Array.from({ length: count }, (_, i) => i + 1).filter((i) => !present.has(i)).map((i) => `${i}/${count}`);
}
