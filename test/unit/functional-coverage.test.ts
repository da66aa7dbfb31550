// The functional coverage engine: bins, crosses, ignored and illegal bins,
// goals, merging, files, and the errors a sampler's typo or a stale data
// file must raise. Also that the mirror's testplan is a valid plan whose
// sweep groups have exactly the sweep's points as their goal.
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, test } from 'vitest';
import {
  CoveragePlanError,
  CoveragePlanMismatchError,
  CoverageSampleError,
  FunctionalCoverage,
  FunctionalCoverageDataError,
  UnknownCoverBinError,
  UnknownCoverGroupError,
  coverageFailures,
  formatCoverageReport,
  mergeFunctionalCoverage,
  planId,
  readFunctionalCoverage,
  summarizeCoverage,
  writeFunctionalCoverage,
  type CoveragePlan,
} from '../../src/coverage/functional.js';
import { collectFunctionalCoverage, registerFunctionalCoverage } from '../../src/coverage/functional-registry.js';
import { TESTPLAN } from '../../src/mirror/testplan.js';

const PLAN: CoveragePlan = {
  name: 'unit',
  groups: [
    {
      name: 'paint',
      description: 'colour by size',
      required: true,
      goal: 100,
      coverpoints: [
        { name: 'color', bins: ['red', 'green', 'blue', 'black'], ignore: { blue: 'no blue paint' }, illegal: { black: 'black is no colour' } },
        { name: 'size', bins: ['s', 'm', 'l'] },
      ],
      crosses: [
        {
          coverpoints: ['color', 'size'],
          ignore: [{ where: { color: 'green', size: 'l' }, reason: 'no large green' }],
          illegal: [{ where: { color: 'red', size: ['s'] }, reason: 'small red is forbidden' }],
        },
      ],
    },
    {
      name: 'shape',
      description: 'shapes on their own',
      required: false,
      goal: 50,
      coverpoints: [{ name: 'shape', bins: ['round', 'square', 'star', 'oval'] }],
    },
  ],
};

const paint = (coverage: FunctionalCoverage, color: string, size: string) => coverage.sample('paint', { color, size });
const group = (coverage: FunctionalCoverage, name: string) => summarizeCoverage(PLAN, coverage.data()).find((g) => g.name === name)!;

describe('bins and crosses', () => {
  test('a sample hits its coverpoint bins and its cross bin', () => {
    const coverage = new FunctionalCoverage(PLAN);
    paint(coverage, 'red', 'm');
    paint(coverage, 'red', 'm');
    paint(coverage, 'green', 's');
    expect(coverage.data()).toEqual({
      plan: planId(PLAN),
      groups: {
        paint: { 'color=green': 1, 'color=green × size=s': 1, 'color=red': 2, 'color=red × size=m': 2, 'size=m': 2, 'size=s': 1 },
        shape: {},
      },
    });
  });

  test('the goal counts the cross bins, less those ignored, illegal or with an excluded bin in them; a lone coverpoint counts its own bins', () => {
    const coverage = new FunctionalCoverage(PLAN);
    // Goal bins of the cross: {red, green} × {s, m, l}, less green×l (ignored) and red×s (illegal).
    for (const [color, size] of [['red', 'm'], ['green', 's'], ['blue', 's']] as const) paint(coverage, color, size);
    const summary = group(coverage, 'paint');
    expect(summary).toMatchObject({ covered: 2, total: 4, required: true, goal: 100, illegalHits: [] });
    expect(summary.percent).toBeCloseTo(50);
    expect(summary.holes).toEqual(['color=red × size=l', 'color=green × size=m']);
    coverage.sample('shape', { shape: 'star' });
    coverage.sample('shape', { shape: 'oval' });
    expect(group(coverage, 'shape')).toMatchObject({ covered: 2, total: 4, percent: 50, holes: ['shape=round', 'shape=square'] });
  });

  test('illegal bins are reported with their hits and reason, on a coverpoint and in a cross', () => {
    const coverage = new FunctionalCoverage(PLAN);
    paint(coverage, 'black', 'm');
    paint(coverage, 'red', 's');
    paint(coverage, 'red', 's');
    expect(group(coverage, 'paint').illegalHits).toEqual(['color=black (1 hit): black is no colour', 'color=red × size=s (2 hits): small red is forbidden']);
  });

  test('failures: a required group below its goal, any group with an illegal hit; a group at its goal passes', () => {
    const coverage = new FunctionalCoverage(PLAN);
    for (const [color, size] of [['red', 'm'], ['red', 'l'], ['green', 's'], ['green', 'm']] as const) paint(coverage, color, size);
    coverage.sample('shape', { shape: 'round' });
    // paint 100% of 100%, shape 25% of 50% but not required.
    expect(coverageFailures(summarizeCoverage(PLAN, coverage.data()))).toEqual([]);
    coverage.sample('shape', { shape: 'round' });
    paint(coverage, 'black', 's');
    expect(coverageFailures(summarizeCoverage(PLAN, coverage.data())).map((g) => g.name)).toEqual(['paint']);
    const fresh = new FunctionalCoverage(PLAN);
    paint(fresh, 'red', 'm');
    expect(coverageFailures(summarizeCoverage(PLAN, fresh.data())).map((g) => g.name)).toEqual(['paint']);
  });

  test('the report lists each group with its numbers, then the holes and the illegal hits', () => {
    const coverage = new FunctionalCoverage(PLAN);
    paint(coverage, 'red', 'm');
    paint(coverage, 'black', 'm');
    const text = formatCoverageReport(summarizeCoverage(PLAN, coverage.data()));
    expect(text).toMatch(/paint \*\s+1\/4\s+25\.0%\s+100%\s+ILLEGAL HIT/);
    expect(text).toMatch(/shape\s+0\/4\s+0\.0%\s+50%/);
    expect(text).toContain('  paint (3 of 4):\n    color=red × size=l\n    color=green × size=s\n    color=green × size=m');
    expect(text).toContain('  paint: color=black (1 hit): black is no colour');
    expect(formatCoverageReport(summarizeCoverage(PLAN, coverage.data()), { maxHoles: 1 })).toContain('    color=red × size=l\n    … and 2 more');
  });
});

describe('a sampler\'s mistakes are errors naming what and where', () => {
  const coverage = new FunctionalCoverage(PLAN);

  test('an unknown group', () => {
    const error = (() => {
      try {
        coverage.sample('pain', { color: 'red', size: 's' });
      } catch (caught) {
        return caught;
      }
    })();
    expect(error).toBeInstanceOf(UnknownCoverGroupError);
    expect(error).toMatchObject({ group: 'pain', known: ['paint', 'shape'] });
  });

  test('a value that is no bin', () => {
    expect(() => paint(coverage, 'red', 'xl')).toThrow(UnknownCoverBinError);
    expect(() => paint(coverage, 'red', 'xl')).toThrow(expect.objectContaining({ group: 'paint', coverpoint: 'size', value: 'xl', bins: ['s', 'm', 'l'] }));
  });

  test('a coverpoint left out, or one the group does not have', () => {
    expect(() => coverage.sample('paint', { color: 'red' })).toThrow(expect.objectContaining({ name: 'CoverageSampleError', group: 'paint', coverpoint: 'size' }));
    expect(() => coverage.sample('paint', { color: 'red', size: 's', weight: 'heavy' })).toThrow(CoverageSampleError);
  });

  test('nothing is counted by a sample that failed', () => {
    expect(coverage.data().groups.paint).toEqual({});
  });
});

describe('plans that contradict themselves are refused', () => {
  const withGroup = (patch: Partial<CoveragePlan['groups'][number]>): CoveragePlan => ({ name: 'bad', groups: [{ ...PLAN.groups[0]!, ...patch }] });

  test.each([
    ['a goal above 100%', withGroup({ goal: 120 }), /goal 120/],
    ['a cross of an unknown coverpoint', withGroup({ crosses: [{ coverpoints: ['color', 'weight'] }] }), /no coverpoint 'weight'/],
    ['an exclusion naming an unknown bin', withGroup({ crosses: [{ coverpoints: ['color', 'size'], ignore: [{ where: { size: 'xl' }, reason: 'x' }] }] }), /'size=xl'/],
    ['an ignore naming an unknown bin', withGroup({ coverpoints: [{ name: 'color', bins: ['red'], ignore: { pink: 'x' } }] }), /'pink'/],
    ['a bin both ignored and illegal', withGroup({ coverpoints: [{ name: 'color', bins: ['red'], ignore: { red: 'x' }, illegal: { red: 'y' } }] }), /both ignored and illegal/],
    ['two groups of one name', { name: 'bad', groups: [PLAN.groups[1]!, PLAN.groups[1]!] }, /two groups/],
  ])('%s', (_, plan, message) => {
    expect(() => new FunctionalCoverage(plan)).toThrow(CoveragePlanError);
    expect(() => new FunctionalCoverage(plan)).toThrow(message);
  });
});

describe('merging and files', () => {
  let dir: string | undefined;
  afterEach(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
    dir = undefined;
  });

  test('merging sums the hits of each bin', () => {
    const one = new FunctionalCoverage(PLAN);
    const two = new FunctionalCoverage(PLAN);
    paint(one, 'red', 'm');
    paint(two, 'red', 'm');
    paint(two, 'green', 'l');
    const merged = mergeFunctionalCoverage([one.data(), two.data()]);
    expect(merged.groups.paint).toMatchObject({ 'color=red × size=m': 2, 'color=green × size=l': 1, 'color=red': 2 });
    expect(group({ data: () => merged } as unknown as FunctionalCoverage, 'paint').covered).toBe(1);
  });

  test('data of another plan version is refused, in a merge and in a summary', () => {
    const other: CoveragePlan = { ...PLAN, groups: [{ ...PLAN.groups[0]!, goal: 90 }, PLAN.groups[1]!] };
    expect(planId(other)).not.toBe(planId(PLAN));
    const mine = new FunctionalCoverage(PLAN).data();
    const theirs = new FunctionalCoverage(other).data();
    expect(() => mergeFunctionalCoverage([mine, theirs])).toThrow(CoveragePlanMismatchError);
    expect(() => mergeFunctionalCoverage([mine, theirs])).toThrow(expect.objectContaining({ expected: mine.plan, found: theirs.plan, source: 'input 1' }));
    expect(() => summarizeCoverage(PLAN, theirs)).toThrow(CoveragePlanMismatchError);
    expect(() => mergeFunctionalCoverage([])).toThrow(FunctionalCoverageDataError);
  });

  test('a summary refuses a bin the plan does not have', () => {
    const data = new FunctionalCoverage(PLAN).data();
    data.groups.paint = { 'color=pink': 1 };
    expect(() => summarizeCoverage(PLAN, data)).toThrow(/no bin 'color=pink'/);
  });

  test('written and read back unchanged; a file that is not coverage data names itself', () => {
    dir = mkdtempSync(join(tmpdir(), 'functional-coverage-'));
    const coverage = new FunctionalCoverage(PLAN);
    paint(coverage, 'green', 'm');
    const file = join(dir, 'deep', 'er', 'run.json');
    writeFunctionalCoverage(file, coverage.data());
    expect(readFunctionalCoverage(file)).toEqual(coverage.data());
    const bad = join(dir, 'bad.json');
    writeFileSync(bad, JSON.stringify({ plan: 'x', groups: { paint: { 'color=red': -1 } } }));
    expect(() => readFunctionalCoverage(bad)).toThrow(expect.objectContaining({ name: 'FunctionalCoverageDataError', source: bad }));
    writeFileSync(bad, '{ not json');
    expect(() => readFunctionalCoverage(bad)).toThrow(FunctionalCoverageDataError);
  });

  test('a collection writes what registered during it, merged; nothing registered, no file', () => {
    dir = mkdtempSync(join(tmpdir(), 'functional-coverage-'));
    const outside = new FunctionalCoverage(PLAN);
    registerFunctionalCoverage(outside);
    const file = join(dir, 'test', 'name-seed1.json');
    const collection = collectFunctionalCoverage(file);
    const [one, two] = [new FunctionalCoverage(PLAN), new FunctionalCoverage(PLAN)];
    registerFunctionalCoverage(one);
    registerFunctionalCoverage(two);
    paint(one, 'red', 'm');
    paint(two, 'red', 'm');
    paint(outside, 'green', 's');
    expect(collection.finish()).toBe(file);
    expect(readFunctionalCoverage(file).groups.paint).toEqual({ 'color=red': 2, 'color=red × size=m': 2, 'size=m': 2 });
    const empty = join(dir, 'empty.json');
    expect(collectFunctionalCoverage(empty).finish()).toBeUndefined();
    expect(existsSync(empty)).toBe(false);
    expect(JSON.parse(readFileSync(file, 'utf8')).plan).toBe(planId(PLAN));
  });
});

describe('the mirror testplan', () => {
  const summaries = summarizeCoverage(TESTPLAN, new FunctionalCoverage(TESTPLAN).data());
  const byName = (name: string) => summaries.find((g) => g.name === name)!;

  test('is a valid plan; nothing sampled, every required group is below its goal', () => {
    expect(summaries.length).toBeGreaterThanOrEqual(8);
    for (const summary of summaries) {
      expect(summary.description.length, summary.name).toBeGreaterThan(20);
      expect(summary.total, summary.name).toBeGreaterThan(0);
    }
    expect(coverageFailures(summaries).map((g) => g.name)).toEqual(summaries.filter((g) => g.required).map((g) => g.name));
  });

  test('the sweep groups aim at exactly the sweep\'s points: 32 originator steps and 37 partner-side steps, each failing either node', () => {
    expect(byName('failure_step').total).toBe(64);
    expect(byName('failure_partner_step').total).toBe(74);
    expect(byName('failure_step').holes).toContain('role=partner × flow=releasePointer × step=ReplicateWait');
    expect(byName('failure_step').holes).not.toContain('role=partner × flow=releasePointer × step=LockWait');
  });

  test('message × answer: the answers each message can get from an originator, no more', () => {
    expect(byName('message_answer').holes).toEqual([
      'message=SpaceReq × answer=Complete.Ok',
      'message=SpaceReq × answer=SpaceStatus.room',
      'message=AllocMem × answer=Complete.Ok',
      'message=ReleaseMem × answer=Complete.Ok',
      'message=LockReq × answer=LockStatus.free',
      'message=LockReq × answer=LockStatus.readers',
      'message=WritePage × answer=Complete.Ok',
      'message=SenseReq × answer=Complete.Ok',
      'message=AllocRead × answer=Complete.Ok',
      'message=AllocWrite × answer=Complete.Ok',
      'message=ReleasePtr × answer=Complete.Ok',
    ]);
  });
});
