// Functional coverage, generic (it knows nothing of the design): a plan of
// cover groups, each with coverpoints (named bins) and crosses of them; bins
// that cannot or need not happen are declared `ignore` or `illegal`, each
// with its reason, and do not count towards the goal (a hit on an illegal
// bin is reported). Samples count hits per bin; the data is plain JSON, tied
// to the plan's hash, so data of several runs (or machines) add up and data
// of another plan is refused.
//
// What counts towards a group's goal: the bins of its crosses, and the bins
// of the coverpoints that are in no cross. A crossed coverpoint's own bins
// are still counted (and reported when illegal), but each is implied by the
// cross bins it is part of, so counting it again would only say less.
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import {
  CoveragePlanError,
  CoveragePlanMismatchError,
  CoverageSampleError,
  FunctionalCoverageDataError,
  UnknownCoverBinError,
  UnknownCoverGroupError,
} from './functional-errors.js';

export * from './functional-errors.js';

export interface CoverpointSpec {
  name: string;
  description?: string;
  bins: readonly string[];
  /** Bins that may be hit but are no goal, each with why. */
  ignore?: Readonly<Record<string, string>>;
  /** Bins that must never be hit, each with why: a hit is reported. */
  illegal?: Readonly<Record<string, string>>;
}

/** Bins of a cross: for each coverpoint named, one bin or any of several; coverpoints not named match every bin. */
export type BinSelection = Readonly<Record<string, string | readonly string[]>>;

export interface CrossExclusion {
  where: BinSelection;
  reason: string;
}

export interface CrossSpec {
  coverpoints: readonly string[];
  description?: string;
  /** Combinations that may happen but are no goal. */
  ignore?: readonly CrossExclusion[];
  /** Combinations that must never happen (illegal wins over ignore). */
  illegal?: readonly CrossExclusion[];
}

export interface CoverGroupSpec {
  name: string;
  description: string;
  /** Whether the regression must reach the goal (see coverageFailures). */
  required: boolean;
  /** Percent of the group's goal bins to cover. */
  goal: number;
  coverpoints: readonly CoverpointSpec[];
  crosses?: readonly CrossSpec[];
}

export interface CoveragePlan {
  name: string;
  groups: readonly CoverGroupSpec[];
}

/** Hits per bin, per group, of one plan: plain JSON. */
export interface FunctionalCoverageData {
  /** The plan's name and hash: data of different plans never mix. */
  plan: string;
  groups: Record<string, Record<string, number>>;
}

export interface GroupSummary {
  name: string;
  description: string;
  required: boolean;
  goal: number;
  /** Goal bins hit, of `total`. */
  covered: number;
  total: number;
  percent: number;
  /** Goal bins never hit (bin keys). */
  holes: string[];
  /** Illegal bins hit: `key (N hits): reason`. */
  illegalHits: string[];
}

type BinKind = 'goal' | 'ignore' | 'illegal';

interface Bin {
  key: string;
  kind: BinKind;
  reason: string | undefined;
  /** Counts towards the goal (a goal bin of a cross, or of a coverpoint in no cross). */
  counted: boolean;
}

interface CompiledGroup {
  spec: CoverGroupSpec;
  coverpoints: Map<string, Set<string>>;
  crosses: ReadonlyArray<readonly string[]>;
  bins: Map<string, Bin>;
}

/** The key of a coverpoint bin, `point=bin`, and of a cross bin, `a=x × b=y`. */
export function binKey(values: ReadonlyArray<readonly [string, string]>): string {
  return values.map(([point, bin]) => `${point}=${bin}`).join(' × ');
}

/** The plan's identity: its name and a hash of everything in it (bins, exclusions, reasons, goals). */
export function planId(plan: CoveragePlan): string {
  return `${plan.name}-${createHash('sha256').update(JSON.stringify(plan)).digest('hex').slice(0, 12)}`;
}

function product(lists: ReadonlyArray<readonly string[]>): string[][] {
  return lists.reduce<string[][]>((combos, list) => combos.flatMap((combo) => list.map((item) => [...combo, item])), [[]]);
}

function selects(selection: BinSelection, values: Readonly<Record<string, string>>): boolean {
  return Object.entries(selection).every(([point, wanted]) => (typeof wanted === 'string' ? wanted === values[point] : wanted.includes(values[point]!)));
}

function compileGroup(planName: string, spec: CoverGroupSpec): CompiledGroup {
  const fail = (where: string, reason: string) => new CoveragePlanError(planName, where, reason);
  if (!(spec.goal >= 0 && spec.goal <= 100)) throw fail(spec.name, `goal ${spec.goal} is not a percentage in [0, 100]`);
  if (spec.coverpoints.length === 0) throw fail(spec.name, 'a group needs at least one coverpoint');
  const coverpoints = new Map<string, Set<string>>();
  const pointBins = new Map<string, Bin>();
  for (const point of spec.coverpoints) {
    const where = `${spec.name}.${point.name}`;
    if (coverpoints.has(point.name)) throw fail(where, 'declared twice');
    const bins = new Set(point.bins);
    if (bins.size === 0) throw fail(where, 'a coverpoint needs at least one bin');
    if (bins.size !== point.bins.length) throw fail(where, `a bin is declared twice: ${point.bins.join(', ')}`);
    for (const [list, name] of [[point.ignore, 'ignore'], [point.illegal, 'illegal']] as const) {
      for (const bin of Object.keys(list ?? {})) if (!bins.has(bin)) throw fail(where, `${name} names '${bin}', which is no bin of it`);
    }
    for (const bin of point.bins) {
      const illegal = point.illegal?.[bin];
      const ignore = point.ignore?.[bin];
      if (illegal !== undefined && ignore !== undefined) throw fail(where, `bin '${bin}' is both ignored and illegal`);
      const key = binKey([[point.name, bin]]);
      pointBins.set(key, { key, kind: illegal !== undefined ? 'illegal' : ignore !== undefined ? 'ignore' : 'goal', reason: illegal ?? ignore, counted: true });
    }
    coverpoints.set(point.name, bins);
  }
  const bins = new Map(pointBins);
  const crosses: string[][] = [];
  for (const cross of spec.crosses ?? []) {
    const where = `${spec.name}.cross(${cross.coverpoints.join(',')})`;
    if (cross.coverpoints.length < 2) throw fail(where, 'a cross needs at least two coverpoints');
    if (new Set(cross.coverpoints).size !== cross.coverpoints.length) throw fail(where, 'a coverpoint is crossed with itself');
    for (const point of cross.coverpoints) if (!coverpoints.has(point)) throw fail(where, `no coverpoint '${point}' in the group`);
    for (const rule of [...(cross.ignore ?? []), ...(cross.illegal ?? [])]) {
      if (Object.keys(rule.where).length === 0) throw fail(where, `an exclusion selects every bin (${rule.reason})`);
      for (const [point, wanted] of Object.entries(rule.where)) {
        const known = coverpoints.get(point);
        if (!known || !cross.coverpoints.includes(point)) throw fail(where, `an exclusion names '${point}', which is not in the cross`);
        for (const bin of typeof wanted === 'string' ? [wanted] : wanted) if (!known.has(bin)) throw fail(where, `an exclusion names '${point}=${bin}', which is no bin of it`);
      }
    }
    if (crosses.some((other) => other.join() === cross.coverpoints.join())) throw fail(where, 'declared twice');
    crosses.push([...cross.coverpoints]);
    for (const combo of product(cross.coverpoints.map((point) => [...coverpoints.get(point)!]))) {
      const values = Object.fromEntries(cross.coverpoints.map((point, i) => [point, combo[i]!]));
      const key = binKey(cross.coverpoints.map((point, i) => [point, combo[i]!] as const));
      // A combination with an ignored or illegal bin in it is out of the goal (its hits are reported at that bin).
      const excluded = cross.coverpoints.map((point) => pointBins.get(binKey([[point, values[point]!]]))!).find((bin) => bin.kind !== 'goal');
      const illegal = cross.illegal?.find((rule) => selects(rule.where, values));
      const ignore = cross.ignore?.find((rule) => selects(rule.where, values));
      const bin: Bin = excluded
        ? { key, kind: 'ignore', reason: `${excluded.key} is ${excluded.kind === 'illegal' ? 'illegal' : 'ignored'}`, counted: false }
        : illegal
          ? { key, kind: 'illegal', reason: illegal.reason, counted: false }
          : ignore
            ? { key, kind: 'ignore', reason: ignore.reason, counted: false }
            : { key, kind: 'goal', reason: undefined, counted: true };
      bins.set(key, bin);
    }
    for (const point of cross.coverpoints) for (const bin of coverpoints.get(point)!) bins.get(binKey([[point, bin]]))!.counted = false;
  }
  return { spec, coverpoints, crosses, bins };
}

function compilePlan(plan: CoveragePlan): Map<string, CompiledGroup> {
  if (!plan.name) throw new CoveragePlanError('(unnamed)', 'plan', 'a plan needs a name');
  const groups = new Map<string, CompiledGroup>();
  for (const spec of plan.groups) {
    if (groups.has(spec.name)) throw new CoveragePlanError(plan.name, spec.name, 'two groups of this name');
    groups.set(spec.name, compileGroup(plan.name, spec));
  }
  return groups;
}

/** Compiled plans, so that summaries of the same plan object do not rebuild every cross. */
const compiled = new WeakMap<CoveragePlan, { id: string; groups: Map<string, CompiledGroup> }>();

function compiledPlan(plan: CoveragePlan): { id: string; groups: Map<string, CompiledGroup> } {
  let entry = compiled.get(plan);
  if (!entry) {
    entry = { id: planId(plan), groups: compilePlan(plan) };
    compiled.set(plan, entry);
  }
  return entry;
}

export class FunctionalCoverage {
  private readonly id: string;
  private readonly groups: Map<string, CompiledGroup>;
  private readonly hits = new Map<string, Map<string, number>>();

  /** Checks the plan: a contradiction in it throws CoveragePlanError. */
  constructor(readonly plan: CoveragePlan) {
    ({ id: this.id, groups: this.groups } = compiledPlan(plan));
    for (const name of this.groups.keys()) this.hits.set(name, new Map());
  }

  /** One observation: a value (bin) for every coverpoint of the group. */
  sample(group: string, values: Readonly<Record<string, string>>): void {
    const compiledGroup = this.groups.get(group);
    if (!compiledGroup) throw new UnknownCoverGroupError(group, [...this.groups.keys()]);
    for (const point of Object.keys(values)) {
      if (!compiledGroup.coverpoints.has(point)) throw new CoverageSampleError(group, point, `the group has no such coverpoint (it has: ${[...compiledGroup.coverpoints.keys()].join(', ')})`);
    }
    for (const [point, bins] of compiledGroup.coverpoints) {
      const value = values[point];
      if (value === undefined) throw new CoverageSampleError(group, point, 'the sample gives it no value');
      if (!bins.has(value)) throw new UnknownCoverBinError(group, point, value, [...bins]);
    }
    const counts = this.hits.get(group)!;
    const hit = (key: string) => counts.set(key, (counts.get(key) ?? 0) + 1);
    for (const point of compiledGroup.coverpoints.keys()) hit(binKey([[point, values[point]!]]));
    for (const cross of compiledGroup.crosses) hit(binKey(cross.map((point) => [point, values[point]!] as const)));
  }

  /** The hits so far (bins never hit are left out). */
  data(): FunctionalCoverageData {
    const groups: Record<string, Record<string, number>> = {};
    for (const [name, counts] of this.hits) groups[name] = Object.fromEntries([...counts].sort(([x], [y]) => (x < y ? -1 : x > y ? 1 : 0)));
    return { plan: this.id, groups };
  }
}

/** Sums the hits of data sampled with the same plan. */
export function mergeFunctionalCoverage(items: readonly FunctionalCoverageData[]): FunctionalCoverageData {
  const [first] = items;
  if (!first) throw new FunctionalCoverageDataError('data', 'nothing to merge (no coverage data given)');
  const groups: Record<string, Record<string, number>> = {};
  items.forEach((item, index) => {
    if (item.plan !== first.plan) throw new CoveragePlanMismatchError(first.plan, item.plan, `input ${index}`);
    for (const [group, counts] of Object.entries(item.groups)) {
      const sum = (groups[group] ??= {});
      for (const [key, hits] of Object.entries(counts)) sum[key] = (sum[key] ?? 0) + hits;
    }
  });
  return { plan: first.plan, groups };
}

/** Per group of the plan: goal bins covered, holes, illegal hits. */
export function summarizeCoverage(plan: CoveragePlan, data: FunctionalCoverageData): GroupSummary[] {
  const { id, groups } = compiledPlan(plan);
  if (data.plan !== id) throw new CoveragePlanMismatchError(id, data.plan, 'the data summarized');
  for (const [group, counts] of Object.entries(data.groups)) {
    const known = groups.get(group);
    if (!known) throw new FunctionalCoverageDataError('data', `group '${group}' is not in testplan ${id}`);
    for (const key of Object.keys(counts)) if (!known.bins.has(key)) throw new FunctionalCoverageDataError('data', `group '${group}' has no bin '${key}'`);
  }
  return [...groups.values()].map(({ spec, bins }) => {
    const counts = data.groups[spec.name] ?? {};
    const goal = [...bins.values()].filter((bin) => bin.counted && bin.kind === 'goal');
    const holes = goal.filter((bin) => !(counts[bin.key]! > 0)).map((bin) => bin.key);
    const illegalHits = [...bins.values()]
      .filter((bin) => bin.kind === 'illegal' && counts[bin.key]! > 0)
      .map((bin) => `${bin.key} (${counts[bin.key]} hit${counts[bin.key] === 1 ? '' : 's'}): ${bin.reason}`);
    const covered = goal.length - holes.length;
    return {
      name: spec.name,
      description: spec.description,
      required: spec.required,
      goal: spec.goal,
      covered,
      total: goal.length,
      percent: goal.length === 0 ? 100 : (100 * covered) / goal.length,
      holes,
      illegalHits,
    };
  });
}

/** Groups that fail the plan: required ones below their goal, and any with an illegal bin hit. */
export function coverageFailures(summaries: readonly GroupSummary[]): GroupSummary[] {
  return summaries.filter((group) => group.illegalHits.length > 0 || (group.required && group.percent < group.goal));
}

const percent = (value: number) => `${value.toFixed(1)}%`;

/** The terminal table: per group its bins covered, percent, goal and whether it is required, then the holes and illegal hits. */
export function formatCoverageReport(summaries: readonly GroupSummary[], options: { maxHoles?: number } = {}): string {
  const maxHoles = options.maxHoles ?? Infinity;
  const failing = new Set(coverageFailures(summaries));
  const rows = [
    ['group', 'bins', 'covered', 'goal', ''],
    ...summaries.map((group) => [
      `${group.name}${group.required ? ' *' : ''}`,
      `${group.covered}/${group.total}`,
      percent(group.percent),
      `${group.goal}%`,
      failing.has(group) ? (group.illegalHits.length > 0 ? 'ILLEGAL HIT' : 'BELOW GOAL') : group.percent >= group.goal ? 'ok' : '',
    ]),
  ];
  const widths = rows[0]!.map((_, column) => Math.max(...rows.map((row) => row[column]!.length)));
  const lines = rows.map((row) => `  ${row.map((cell, column) => (column === 0 ? cell.padEnd(widths[column]!) : cell.padStart(widths[column]!))).join('  ')}`.trimEnd());
  lines.push('  * required');
  const withHoles = summaries.filter((group) => group.holes.length > 0);
  if (withHoles.length > 0) {
    lines.push('holes:');
    for (const group of withHoles) {
      lines.push(`  ${group.name} (${group.holes.length} of ${group.total}):`);
      for (const hole of group.holes.slice(0, maxHoles)) lines.push(`    ${hole}`);
      if (group.holes.length > maxHoles) lines.push(`    … and ${group.holes.length - maxHoles} more`);
    }
  }
  const withIllegal = summaries.filter((group) => group.illegalHits.length > 0);
  if (withIllegal.length > 0) {
    lines.push('illegal bins hit:');
    for (const group of withIllegal) for (const hit of group.illegalHits) lines.push(`  ${group.name}: ${hit}`);
  }
  return lines.join('\n');
}

/** Writes coverage data as JSON (the directory is made if needed). */
export function writeFunctionalCoverage(file: string, data: FunctionalCoverageData): void {
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, `${JSON.stringify(data, null, 1)}\n`);
}

/** Reads what writeFunctionalCoverage wrote; anything else is a FunctionalCoverageDataError naming the file. */
export function readFunctionalCoverage(file: string): FunctionalCoverageData {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new FunctionalCoverageDataError(file, error instanceof Error ? error.message : String(error));
  }
  const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);
  if (!isObject(parsed) || typeof parsed.plan !== 'string' || !isObject(parsed.groups)) {
    throw new FunctionalCoverageDataError(file, 'not functional coverage data (expected { plan: string, groups: { group: { bin: hits } } })');
  }
  for (const [group, counts] of Object.entries(parsed.groups)) {
    if (!isObject(counts)) throw new FunctionalCoverageDataError(file, `group '${group}' is not an object of bin hits`);
    for (const [key, hits] of Object.entries(counts)) {
      if (!Number.isSafeInteger(hits) || (hits as number) < 0) throw new FunctionalCoverageDataError(file, `group '${group}', bin '${key}': ${JSON.stringify(hits)} is not a hit count`);
    }
  }
  return parsed as unknown as FunctionalCoverageData;
}
