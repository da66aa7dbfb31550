// GTKWave save files, signal groups and waveform knobs, without a
// simulation: what writeSaveFile writes reads back as the same dump, groups,
// marker and window; groups come from the names a design really has, and a
// pattern that matches nothing is an error naming it.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, test } from 'vitest';
import { failureWindow } from '../../src/waves/failure-waves.js';
import { nsToTicks, parseTimescale, VcdHeaderParser } from '../../src/waves/fst-signals.js';
import { readWaveKnobs } from '../../src/waves/knobs.js';
import { designPath, genericWaveGroups, groupsFromPatterns, WaveSignalPatternError } from '../../src/waves/groups.js';
import { parseSaveFile, SaveFileError, saveFileText, TRACE_FLAGS, writeSaveFile, zoomFor } from '../../src/waves/gtkw.js';

const dir = mkdtempSync(join(tmpdir(), 'mirrorsim-gtkw-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const PS = { magnitude: 1, exponent: -12 };

test('a save file reads back as the dump, groups, flags, markers and window it was written with', () => {
  const fst = join(dir, 'run.fst');
  const file = join(dir, 'sub', 'run.gtkw');
  const groups = [
    { name: 'clock and reset', signals: ['TOP.top.clk_i', 'TOP.top.rst_ni'] },
    { name: 'node A: memory manager', signals: ['TOP.top.u_a.state_q[4:0]', 'TOP.top.tx_valid[0]', 'TOP.top.tx_data[0][31:0]'] },
  ];
  writeSaveFile({ fst, file, groups, timescale: PS, markerNs: 123_456.5, windowNs: [100_000, 200_000], comments: ['seed=7', 'what failed'] });
  const text = readFileSync(file, 'utf8');
  const saved = parseSaveFile(text);
  expect(saved.dumpfile).toBe(fst);
  expect(saved.savefile).toBe(file);
  expect(saved.groups).toEqual(groups);
  expect(saved.timestart).toBe(100_000_000);
  expect(saved.marker).toBe(123_456_500);
  // Named markers A..Z: A at the failure, the others unset.
  expect(saved.namedMarkers).toEqual([123_456_500, ...Array(25).fill(-1)]);
  expect(saved.markerNames.get('A')).toBe('failure');
  expect(saved.comments).toEqual(['seed=7', 'what failed']);
  // Vectors in hex, bits in binary, groups begin and end (GTKWave's @22, @28, @800200, @1000200).
  const flags = new Map(saved.traces.map((trace) => [trace.signal, trace.flags]));
  expect(flags.get('TOP.top.clk_i')).toBe(0x28);
  expect(flags.get('TOP.top.tx_valid[0]')).toBe(0x28);
  expect(flags.get('TOP.top.u_a.state_q[4:0]')).toBe(0x22);
  expect(flags.get('TOP.top.tx_data[0][31:0]')).toBe(0x22);
  expect(text).toMatch(/^@800200\n-clock and reset$/m);
  expect(text).toMatch(/^@1000200\n-node A: memory manager$/m);
  expect(TRACE_FLAGS.groupBegin | TRACE_FLAGS.blank).toBe(0x800200);
  // The zoom shows the window in the wave area: 2^-zoom ticks per 200 pixels.
  const ticksPerPixel = 2 ** -saved.zoom! / 200;
  const span = 100_000_000;
  expect(ticksPerPixel * 700).toBeLessThan(span);
  expect(ticksPerPixel * 1100).toBeGreaterThan(span);
  expect(saved.zoom).toBeCloseTo(zoomFor(span), 5);
});

test('without marker or window: no marker, the view from time 0', () => {
  const saved = parseSaveFile(saveFileText({ fst: 'a.fst', file: 'a.gtkw', groups: [{ name: 'g', signals: ['TOP.x'] }], timescale: PS }));
  expect(saved.marker).toBe(-1);
  expect(saved.namedMarkers.every((marker) => marker === -1)).toBe(true);
  expect(saved.timestart).toBe(0);
  expect(saved.markerNames.size).toBe(0);
});

test('names and windows a save file cannot hold are refused, naming the file', () => {
  const base = { fst: 'a.fst', file: 'bad.gtkw', timescale: PS };
  expect(() => saveFileText({ ...base, groups: [{ name: 'g', signals: ['TOP.count [7:0]'] }] })).toThrow(SaveFileError);
  expect(() => saveFileText({ ...base, groups: [{ name: 'two\nlines', signals: [] }] })).toThrow(/bad.gtkw: group name/);
  expect(() => saveFileText({ ...base, groups: [], windowNs: [20, 10] })).toThrow(/window \[20, 10\] ns/);
});

test('times in ticks of the dump\'s timescale; VCD headers parse into GTKWave names', () => {
  expect(parseTimescale('1ps')).toEqual(PS);
  expect(parseTimescale('10 ns')).toEqual({ magnitude: 10, exponent: -9 });
  expect(parseTimescale('3ps')).toBeUndefined();
  expect(nsToTicks(1234.5, PS)).toBe(1_234_500);
  expect(nsToTicks(100, { magnitude: 10, exponent: -9 })).toBe(10);
  const parser = new VcdHeaderParser();
  const header = ['$timescale', '\t1ns', '$end', '$scope module TOP $end', '$var wire 1 ! clk $end', '$scope module dut $end', '$var logic 8 " count_q [7:0] $end', '$var logic 32 # mem[3] [31:0] $end', '$upscope $end', '$upscope $end', '$enddefinitions $end', '#0'];
  const ended = header.map((line) => parser.line(line));
  expect(ended.indexOf(true)).toBe(header.indexOf('$enddefinitions $end'));
  expect(parser.timescale).toEqual({ magnitude: 1, exponent: -9 });
  expect(parser.signals).toEqual([
    { name: 'TOP.clk', width: 1, type: 'wire' },
    { name: 'TOP.dut.count_q[7:0]', width: 8, type: 'logic' },
    { name: 'TOP.dut.mem[3][31:0]', width: 32, type: 'logic' },
  ]);
});

const FIXTURE_NAMES = [
  'TOP.clk_i', 'TOP.rst_ni', 'TOP.cnt_count_o[7:0]', 'TOP.in_data_i[31:0]',
  'TOP.fixture_top.clk_i', 'TOP.fixture_top.cnt_count_o[7:0]',
  'TOP.fixture_top.u_counter.count_q[7:0]', 'TOP.fixture_top.u_counter.count_d[7:0]',
  'TOP.fixture_top.u_fifo.level_q[3:0]', 'TOP.fixture_top.u_fifo.storage_q[0][31:0]',
];

test('groups from patterns match design paths, and a pattern that matches nothing is named', () => {
  expect(designPath('TOP.fixture_top.u_counter.count_q[7:0]')).toBe('u_counter.count_q');
  expect(designPath('u_counter.count_q')).toBe('u_counter.count_q');
  expect(designPath('TOP.clk_i')).toBeUndefined(); // the model's own copy of a port
  const groups = groupsFromPatterns(FIXTURE_NAMES, [
    { name: 'clock', patterns: ['clk_i'] },
    { name: 'counter', patterns: ['u_counter.count_*', 'cnt_count_o'] },
  ]);
  expect(groups).toEqual([
    { name: 'clock', signals: ['TOP.fixture_top.clk_i'] },
    { name: 'counter', signals: ['TOP.fixture_top.u_counter.count_q[7:0]', 'TOP.fixture_top.u_counter.count_d[7:0]', 'TOP.fixture_top.cnt_count_o[7:0]'] },
  ]);
  // `*` stays within one level.
  expect(() => groupsFromPatterns(FIXTURE_NAMES, [{ name: 'deep', patterns: ['u_*q'] }])).toThrow(WaveSignalPatternError);
  // A renamed register: the error names the group, the pattern and what is close.
  let error: unknown;
  try {
    groupsFromPatterns(FIXTURE_NAMES, [{ name: 'counter', patterns: ['u_counter.cnt_q'] }]);
  } catch (caught) {
    error = caught;
  }
  expect(error).toBeInstanceOf(WaveSignalPatternError);
  expect(error).toMatchObject({ group: 'counter', pattern: 'u_counter.cnt_q' });
  expect((error as WaveSignalPatternError).closest).toContain('u_counter.count_q');
  expect((error as Error).message).toMatch(/wave group 'counter': no signal matches 'u_counter.cnt_q'/);
});

test('generic groups: top-level inputs and outputs, then each instance\'s state registers, capped', () => {
  const groups = genericWaveGroups(FIXTURE_NAMES);
  expect(groups).toEqual([
    { name: 'inputs', signals: ['TOP.clk_i', 'TOP.rst_ni', 'TOP.in_data_i[31:0]'] },
    { name: 'outputs', signals: ['TOP.cnt_count_o[7:0]'] },
    { name: 'u_counter state', signals: ['TOP.fixture_top.u_counter.count_q[7:0]'] },
    { name: 'u_fifo state', signals: ['TOP.fixture_top.u_fifo.level_q[3:0]'] },
  ]);
  const capped = genericWaveGroups(FIXTURE_NAMES, { instances: 1, perGroup: 2 });
  expect(capped.map((group) => group.name)).toEqual(['inputs', 'outputs', 'u_counter state']);
  expect(capped[0]!.signals).toHaveLength(2);
  // The host's names (no TOP, no ranges) group the same way.
  expect(genericWaveGroups(['clk_i', 'cnt_count_o', 'u_counter.count_q']).map((group) => group.signals)).toEqual([['clk_i'], ['cnt_count_o'], ['u_counter.count_q']]);
});

test('the window of a failure: its last cycles, a few after, or the bounds given', () => {
  const at = { failureNs: 500_000, windowCycles: 20_000, clockNs: 10 };
  expect(failureWindow(at)).toEqual([300_000, 500_160]);
  expect(failureWindow({ ...at, failureNs: 1_000 })).toEqual([0, 1_160]);
  expect(failureWindow({ ...at, fromNs: 450_000 })).toEqual([450_000, 500_160]);
  // An end before the failure: the cycles before that end.
  expect(failureWindow({ ...at, toNs: 400_000 })).toEqual([200_000, 400_000]);
});

test('wave knobs: WAVES=1, WAVES_FROM/TO in ns, WAVES_LAST cycles; bad values name the variable', () => {
  expect(readWaveKnobs({})).toEqual({ whole: false, fromNs: undefined, toNs: undefined, lastCycles: 20_000, rerun: true });
  expect(readWaveKnobs({ MIRRORSIM_WAVES: '1', MIRRORSIM_WAVES_FROM: '100', MIRRORSIM_WAVES_TO: '2500.5', MIRRORSIM_WAVES_LAST: '500', MIRRORSIM_WAVES_RERUN: '0' })).toEqual({ whole: true, fromNs: 100, toNs: 2500.5, lastCycles: 500, rerun: false });
  expect(() => readWaveKnobs({ MIRRORSIM_WAVES_FROM: 'soon' })).toThrow(/^WAVES_FROM="soon": must be a number of ns$/);
  expect(() => readWaveKnobs({ MIRRORSIM_WAVES_TO: '-1' })).toThrow(/^WAVES_TO="-1": must not be negative$/);
  expect(() => readWaveKnobs({ MIRRORSIM_WAVES_FROM: '900', MIRRORSIM_WAVES_TO: '100' })).toThrow(/WAVES_TO=100: ends before WAVES_FROM \(900\)/);
  expect(() => readWaveKnobs({ MIRRORSIM_WAVES_LAST: '2.5' })).toThrow(/WAVES_LAST="2.5": must be an integer/);
  expect(() => readWaveKnobs({ MIRRORSIM_WAVES_LAST: '0' })).toThrow(RangeError);
});
