// make coverage's report: the functional records under the given
// directories (a regression's results.json, the directed tests' files) and
// the Verilator .dat files merged into one report; a required group below
// its goal fails it, naming the group and its holes; the page renders.
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { fixtureDesign } from '../../src/build/design.js';
import { ensureModel } from '../../src/build/verilate.js';
import { planId, summarizeCoverage, writeFunctionalCoverage, type FunctionalCoverageData } from '../../src/coverage/functional.js';
import { TESTPLAN } from '../../src/mirror/testplan.js';
import { writeCoverageReport } from '../../src/report/coverage-report.js';
import { RESULTS_VERSION, writeResults } from '../../src/report/records.js';
import { Simulator } from '../../src/sim/simulator.js';
import { ClockCycles } from '../../src/sim/triggers.js';
import { clockAndReset } from '../core/fixture-reset.js';
import { dumpDom } from './chromium.js';

const dir = mkdtempSync(join(tmpdir(), 'mirrorsim-coverage-report-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Every goal bin of the plan hit once, but for the bins `missing` names (`group`, bin key). */
function planData(missing: ReadonlyArray<[string, string]> = []): FunctionalCoverageData {
  const empty = { plan: planId(TESTPLAN), groups: {} };
  const groups: FunctionalCoverageData['groups'] = {};
  for (const group of summarizeCoverage(TESTPLAN, empty)) {
    groups[group.name] = Object.fromEntries(group.holes.filter((key) => !missing.some(([g, k]) => g === group.name && k === key)).map((key) => [key, 1]));
  }
  return { plan: empty.plan, groups };
}

/** One part of `data`: the groups `pick` keeps. */
function part(data: FunctionalCoverageData, pick: (group: string) => boolean): FunctionalCoverageData {
  return { plan: data.plan, groups: Object.fromEntries(Object.entries(data.groups).filter(([group]) => pick(group))) };
}

async function codeCoverageRun(file: string): Promise<void> {
  const sim = await Simulator.start({ design: fixtureDesign, coverageFile: file });
  try {
    await sim.runMain(async () => {
      await clockAndReset(sim.dut);
      sim.dut.cnt_en_i.value = 1;
      await ClockCycles(sim.dut.clk_i, 40);
    });
  } finally {
    await sim.close();
  }
}

beforeAll(async () => {
  await ensureModel(fixtureDesign, { coverage: true, log: console.log });
}, 30 * 60_000);

describe('make coverage report', () => {
  // A required group, with its bins (all of them holes while nothing is sampled).
  const required = summarizeCoverage(TESTPLAN, { plan: planId(TESTPLAN), groups: {} }).find((group) => group.required && group.goal === 100)!;

  test('records from a regression and from directed tests merge; every required group at its goal passes', async () => {
    const input = join(dir, 'pass');
    await codeCoverageRun(join(input, 'suite', 'counter.dat'));
    const full = planData();
    // Half the groups from a regression's results.json, half from directed tests' files.
    const names = Object.keys(full.groups);
    const first = new Set(names.slice(0, names.length / 2));
    writeResults(join(input, 'sim', 'results.json'), { version: RESULTS_VERSION, command: 'make sim', started: '', reportDir: join(input, 'sim'), ops: 1, shards: [], seeds: [], functional: part(full, (g) => first.has(g)), coverageFiles: [] });
    writeFunctionalCoverage(join(input, 'functional', 'directed', 't-seed1.json'), part(full, (g) => !first.has(g)));
    const out = join(dir, 'pass-out');
    const report = await writeCoverageReport([input], out);
    expect(report.output).toContain('1 code coverage file(s) and 2 functional coverage record(s)');
    expect(report.output).toContain('PASS: every required cover group is at its goal');
    expect(report.status).toBe(0);
    expect(existsSync(join(out, 'html', 'index.html'))).toBe(true);
    expect(report.codeHtml).toBe(join(out, 'html', 'index.html'));
    expect(readFileSync(join(out, 'functional.txt'), 'utf8')).toMatch(/line/);
    const dom = await dumpDom(report.functionalHtml);
    expect(dom).toContain('id="functional-coverage"');
    expect(dom).toContain('id="code-coverage"');
    expect(dom).toContain(`<td>${required.name}</td>`);
  }, 120_000);

  test('a required group one bin short fails, naming the group and the hole', async () => {
    const input = join(dir, 'short');
    await codeCoverageRun(join(input, 'counter.dat'));
    const hole = required.holes[0]!;
    writeFunctionalCoverage(join(input, 'functional', 't.json'), planData([[required.name, hole]]));
    const report = await writeCoverageReport([input], join(dir, 'short-out'));
    expect(report.status).toBe(1);
    expect(report.output).toMatch(new RegExp(`FAIL: 1 required cover group\\(s\\) below goal or with illegal hits: ${required.name} `));
    expect(report.output).toContain(hole);
  }, 60_000);

  test('no functional coverage at all fails; no coverage files at all is an error naming the directory', async () => {
    const input = join(dir, 'code-only');
    await codeCoverageRun(join(input, 'counter.dat'));
    expect((await writeCoverageReport([input], join(dir, 'code-only-out'))).output).toContain('FAIL: no functional coverage was recorded');
    const empty = join(dir, 'empty');
    mkdirSync(empty);
    await expect(writeCoverageReport([empty], join(dir, 'empty-out'))).rejects.toThrow(empty);
  }, 60_000);
});
