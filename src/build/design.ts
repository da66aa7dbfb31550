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
  /** C++ sources compiled with the model (DPI functions the RTL imports), relative to the repository root. */
  cppSources?: readonly string[];
}

/** Every source file of the design (SystemVerilog and C++), absolute. */
export function absoluteSources(design: Design): string[] {
  return [...design.sources, ...(design.cppSources ?? [])].map((source) => join(repoRoot, source));
}

/** The fixture designs the bridge's own tests run on. */
export const fixtureDesign: Design = {
  name: 'fixture',
  top: 'fixture_top',
  sources: ['counter', 'fifo', 'wide_reg', 'ram', 'sim_control', 'fixture_top'].map((m) => `test/fixtures/rtl/${m}.sv`),
};

/**
 * A design that crashes on request: crash_i = 1 makes its DPI function call
 * abort(), 2 write to an unmapped address, 3 overflow a signed int and 4 read
 * a freed heap block (the last two only a SANITIZE=1 build stops at;
 * test/fixtures/cpp/crash_dpi.cpp).
 */
export const crashDesign: Design = {
  name: 'crash',
  top: 'crash_top',
  sources: ['test/fixtures/rtl/crash_top.sv'],
  cppSources: ['test/fixtures/cpp/crash_dpi.cpp'],
};

/** The FIFO alone as top: the design `make bench` measures. */
export const fifoBenchDesign: Design = {
  name: 'fifo',
  top: 'fifo',
  sources: ['test/fixtures/rtl/fifo.sv'],
};
