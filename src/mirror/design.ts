// The mirrored memory system as a design the bridge hosts: its sources come
// from rtl/mirror_top.f (the same list `make lint` checks).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Design } from '../build/design.js';
import { repoRoot } from '../build/paths.js';

export interface MirrorParameters {
  PageBytes?: number;
  Frames?: number;
  MaxAllocs?: number;
  MaxPages?: number;
  CacheLines?: number;
  QueueDepth?: number;
  LinkLatency?: number;
  DiskLatency?: number;
  ReqTimeout?: number;
}

export function mirrorSources(): string[] {
  return readFileSync(join(repoRoot, 'rtl', 'mirror_top.f'), 'utf8')
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('#'));
}

/** The two-node system; parameters override the RTL defaults (each set is its own cached build). */
export function mirrorDesign(parameters: MirrorParameters = {}): Design {
  const entries = Object.entries(parameters).filter(([, value]) => value !== undefined) as Array<[string, number]>;
  const suffix = entries.map(([name, value]) => `${name}${value}`).join('-');
  return {
    name: suffix ? `mirror-${suffix}` : 'mirror',
    top: 'mirror_top',
    sources: mirrorSources(),
    parameters: Object.fromEntries(entries),
  };
}
