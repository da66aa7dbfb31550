// The regression's reports, read as their users read them: the HTML page in
// headless Chromium (summary, failure groups, a failure with its invariant,
// replay command, waves and timing diagram), the JUnit XML through a real
// XML parser, failures grouped by signature, and shards merged back into the
// unsharded run.
import { existsSync, mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { InvariantViolation } from '../../src/mirror/scoreboard.js';
import type { RunResult } from '../../src/mirror/regression.js';
import { mergeShardResults, missingShards, ShardMergeError } from '../../src/report/merge.js';
import { RESULTS_VERSION, readResults, type RegressionResults, type SeedRecord } from '../../src/report/records.js';
import { seedRecord } from '../../src/report/seed-record.js';
import { failureSignature, groupFailures } from '../../src/report/signature.js';
import { formatSummary } from '../../src/report/summary.js';
import { shortLabel, timingDiagram } from '../../src/report/timing-diagram.js';
import { clearReports, ReportDirectoryError, writeReports } from '../../src/report/write-reports.js';
import { dumpDom, screenshot } from './chromium.js';

const dir = mkdtempSync(join(tmpdir(), 'mirrorsim-reports-'));
const KEEP = process.env.MIRRORSIM_KEEP_REPORTS === '1';
afterAll(() => (KEEP ? console.log(`reports kept in ${dir}`) : rmSync(dir, { recursive: true, force: true })));

const TRANSACTIONS = [
  { time: 1000, where: 'a', text: 'request a pid1 GetWritePtr guid=0x1001 page=2 (tag 7)' },
  { time: 1040, where: 'a->b', text: 'LockReq tag=7 guid=0x1001 page=2 owner=1 arg0=0x0 arg1=0x0' },
  { time: 1180, where: 'b->a', text: 'LockStatus tag=7 guid=0x1001 page=2 owner=1 arg0=0x0 arg1=0x0' },
  { time: 1200, where: 'a->b', text: 'AllocWrite tag=7 guid=0x1001 page=2 owner=1 arg0=0x0 arg1=0x0' },
  { time: 1390, where: 'b->a', text: 'Complete tag=7 guid=0x1001 status=Ok' },
  { time: 1400, where: 'a', text: 'answer tag 7 GetWritePtr pid1 guid=0x1001 page=2: Granted pointer=3' },
  { time: 1600, where: 'b', text: 'request b pid0 GetReadPtr guid=0x1001 page=2 (tag 2)' },
  { time: 1650, where: 'b', text: 'answer tag 2 GetReadPtr pid0 guid=0x1001 page=2: Granted pointer=5' },
];

/** A regression run as runRegression returns it; `violation` makes it a failing one. */
function run(scenario: string, seed: number, cycles: number, violation?: { invariant: string; detail: string; time: number }): RunResult {
  return {
    seed, scenario, faults: 'lossy', outcomes: new Map([['get write pointer Granted', 3], ['release pointer Ok', 3]]), messages: new Map([['LockReq', 4], ['Complete', 9]]),
    retransmissions: 2, trims: 0, injected: new Map([['drop', 3]]), servedBySurvivor: 0, checkpoints: 4, pagesCompared: 20, cycles, seconds: cycles / 20_000,
    failovers: 0, failbacks: 0, cuts: 0, fences: 0, resyncCuts: 0, inDoubt: 0,
    violation: violation ? new InvariantViolation(violation.invariant, violation.detail, violation.time, 'last on a:\n  1400 ns  a  answer …') : undefined,
    transactions: violation ? TRANSACTIONS : [],
  } as RunResult;
}

const replay = (scenario: string, seed: number) => `make sim TEST=${scenario} SEED=${seed} OPS=100 WAVES=1`;

function record(index: number, scenario: string, seed: number, cycles: number, violation?: Parameters<typeof run>[3]): SeedRecord {
  return seedRecord(run(scenario, seed, cycles, violation), index, 100, replay(scenario, seed));
}

const MIRROR = 'mirror: a released page is on the partner';
const seeds: SeedRecord[] = [
  record(0, 'random', 500, 40_000),
  record(1, 'lossy', 501, 52_000, { invariant: MIRROR, detail: 'b pid1 guid=0x1001 page=2, but frame 5 on b differs first at word 3', time: 1700 }),
  record(2, 'random', 502, 38_000),
  record(3, 'lossy', 503, 21_000, { invariant: MIRROR, detail: 'a pid3 guid=0x2004 page=0, but frame 1 on b differs first at word 0', time: 1700 }),
  record(4, 'contention', 504, 30_000, { invariant: 'lock safety: both nodes hold exactly the granted locks', detail: 'after phase 2: node a has w1 <&"\u0001\'>; granted: w2', time: 1700 }),
];

function results(seedRecords: SeedRecord[], reportDir: string, shards: RegressionResults['shards'] = []): RegressionResults {
  return { version: RESULTS_VERSION, command: 'make sim SEED=500 SEEDS=5 OPS=100', started: '2026-12-02T10:00:00.000Z', reportDir, ops: 100, shards, seeds: seedRecords, coverageFiles: [] };
}

describe('failure signatures', () => {
  test('the numbers and nodes of a run are taken out, the invariant and the place stay', () => {
    expect(failureSignature(MIRROR, 'b pid1 guid=0x1001 page=2, but frame 5 on b differs')).toBe(failureSignature(MIRROR, 'a pid3 guid=0x2004 page=0, but frame 11 on a differs'));
    expect(failureSignature(MIRROR, 'b pid1 guid=0x1001 page=2, but frame 5 on b differs')).toBe(`${MIRROR} @ {node} pid# guid=# page=#, but frame # on {node} differs`);
    expect(failureSignature('tables agree', 'after phase 2: node a has 3 resident pages')).not.toBe(failureSignature('tables agree', 'after phase 2: allocation 0x1001 names originator slot 1'));
    expect(failureSignature('lock safety', 'after phase 1: x')).not.toBe(failureSignature('tables agree', 'after phase 1: x'));
  });

  test('failing seeds of one bug are one group, with its count and the shortest seed', () => {
    const groups = groupFailures(seeds);
    expect(groups).toHaveLength(2);
    expect(groups[0]).toMatchObject({ invariant: MIRROR, count: 2, seeds: [501, 503] });
    expect(groups[0]!.shortest.seed).toBe(503);
    expect(groups[1]).toMatchObject({ count: 1, seeds: [504] });
    const summary = formatSummary(seeds);
    expect(summary).toMatch(/failures by signature/);
    expect(summary).toMatch(/FAIL: 2 passed, 3 failed/);
  });
});

describe('timing diagram', () => {
  test('one lane per port and link direction, a column per moment, the violation in the last column', () => {
    const wave = timingDiagram(TRANSACTIONS, 1700);
    const lanes = wave.signal.filter((lane): lane is { name: string; wave: string; data?: string[] } => 'name' in lane);
    expect(lanes.map((lane) => lane.name)).toEqual(['time (ns)', 'A process', 'link A→B', 'link B→A', 'B process', 'violation']);
    // Eight transactions at eight moments, and the violation's.
    for (const lane of lanes) expect(lane.wave).toHaveLength(9);
    expect(lanes[0]!.data).toEqual(['1000', '1040', '1180', '1200', '1390', '1400', '1600', '1650', '1700']);
    expect(lanes[1]!.wave).toBe('=z...=z..');
    expect(lanes[1]!.data).toEqual(['GetWritePtr p2', 'GetWritePtr p2: …']);
    expect(lanes[2]!.data).toEqual(['LockReq p2', 'AllocWrite p2']);
    expect(lanes[5]!.wave).toBe('0.......1');
    expect(shortLabel('Complete tag=7 guid=0x1001 status=Ok')).toBe('Complete Ok');
    // Only what came before the violation, and only the last few of a busy lane.
    const busy = Array.from({ length: 20 }, (_, i) => ({ time: 100 * i, where: 'a', text: `request a pid1 GetReadPtr guid=0x1 page=${i} (tag ${i})` }));
    const late = timingDiagram([...busy, { time: 5000, where: 'b', text: 'after' }], 1900, { perLane: 4 });
    expect((late.signal[0] as { data: string[] }).data).toEqual(['1600', '1700', '1800', '1900']);
  });
});

describe('JUnit XML', () => {
  test('one test case per seed, failures carry the replay command, and a real XML parser reads it', async () => {
    const reportDir = join(dir, 'junit');
    const written = writeReports(results(seeds, reportDir));
    const dom = await dumpDom(written.junit);
    // Chromium renders a malformed XML file as a page of parser errors.
    expect(dom).not.toMatch(/error on line|This page contains the following errors/);
    const cases = dom.match(/<testcase /g) ?? [];
    expect(cases).toHaveLength(5);
    expect((dom.match(/<failure /g) ?? []).length).toBe(3);
    expect(dom).toContain('replay: make sim TEST=lossy SEED=503 OPS=100 WAVES=1');
    // Markup and control characters in a detail arrive as text.
    expect(dom).toContain('node a has w1 &lt;&amp;"\'&gt;; granted: w2');
  }, 90_000);
});

describe('HTML report', () => {
  test('headless Chromium renders the summary, the failure groups and each failure with its timing diagram', async () => {
    const reportDir = join(dir, 'html');
    mkdirSync(join(reportDir, 'waves'), { recursive: true });
    const failing = seeds.map((s) => (s.seed === 503 ? { ...s, failure: { ...s.failure!, waves: { fst: join(reportDir, 'waves/lossy-seed503.fst'), gtkw: join(reportDir, 'waves/lossy-seed503.gtkw'), openCommand: `gtkwave ${reportDir}/waves/lossy-seed503.fst ${reportDir}/waves/lossy-seed503.gtkw`, fromNs: 0, toNs: 1900, bytes: 4096, reproduced: true } } } : s));
    const written = writeReports(results(failing, reportDir), {
      functional: [{ name: 'message x status', required: true, goal: 90, covered: 40, total: 50, percent: 80, holes: ['SpaceReq x Denied'] }],
      code: [{ kind: 'line', hit: 900, total: 1000, percent: 90 }],
    });
    const dom = await dumpDom(written.html);
    const text = dom.replace(/<style[^>]*>[^<]*<\/style>/g, ' ').replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ');
    expect(dom).toMatch(/id="verdict">FAIL</);
    // The summary row: 5 seeds, 2 passed, 3 failed, 2 signatures.
    expect(text).toMatch(/seeds passed failed failure signatures .*? 5 2 3 2 100/);
    expect(text).toMatch(/2 mirror: a released page is on the partner @ .* lossy 503 21000 make sim TEST=lossy SEED=503/);
    // One section per group, showing its shortest seed, with the other seeds named.
    expect((dom.match(/class="failure"/g) ?? []).length).toBe(2);
    expect(dom).toContain('id="failure-lossy-503"');
    expect(text).toContain('The same signature on seeds 501.');
    expect(text).toContain('gtkwave');
    expect(dom).toMatch(/<pre class="replay">make sim TEST=contention SEED=504 OPS=100 WAVES=1<\/pre>/);
    expect(text).toContain('node a has w1 &lt;&amp;"\u0001\'&gt;; granted: w2');
    // Every failing seed has its row, the shortest of each signature its section.
    expect((dom.match(/<tr>/g) ?? []).length).toBeGreaterThan(0);
    expect(dom).toContain('id="failing-seeds"');
    expect(text).toMatch(/lossy 501 mirror: a released page is on the partner 1700 make sim TEST=lossy SEED=501/);
    // The WaveDrom diagram came through as SVG with its lanes.
    expect((dom.match(/<svg[^>]*class="WaveDrom"/g) ?? []).length).toBe(2);
    expect(text).toContain('link A→B');
    expect(text).toMatch(/message x status 40\/50 80\.0 90 required SpaceReq x Denied/);
    const png = join(reportDir, 'report.png');
    await screenshot(written.html, png);
    expect(statSync(png).size).toBeGreaterThan(20_000);
  }, 120_000);

  test('a passing run reads PASS and has no failure section', async () => {
    const reportDir = join(dir, 'pass');
    const written = writeReports(results(seeds.filter((s) => !s.failure), reportDir));
    const dom = await dumpDom(written.html);
    expect(dom).toMatch(/id="verdict">PASS</);
    expect(dom).not.toContain('class="failure"');
    expect(readResults(written.json).seeds.map((s) => s.seed)).toEqual([500, 502]);
  }, 90_000);
});

describe('shards', () => {
  const shard = (index: number) => {
    const shardDir = join(dir, `shard${index}of2`);
    const own = seeds.filter((s) => s.index % 2 === index - 1);
    return { dir: shardDir, results: results(own, `/elsewhere/build/reports/sim-shard${index}of2`, [{ index, count: 2 }]) };
  };

  test('two shards merge back into the unsharded seed list, paths found under the copied directories', () => {
    const first = shard(1);
    first.results.seeds = first.results.seeds.map((s) => (s.failure ? { ...s, failure: { ...s.failure, waves: { fst: '/elsewhere/build/reports/sim-shard1of2/waves/x.fst', gtkw: '/elsewhere/build/reports/sim-shard1of2/waves/x.gtkw', openCommand: '', fromNs: 0, toNs: 1, bytes: 1, reproduced: true } } } : s));
    first.results.coverageFiles = ['/elsewhere/build/reports/sim-shard1of2/coverage/random-seed500.dat'];
    const merged = mergeShardResults([shard(2), first], join(dir, 'merged'));
    expect(merged.seeds.map((s) => s.seed)).toEqual(seeds.map((s) => s.seed));
    expect(merged.shards).toEqual([{ index: 1, count: 2 }, { index: 2, count: 2 }]);
    expect(missingShards(merged)).toEqual([]);
    expect(merged.coverageFiles).toEqual([join(first.dir, 'coverage/random-seed500.dat')]);
    const waves = merged.seeds.find((s) => s.failure?.waves)!.failure!.waves!;
    expect(waves.fst).toBe(join(first.dir, 'waves/x.fst'));
    expect(waves.openCommand).toBe(`gtkwave ${join(first.dir, 'waves/x.fst')} ${join(first.dir, 'waves/x.gtkw')}`);
  });

  test('a missing shard is named; the same shard twice and another regression are refused', () => {
    expect(missingShards(mergeShardResults([shard(1)], dir))).toEqual(['2/2']);
    expect(() => mergeShardResults([shard(1), shard(1)], dir)).toThrow(ShardMergeError);
    expect(() => mergeShardResults([shard(1), shard(1)], dir)).toThrow(/seed position 0 \(seed 500\) is also in/);
    const other = shard(2);
    other.results.command = 'make sim SEED=9 SEEDS=5 OPS=100';
    expect(() => mergeShardResults([shard(1), other], dir)).toThrow(/is another regression/);
    expect(() => mergeShardResults([], dir)).toThrow(/no report directories given/);
  });

  test('a file that is not a results file is refused with its name', () => {
    const file = join(dir, 'bogus.json');
    writeFileSync(file, '{"version": 99}');
    expect(() => readResults(file)).toThrow(`${file}: not a mirrorsim results file of version ${RESULTS_VERSION}`);
  });
});

describe('report directories', () => {
  test('a run clears its own report directory, and refuses one that is not a report directory', () => {
    const own = join(dir, 'own');
    writeReports(results(seeds, own));
    mkdirSync(join(own, 'waves'));
    writeFileSync(join(own, 'waves', 'old.fst'), 'x');
    clearReports(own);
    expect(existsSync(join(own, 'waves'))).toBe(false);
    expect(existsSync(join(own, 'results.json'))).toBe(false);
    const other = join(dir, 'other');
    mkdirSync(join(other, 'coverage'), { recursive: true });
    writeFileSync(join(other, 'notes.txt'), 'mine');
    expect(() => clearReports(other)).toThrow(ReportDirectoryError);
    expect(existsSync(join(other, 'coverage'))).toBe(true);
  });
});
