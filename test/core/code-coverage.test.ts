// Code coverage merged and rendered: two runs of the fixture with different
// stimulus write two .dat files; merged, they cover what each covered and
// more, lcov's tracefile and genhtml's report name the fixture's sources, and
// missing inputs or tools are refused clearly.
import { chmodSync, copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { fixtureDesign } from '../../src/build/design.js';
import { ensureModel } from '../../src/build/verilate.js';
import {
  CodeCoverageDataError,
  CoverageToolError,
  formatCodeCoverage,
  isHit,
  mergeCodeCoverage,
  mergeCoverageDirs,
  NoCoverageDataError,
  parseCodeCoverageData,
  pointKey,
  readCodeCoverageData,
  summarizeCodeCoverage,
  summarizeCodeCoverageFile,
  type CodeCoverageResult,
} from '../../src/coverage/code-coverage.js';
import { MissingToolError } from '../../src/errors.js';
import { Simulator } from '../../src/sim/simulator.js';
import { ClockCycles } from '../../src/sim/triggers.js';
import { clockAndReset } from './fixture-reset.js';

const dir = mkdtempSync(join(tmpdir(), 'mirrorsim-codecov-'));
const runA = join(dir, 'runs', 'shard1', 'counter.dat');
const runB = join(dir, 'runs', 'shard2', 'nested', 'fifo.dat');

async function runWithCoverage(file: string, body: (dut: any) => Promise<void>): Promise<void> {
  const sim = await Simulator.start({ design: fixtureDesign, coverageFile: file });
  try {
    await sim.runMain(async () => {
      const dut = sim.dut;
      await clockAndReset(dut);
      await body(dut);
    });
  } finally {
    await sim.close();
  }
}

let merged: CodeCoverageResult;

beforeAll(async () => {
  await ensureModel(fixtureDesign, { coverage: true, log: console.log });
  // Run A: the counter counts (and wraps); the FIFO stays idle.
  await runWithCoverage(runA, async (dut) => {
    dut.cnt_en_i.value = 1;
    await ClockCycles(dut.clk_i, 300);
  });
  // Run B: the FIFO fills and drains, the counter is only loaded.
  await runWithCoverage(runB, async (dut) => {
    dut.cnt_load_value_i.value = 0x5a;
    dut.cnt_load_i.value = 1;
    await ClockCycles(dut.clk_i, 1);
    dut.cnt_load_i.value = 0;
    dut.out_ready_i.value = 0;
    dut.in_valid_i.value = 1;
    for (let i = 0; i < 12; i++) {
      dut.in_data_i.value = 0x1000 + i * 0x1111;
      await ClockCycles(dut.clk_i, 1);
    }
    dut.in_valid_i.value = 0;
    dut.out_ready_i.value = 1;
    await ClockCycles(dut.clk_i, 12);
  });
  merged = await mergeCodeCoverage([runA, runB], join(dir, 'report'));
}, 30 * 60_000);

afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

describe('merging two runs', () => {
  test('the merged summary covers at least what each run covered, and more than either', () => {
    const a = summarizeCodeCoverageFile(runA);
    const b = summarizeCodeCoverageFile(runB);
    const all = merged.summary;
    expect(all.inputs).toBe(2);
    for (const kind of ['line', 'toggle', 'branch'] as const) {
      const [ka, kb, km] = [a.kinds[kind]!, b.kinds[kind]!, all.kinds[kind]!];
      // The same model: the same points in every file.
      expect(ka.total).toBeGreaterThan(0);
      expect(km.total).toBe(ka.total);
      expect(kb.total).toBe(ka.total);
      expect(km.hit).toBeGreaterThanOrEqual(ka.hit);
      expect(km.hit).toBeGreaterThanOrEqual(kb.hit);
      expect(km.percent).toBeCloseTo((100 * km.hit) / km.total, 9);
    }
    // Different stimulus: each run took branches and toggled bits the other did not.
    // (Verilator 5.006's line points are one per block, so the two runs' lines nearly coincide.)
    expect(all.kinds.branch!.hit).toBeGreaterThan(Math.max(a.kinds.branch!.hit, b.kinds.branch!.hit));
    expect(all.kinds.toggle.hit).toBeGreaterThan(Math.max(a.kinds.toggle.hit, b.kinds.toggle.hit));
  });

  test('a point is hit in the merge exactly when either run hit it, and counts add up', () => {
    const a = readCodeCoverageData(runA);
    const b = readCodeCoverageData(runB);
    const m = readCodeCoverageData(merged.merged);
    const hitKeys = new Set([...a, ...b].filter(isHit).map(pointKey));
    expect(new Set(m.filter(isHit).map(pointKey))).toEqual(hitKeys);
    const countOf = (points: typeof a) => new Map(points.map((point) => [pointKey(point), point.count]));
    const [ca, cb] = [countOf(a), countOf(b)];
    for (const point of m) expect(point.count).toBe((ca.get(pointKey(point)) ?? 0n) + (cb.get(pointKey(point)) ?? 0n));
  });

  test('per module and per file: the counter\'s count branch is run A\'s, the FIFO\'s pushes and pops run B\'s', () => {
    const a = summarizeCodeCoverageFile(runA);
    const b = summarizeCodeCoverageFile(runB);
    const module = (summary: typeof a, name: string) => summary.modules.find((group) => group.name === name)!.kinds;
    expect(module(a, 'counter').branch!.hit).toBeGreaterThan(module(b, 'counter').branch!.hit);
    expect(module(b, 'fifo').branch!.hit).toBeGreaterThan(module(a, 'fifo').branch!.hit);
    expect(module(b, 'fifo').toggle.hit).toBeGreaterThan(module(a, 'fifo').toggle.hit);
    const files = merged.summary.files.map((group) => group.name);
    expect(files.some((file) => file.endsWith('test/fixtures/rtl/counter.sv'))).toBe(true);
    expect(files.some((file) => file.endsWith('test/fixtures/rtl/fifo.sv'))).toBe(true);
    // Per-module numbers add up to the whole.
    const summed = merged.summary.modules.reduce((sum, group) => sum + group.kinds.line.total, 0);
    expect(summed).toBe(merged.summary.kinds.line.total);
  });

  test('the lcov tracefile has SF: records for the fixture sources, and the HTML report shows them', () => {
    const info = readFileSync(merged.info, 'utf8');
    const sources = [...info.matchAll(/^SF:(.*)$/gm)].map((match) => match[1]!);
    for (const name of ['counter.sv', 'fifo.sv', 'fixture_top.sv']) {
      expect(sources.some((source) => source.endsWith(`test/fixtures/rtl/${name}`))).toBe(true);
    }
    expect(info).toMatch(/^DA:\d+,\d+$/m);
    expect(existsSync(merged.html)).toBe(true);
    const index = readFileSync(merged.html, 'utf8');
    expect(index).toContain('mirrorsim code coverage, 2 runs');
    expect(index).toContain('test/fixtures/rtl');
    // The directory's page lists the files, and each has its annotated source.
    const htmlDir = join(dir, 'report', 'html');
    const pages = readdirSync(join(htmlDir, 'test', 'fixtures', 'rtl'));
    expect(pages).toContain('counter.sv.gcov.html');
    expect(readFileSync(join(htmlDir, 'test', 'fixtures', 'rtl', 'index.html'), 'utf8')).toContain('fifo.sv');
  });

  test('the terminal summary lists every kind and module', () => {
    const text = formatCodeCoverage(merged.summary);
    expect(text).toContain('2 runs merged');
    const line = merged.summary.kinds.line;
    expect(text).toMatch(new RegExp(`^line\\s+${line.hit}\\s+${line.total}\\s+${line.percent.toFixed(1)}%`, 'm'));
    for (const name of ['counter', 'fifo', 'fixture_top']) expect(text).toMatch(new RegExp(`^${name}\\s`, 'm'));
    expect(formatCodeCoverage(merged.summary, { files: true })).toContain('test/fixtures/rtl/counter.sv');
  });
});

describe('collecting and batching', () => {
  test('mergeCoverageDirs finds the .dat files under several directories and skips its own output', async () => {
    const out = join(dir, 'runs', 'merged');
    const first = await mergeCoverageDirs([join(dir, 'runs', 'shard1'), join(dir, 'runs', 'shard2')], out);
    expect(first.summary.inputs).toBe(2);
    expect(first.summary.kinds).toEqual(merged.summary.kinds);
    // Its output lies under the searched directory now: merging again must not count it.
    const again = await mergeCoverageDirs([join(dir, 'runs')], out);
    expect(again.summary.inputs).toBe(2);
    expect(readCodeCoverageData(again.merged).map((point) => point.count)).toEqual(readCodeCoverageData(first.merged).map((point) => point.count));
  });

  test('hundreds of inputs are merged in batches, counts summed over all of them', async () => {
    const copies = join(dir, 'copies');
    mkdirSync(copies);
    const files = Array.from({ length: 450 }, (_, i) => {
      const file = join(copies, `run-with-a-long-name-to-fill-the-command-line-${String(i).padStart(4, '0')}.dat`);
      copyFileSync(runA, file);
      return file;
    });
    const result = await mergeCodeCoverage(files, join(dir, 'many'));
    expect(result.summary.inputs).toBe(450);
    const one = new Map(readCodeCoverageData(runA).map((point) => [pointKey(point), point.count]));
    const all = readCodeCoverageData(result.merged);
    expect(all.length).toBe(one.size);
    for (const point of all) expect(point.count).toBe(450n * one.get(pointKey(point))!);
    expect(existsSync(join(dir, 'many', 'merge-parts'))).toBe(false);
  }, 120_000);
});

describe('errors', () => {
  test('no .dat files: the error names the empty directory', async () => {
    const empty = join(dir, 'empty-shard');
    mkdirSync(join(empty, 'sub'), { recursive: true });
    const error = await mergeCoverageDirs([empty], join(dir, 'out-empty')).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NoCoverageDataError);
    expect((error as NoCoverageDataError).directories).toEqual([empty]);
    expect((error as Error).message).toContain(`under ${empty}`);
    await expect(mergeCodeCoverage([], join(dir, 'out-none'))).rejects.toBeInstanceOf(NoCoverageDataError);
    const gone = join(dir, 'no-such-dir');
    await expect(mergeCoverageDirs([gone], join(dir, 'out-gone'))).rejects.toMatchObject({ missing: [gone] });
  });

  test('a missing input file, and a file that is not coverage data, are named', async () => {
    const missing = join(dir, 'nowhere.dat');
    await expect(mergeCodeCoverage([runA, missing], join(dir, 'out-missing'))).rejects.toMatchObject({ name: 'CodeCoverageDataError', file: missing });
    // verilator_coverage itself would merge it silently into nothing.
    const garbage = join(dir, 'garbage.dat');
    writeFileSync(garbage, 'not coverage\n');
    await expect(mergeCodeCoverage([runA, garbage], join(dir, 'out-garbage'))).rejects.toMatchObject({ name: 'CodeCoverageDataError', file: garbage, line: 1 });
    expect(() => parseCodeCoverageData('hello\n', 'x.dat')).toThrow(CodeCoverageDataError);
    expect(() => parseCodeCoverageData("# SystemC::Coverage-3\nC 'oops\n", 'x.dat')).toThrow(/x\.dat:2: not a coverage record/);
  });

  test('a failing tool: its exit status and last error lines', async () => {
    const failing = join(dir, 'failing-tool.sh');
    writeFileSync(failing, '#!/bin/sh\necho "working" \necho "%Error: cannot merge these" >&2\nexit 3\n');
    chmodSync(failing, 0o755);
    const error = await mergeCodeCoverage([runA], join(dir, 'out-failing'), { tools: { verilatorCoverage: failing } }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CoverageToolError);
    expect(error).toMatchObject({ tool: 'verilator_coverage', exitCode: 3, outputTail: ['%Error: cannot merge these'] });
    expect((error as Error).message).toContain(`--write ${join(dir, 'out-failing', 'merged.dat')}`);
  });

  test('a missing tool is a MissingToolError with its apt package', async () => {
    const error = await mergeCodeCoverage([runA], join(dir, 'out-tool'), { tools: { genhtml: join(dir, 'no-genhtml') } }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MissingToolError);
    expect(error).toMatchObject({ tool: 'genhtml', installHint: 'apt-get install lcov' });
    await expect(mergeCodeCoverage([runA], join(dir, 'out-tool2'), { tools: { verilatorCoverage: join(dir, 'no-vc') } }))
      .rejects.toMatchObject({ tool: 'verilator_coverage', installHint: 'apt-get install verilator' });
  });
});

describe('user cover points', () => {
  // The record format, as a model with `cover property` statements writes it.
  // Each node's mm_takeover is its own variant (NodeId differs); the two link endpoints share one.
  const record = (variant: string, line: number, label: string, hier: string, count: number) =>
    `C '\x01f\x02rtl/mm/mm_takeover.sv\x01l\x02${line}\x01n\x023\x01page\x02v_user/${variant}\x01o\x02${label}\x01S\x02${line}\x01h\x02${hier}' ${count}`;
  const text = [
    '# SystemC::Coverage-3',
    record('mm_takeover__Nz1_F8', 250, 'TakeoverDone_C', 'TOP.mirror_top.u_node_a.u_mm.u_takeover.TakeoverDone_C', 3),
    record('mm_takeover__Nz2_F8', 250, 'TakeoverDone_C', 'TOP.mirror_top.u_node_b.u_mm.u_takeover.TakeoverDone_C', 0),
    record('mm_takeover__Nz1_F8', 252, 'Fenced_C', 'TOP.mirror_top.u_node_a.u_mm.u_takeover.Fenced_C', 0),
    "C '\x01f\x02rtl/link/link_endpoint.sv\x01l\x02100\x01n\x025\x01page\x02v_line/link_endpoint__pi7\x01o\x02block\x01S\x02100-102\x01h\x02TOP.mirror_top.u_link.u_ep_*' 12",
    '',
  ].join('\n');

  test('counted per module variant, and the never-hit ones are the holes', () => {
    const summary = summarizeCodeCoverage(parseCodeCoverageData(text));
    expect(summary.kinds.user).toEqual({ hit: 1, total: 3, percent: 100 / 3 });
    expect(summary.kinds.line).toEqual({ hit: 1, total: 1, percent: 100 });
    expect(summary.kinds.branch).toBeUndefined();
    expect(summary.holes.map((hole) => hole.hierarchy)).toEqual([
      'TOP.mirror_top.u_node_b.u_mm.u_takeover.TakeoverDone_C',
      'TOP.mirror_top.u_node_a.u_mm.u_takeover.Fenced_C',
    ]);
    expect(summary.holes[1]).toMatchObject({ name: 'Fenced_C', file: 'rtl/mm/mm_takeover.sv', line: 252, module: 'mm_takeover' });
    // Per module: the variants together, under the module's own name.
    expect(summary.modules.map((group) => group.name)).toEqual(['link_endpoint', 'mm_takeover']);
    expect(summary.modules[1]!.kinds.user).toEqual(summary.kinds.user);
    expect(summary.files.map((group) => group.name)).toEqual(['rtl/link/link_endpoint.sv', 'rtl/mm/mm_takeover.sv']);
    const formatted = formatCodeCoverage(summary);
    expect(formatted).toContain('user cover points never hit: 2 of 3');
    expect(formatted).toContain('TOP.mirror_top.u_node_a.u_mm.u_takeover.Fenced_C  (rtl/mm/mm_takeover.sv:252)');
  });
});
