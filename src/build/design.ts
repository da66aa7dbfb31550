// A design the bridge can host: its top module and its sources.
import { join } from 'node:path';
import { repoRoot } from './paths.js';

export interface Design {
  /** Short name, used for the build directory. */
  name: string;
  /** Top module. */
  top: string;
  /** SystemVerilog sources, relative to the repository root. */
  sources: readonly string[];
  /** Include directories, relative to the repository root. */
  includeDirs?: readonly string[];
  /** Build with the design's assertions active (default); mutants turn them off so the scoreboard alone must catch them. */
  assertions?: boolean;
  /** Top-level parameter overrides (`-G`). */
  parameters?: Readonly<Record<string, number | string>>;
}

export function absoluteSources(design: Design): string[] {
  return design.sources.map((source) => join(repoRoot, source));
}

/** The fixture designs the bridge's own tests run on. */
export const fixtureDesign: Design = {
  name: 'fixture',
  top: 'fixture_top',
  sources: ['counter', 'fifo', 'wide_reg', 'ram', 'sim_control', 'fixture_top'].map((m) => `test/fixtures/rtl/${m}.sv`),
};

/** The FIFO alone as top: the design `make bench` measures. */
export const fifoBenchDesign: Design = {
  name: 'fifo',
  top: 'fifo',
  sources: ['test/fixtures/rtl/fifo.sv'],
};
