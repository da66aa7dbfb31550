// make sim's knobs: a sharded run draws the whole seed list and keeps its
// share, so the shards of one regression are disjoint and their union is
// the unsharded run, seed for seed and scenario for scenario.
import { afterEach, describe, expect, test } from 'vitest';
import { resolve } from 'node:path';
import { parseShard, readKnobs, SHARDED_FIRST_SEED } from '../../src/cli/knobs.js';

const saved = { ...process.env };
afterEach(() => {
  for (const key of Object.keys(process.env)) if (key.startsWith('MIRRORSIM_')) delete process.env[key];
  Object.assign(process.env, saved);
});

function knobs(env: Record<string, string>) {
  for (const key of Object.keys(process.env)) if (key.startsWith('MIRRORSIM_')) delete process.env[key];
  Object.assign(process.env, env);
  return readKnobs({ seeds: 16, ops: 800 });
}

describe('SHARD=i/n', () => {
  test('shards are disjoint, and their union is the unsharded run in the same positions', () => {
    const whole = knobs({ MIRRORSIM_SEED: '7000', MIRRORSIM_SEEDS: '16' });
    expect(whole.positions).toHaveLength(16);
    for (const count of [2, 3, 5]) {
      const shards = Array.from({ length: count }, (_, i) => knobs({ MIRRORSIM_SEED: '7000', MIRRORSIM_SHARD: `${i + 1}/${count}` }));
      for (const shard of shards) expect(shard.seeds).toEqual(whole.seeds);
      const union = shards.flatMap((shard) => shard.positions).sort((x, y) => x - y);
      expect(union).toEqual(whole.positions);
      expect(new Set(union).size).toBe(union.length);
      expect(shards[0]!.reportDir).toMatch(new RegExp(`reports/sim-shard1of${count}$`));
    }
    expect(knobs({ MIRRORSIM_SEED: '7000', MIRRORSIM_SHARD: '2/2' }).positions).toEqual([1, 3, 5, 7, 9, 11, 13, 15]);
  });

  test('impossible shards are refused, saying why; shards without SEED= share the documented first seed', () => {
    for (const bad of ['0/2', '3/2', '1/0', 'half', '1/2/3']) expect(() => parseShard(bad)).toThrow(`SHARD=${bad} must be i/n`);
    expect(parseShard('')).toBeUndefined();
    const unnamed = [knobs({ MIRRORSIM_SHARD: '1/2' }), knobs({ MIRRORSIM_SHARD: '2/2' })];
    const named = knobs({ MIRRORSIM_SEED: String(SHARDED_FIRST_SEED), MIRRORSIM_SEEDS: '16' });
    for (const shard of unnamed) expect(shard.seeds).toEqual(named.seeds);
    expect(unnamed.flatMap((shard) => shard.positions).sort((x, y) => x - y)).toEqual(named.positions);
  });

  test('SEED= alone replays one seed into a report of its own; SEEDS= makes it a regression again', () => {
    const replay = knobs({ MIRRORSIM_SEED: '42' });
    expect(replay.seeds).toEqual([42]);
    expect(replay.reportDir).toMatch(/reports\/sim-seed42$/);
    const regression = knobs({ MIRRORSIM_SEED: '42', MIRRORSIM_SEEDS: '3' });
    expect(regression.seeds).toEqual([42, 43, 44]);
    expect(regression.reportDir).toMatch(/reports\/sim$/);
    expect(knobs({ MIRRORSIM_SEED: '42', MIRRORSIM_REPORT_DIR: 'here' }).reportDir).toBe(resolve('here'));
  });
});

describe('JOBS=n', () => {
  test('defaults to the cores; an impossible count is refused, saying why', async () => {
    const { availableParallelism } = await import('node:os');
    expect(knobs({}).jobs).toBe(availableParallelism());
    expect(knobs({ MIRRORSIM_JOBS: '3' }).jobs).toBe(3);
    for (const bad of ['0', '-1', '1.5', 'two']) expect(() => knobs({ MIRRORSIM_JOBS: bad })).toThrow(`JOBS=${bad} must be an integer >= 1`);
  });
});
