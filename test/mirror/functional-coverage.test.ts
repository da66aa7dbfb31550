// Functional coverage from a short real regression: the bins that got hits
// must be what the run did, as the run's own counters tell it (messages on
// the link, faults injected, failures and handbacks, process answers), so a
// sampler that invents, drops or double-counts observations fails here.
import { beforeAll, expect, test } from 'vitest';
import { ensureModel } from '../../src/build/verilate.js';
import { summarizeCoverage } from '../../src/coverage/functional.js';
import { mirrorDesign } from '../../src/mirror/design.js';
import { runRegression } from '../../src/mirror/regression.js';
import { findScenario } from '../../src/mirror/scenarios.js';
import { TESTPLAN } from '../../src/mirror/testplan.js';
import { chooseSeed } from '../../src/vitest/seed.js';

beforeAll(async () => {
  await ensureModel(mirrorDesign(), { log: (line) => console.log(line) });
}, 30 * 60_000);

/** Hits per value of `point` in `group`, summed over the group's cross bins. */
function hitsBy(groups: Record<string, Record<string, number>>, group: string, point: string): Map<string, number> {
  const sums = new Map<string, number>();
  for (const [key, hits] of Object.entries(groups[group] ?? {})) {
    if (!key.includes(' × ')) continue;
    const value = key.split(' × ').find((part) => part.startsWith(`${point}=`))!.slice(point.length + 1);
    sums.set(value, (sums.get(value) ?? 0) + hits);
  }
  return sums;
}

const TRAFFIC_OPS: Record<string, string> = {
  allocate: 'allocate',
  'get read pointer': 'getRead',
  'get write pointer': 'getWrite',
  'release pointer': 'releasePointer',
  'release memory': 'releaseMemory',
};

test('a short lossy run with node failures samples what the run did, and only that', async () => {
  const seed = chooseSeed();
  const ops = 120;
  console.log(`[mirrorsim] functional coverage run: seed=${seed}; replay: make sim TEST=lossy_pressure FAULTS=lossy_fail SEED=${seed} OPS=${ops}`);
  const result = await runRegression({ scenario: findScenario('lossy_pressure')!, faults: 'lossy_fail', seed, ops });
  expect(result.violation?.message).toBeUndefined();
  const { groups } = JSON.parse(JSON.stringify(result.coverage)) as typeof result.coverage;
  const failures = result.injected.get('fail') ?? 0;
  expect(failures).toBeGreaterThan(0);

  // Every answer on the link is paired with the request it answers: as many samples as answers sent.
  const answersSent = ['Complete', 'SpaceStatus', 'LockStatus', 'Header', 'SenseInfo'].reduce((sum, type) => sum + (result.messages.get(type) ?? 0), 0);
  const byMessage = hitsBy(groups, 'message_answer', 'message');
  expect([...byMessage.values()].reduce((sum, n) => sum + n, 0)).toBe(answersSent);
  for (const [message, hits] of byMessage) expect(result.messages.get(message) ?? 0, message).toBeGreaterThanOrEqual(message === 'SpaceReq' ? hits / 2 : hits);
  // A space request gets two answers: a space status, then complete (unless a failure came between them).
  const spaceStatus = [...hitsBy(groups, 'message_answer', 'answer')].filter(([answer]) => answer.startsWith('SpaceStatus.')).reduce((sum, [, n]) => sum + n, 0);
  const spaceComplete = groups.message_answer!['message=SpaceReq × answer=Complete.Ok'] ?? 0;
  expect(spaceStatus).toBeGreaterThan(0);
  expect(spaceComplete).toBeLessThanOrEqual(spaceStatus);
  expect(spaceComplete).toBeGreaterThanOrEqual(spaceStatus - failures);

  // Faults: only the kinds injected, each burst and failure at least once (what was on the wire, or nothing);
  // cuts only those part-way through a resync (a failback cuts the link about one time in three).
  const byKind = hitsBy(groups, 'fault_in_flight', 'kind');
  const injected = new Map<string, number>([...result.injected, ['cut', result.resyncCuts]]);
  for (const kind of byKind.keys()) expect(injected.get(kind) ?? 0, kind).toBeGreaterThan(0);
  for (const [kind, count] of injected) expect(byKind.get(kind) ?? 0, kind).toBeGreaterThanOrEqual(count);

  // A failure: both nodes' steps read once, the failed one as the originator; then a takeover and a handback each.
  expect(hitsBy(groups, 'failure_step_any', 'role').get('originator')).toBe(failures);
  expect(hitsBy(groups, 'failure_step_any', 'role').get('partner')).toBe(failures);
  const episodes = hitsBy(groups, 'episodes', 'episode');
  expect(episodes.get('takeoverAfterFailure')).toBe(failures);
  expect(episodes.get('resyncAfterFailure')).toBe(result.failbacks);
  expect(episodes.get('fence')).toBeUndefined();
  expect(episodes.get('resyncCut') ?? 0).toBe(result.resyncCuts);
  expect(episodes.get('trim') ?? 0).toBe(result.trims);

  // Process answers: at least what the traffic counted (the agents also see the late answers nobody waits for).
  for (const [outcome, count] of result.outcomes) {
    const [op, status] = [TRAFFIC_OPS[outcome.slice(0, outcome.lastIndexOf(' '))]!, outcome.slice(outcome.lastIndexOf(' ') + 1)];
    expect(groups.process_answers![`op=${op} × status=${status}`] ?? 0, outcome).toBeGreaterThanOrEqual(count);
  }

  // Pointer requests: their locks at issue and their first decision; a decision only for a request that was issued.
  const locks = [...hitsBy(groups, 'lock_request', 'request').values()].reduce((sum, n) => sum + n, 0);
  const decisions = [...hitsBy(groups, 'page_in_space', 'request').values()].reduce((sum, n) => sum + n, 0);
  expect(decisions).toBeGreaterThan(0);
  expect(decisions).toBeLessThanOrEqual(locks);
  // Resident decisions are lock requests (or nulls on a locked page), each answered once on the link.
  const resident = hitsBy(groups, 'page_in_space', 'residency').get('resident') ?? 0;
  expect(hitsBy(groups, 'message_answer', 'message').get('LockReq') ?? 0).toBeGreaterThan(0);
  expect(resident).toBeGreaterThan(0);

  // The data is the plan's, and every group adds up to a summary without illegal hits.
  const summaries = summarizeCoverage(TESTPLAN, result.coverage);
  expect(summaries.flatMap((group) => group.illegalHits)).toEqual([]);
  expect(summaries.find((group) => group.name === 'message_answer')!.covered).toBeGreaterThanOrEqual(8);
}, 60_000);
