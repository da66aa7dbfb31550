// Waveforms of a failure, end to end: a mutant fails the regression; the
// failing seed is re-run with a trace of only its last cycles; the
// FST and the GTKWave save file exist, every signal the save file names is
// in the FST, the marker is at the failure, and the re-run failed the same
// invariant at the same time; and the HTML report of that failure renders
// in headless Chromium with its waves and timing diagram.
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, test } from 'vitest';
import { ensureModel } from '../../src/build/verilate.js';
import { runRegression, type RunResult } from '../../src/mirror/regression.js';
import { findScenario } from '../../src/mirror/scenarios.js';
import { MIRROR_GROUP_SPECS, mirrorWaveGroups } from '../../src/mirror/wave-groups.js';
import { chooseSeed } from '../../src/vitest/seed.js';
import { captureFailureWaves } from '../../src/waves/failure-waves.js';
import { nsToTicks, readFstHeader, readFstSignals } from '../../src/waves/fst-signals.js';
import { parseSaveFile } from '../../src/waves/gtkw.js';
import { WaveSignalPatternError } from '../../src/waves/groups.js';
import { readFstTimes } from '../fst-times.js';
import { gtkwaveView } from '../gtkwave-view.js';
import { mutantDesign } from '../mutants/mutant-design.js';
import { dumpDom } from '../report/chromium.js';
import { escapeHtml } from '../../src/report/html.js';
import { RESULTS_VERSION } from '../../src/report/records.js';
import { seedRecord } from '../../src/report/seed-record.js';
import { writeReports } from '../../src/report/write-reports.js';

const dir = mkdtempSync(join(tmpdir(), 'mirrorsim-failure-waves-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

// The mutant is caught within the first thousand cycles or so: a short
// window, so the trace really starts after the run did.
const WINDOW_CYCLES = 250;
const CLOCK_NS = 10;

test('a caught mutant re-runs with waves of its last cycles; the save file shows only FST signals, marked at the failure', async () => {
  const design = mutantDesign('no-replication');
  await ensureModel(design, { log: (line) => console.log(line) });
  const scenario = findScenario('random')!;
  const seed = chooseSeed();
  console.log(`[mirrorsim] failure waves of mutant no-replication: seed=${seed} (replay: make test TEST=test/mirror/failure-waves.test.ts SEED=${seed})`);
  const run = (waves?: { file: string; fromNs: number; toNs: number }): Promise<RunResult> => runRegression({ scenario, seed, ops: 60, design, waves });

  const first = await run();
  expect(first.violation, `mutant no-replication survived seed ${seed}`).toBeDefined();
  const violation = first.violation!;
  let again: RunResult | undefined;
  const waves = await captureFailureWaves({
    dir,
    stem: `no-replication-seed${seed}`,
    failureNs: violation.time,
    windowCycles: WINDOW_CYCLES,
    clockNs: CLOCK_NS,
    groups: mirrorWaveGroups,
    comments: [`mutant no-replication, scenario random, seed=${seed}`, violation.message.split('\n')[0]!],
    rerun: async (request) => {
      again = await run(request);
      return { reproduced: again.violation?.invariant === violation.invariant && again.violation.time === violation.time };
    },
  });
  console.log(`[mirrorsim] ${waves.bytes} bytes of FST for ${waves.fromNs}-${waves.toNs} ns; ${waves.openCommand}`);

  // The re-run failed the same invariant, with the same detail, at the same time.
  expect(waves.reproduced).toBe(true);
  expect(again!.violation).toMatchObject({ invariant: violation.invariant, detail: violation.detail, time: violation.time });
  expect(existsSync(waves.fst)).toBe(true);
  expect(existsSync(waves.gtkw)).toBe(true);
  expect(waves.openCommand).toBe(`gtkwave ${waves.fst} ${waves.gtkw}`);
  expect(waves.fromNs).toBe(violation.time - WINDOW_CYCLES * CLOCK_NS);
  expect(waves.fromNs).toBeGreaterThan(0);
  expect(waves.toNs).toBeGreaterThan(violation.time);

  // Every signal the save file names is in the FST, in the groups the design's patterns give.
  const inFst = new Set(await readFstSignals(waves.fst));
  const saved = parseSaveFile(readFileSync(waves.gtkw, 'utf8'));
  expect(saved.dumpfile).toBe(waves.fst);
  expect(saved.traces.length).toBeGreaterThan(80);
  expect(saved.traces.map((trace) => trace.signal).filter((signal) => !inFst.has(signal))).toEqual([]);
  expect(saved.groups.map((group) => group.name)).toEqual(MIRROR_GROUP_SPECS.map((spec) => spec.name));
  for (const group of saved.groups) expect(group.signals.length, group.name).toBeGreaterThan(0);
  expect(saved.traces.map((trace) => trace.signal)).toContain('TOP.mirror_top.u_node_a.u_mm.u_originator.state_q[4:0]');

  // The marker (primary and A) is the failure time; the view starts at the window.
  const { timescale } = await readFstHeader(waves.fst);
  const failureTicks = nsToTicks(violation.time, timescale);
  expect(saved.marker).toBe(failureTicks);
  expect(saved.namedMarkers[0]).toBe(failureTicks);
  expect(saved.timestart).toBe(nsToTicks(waves.fromNs, timescale));

  // The FST holds the window and nothing else, the failure inside it.
  const times = await readFstTimes(waves.fst);
  expect(times.first).toBe(nsToTicks(waves.fromNs, timescale));
  expect(times.last).toBeGreaterThanOrEqual(failureTicks);
  expect(times.last).toBeLessThanOrEqual(nsToTicks(waves.toNs, timescale));

  // GTKWave itself, on a virtual display, shows every signal, the marker and the window (make deps installs gtkwave and xvfb).
  const view = await gtkwaveView(waves.fst, waves.gtkw);
  expect(view, 'gtkwave or xvfb-run missing: make deps').toBeDefined();
  expect(view!.displayed).toEqual(saved.traces.map((trace) => trace.signal));
  expect(view!.marker).toBe(failureTicks);
  expect(view!.markerA).toBe(failureTicks);
  expect(view!.start).toBe(nsToTicks(waves.fromNs, timescale));
  expect(view!.end).toBeGreaterThanOrEqual(failureTicks);

  // The report of this real failure, as a person's browser renders it: the invariant, the replay command, the waves and the timing diagram of its transactions.
  const record = seedRecord(first, 0, 60, `make sim TEST=random SEED=${seed} OPS=60 WAVES=1`);
  const { signals: _signals, ...wavesRecord } = waves;
  record.failure!.waves = wavesRecord;
  const written = writeReports({ version: RESULTS_VERSION, command: 'mutant no-replication', started: new Date().toISOString(), reportDir: join(dir, 'report'), ops: 60, shards: [], seeds: [record], coverageFiles: [] });
  expect(readFileSync(written.junit, 'utf8')).toContain(`replay: make sim TEST=random SEED=${seed} OPS=60 WAVES=1`);
  const dom = await dumpDom(written.html);
  expect(dom).toMatch(/id="verdict">FAIL</);
  expect(dom).toContain(`id="failure-random-${seed}"`);
  expect(dom).toContain(escapeHtml(violation.invariant));
  expect(dom).toContain(escapeHtml(waves.openCommand));
  expect(dom).toMatch(/<svg[^>]*class="WaveDrom"/);
  // The diagram's lanes carry the run's own transactions (the link's messages among them).
  expect(record.failure!.transactions.some((t) => t.where === 'a->b' || t.where === 'b->a')).toBe(true);
  expect(dom).toContain('link A→B');

  // A renamed RTL signal does not silently drop out of the save file.
  const renamed = [...inFst].filter((name) => !name.startsWith('TOP.mirror_top.u_node_b.u_dma.state_q'));
  expect(() => mirrorWaveGroups(renamed)).toThrow(WaveSignalPatternError);
  expect(() => mirrorWaveGroups(renamed)).toThrow(/wave group 'node B: DMA engine': no signal matches 'u_node_b.u_dma.state_q'/);
}, 20 * 60_000);
