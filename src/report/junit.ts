// JUnit XML for a regression: one test case per seed, the replay command
// and the waves in a failure's text, so a CI's test view links a red seed to
// the one command that reproduces it. (make test's JUnit comes from vitest's
// own reporter; make sim is not a vitest run, so its seeds are written here.)
import type { RegressionResults, SeedRecord } from './records.js';

export function escapeXml(text: string): string {
  // Characters XML 1.0 cannot carry at all are dropped rather than escaped.
  return text.replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f]/g, '').replace(/[<>&"']/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;', "'": '&apos;' })[c]!);
}

export function testCaseName(record: SeedRecord): string {
  return `${record.scenario} seed=${record.seed}`;
}

function failureText(record: SeedRecord): string {
  const failure = record.failure!;
  const lines = [`invariant violated: ${failure.invariant}`, `  ${failure.detail}`, `  at ${failure.time} ns`, '', `replay: ${failure.replay}`];
  if (failure.waves) lines.push(`waves: ${failure.waves.fst}`, `save file: ${failure.waves.gtkw}`, `open: ${failure.waves.openCommand}`);
  if (failure.wavesError) lines.push(`waves: not captured: ${failure.wavesError}`);
  lines.push('', failure.recent);
  return lines.join('\n');
}

export function junitXml(results: RegressionResults): string {
  const failures = results.seeds.filter((s) => s.failure).length;
  const seconds = results.seeds.reduce((total, s) => total + s.seconds, 0);
  const cases = results.seeds.map((record) => {
    const head = `    <testcase classname="mirrorsim.sim.${escapeXml(record.scenario)}" name="${escapeXml(testCaseName(record))}" time="${record.seconds.toFixed(3)}">`;
    const properties = `      <system-out>${escapeXml(`${record.cycles} cycles, faults=${record.faults}, ${record.failovers} failovers, ${record.checkpoints} checkpoints`)}</system-out>`;
    if (!record.failure) return [head, properties, '    </testcase>'].join('\n');
    const failure = `      <failure message="${escapeXml(record.failure.invariant)}" type="InvariantViolation">${escapeXml(failureText(record))}</failure>`;
    return [head, failure, properties, '    </testcase>'].join('\n');
  });
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="mirrorsim make sim" tests="${results.seeds.length}" failures="${failures}" errors="0" time="${seconds.toFixed(3)}">`,
    `  <testsuite name="${escapeXml(results.command)}" timestamp="${escapeXml(results.started)}" tests="${results.seeds.length}" failures="${failures}" errors="0" skipped="0" time="${seconds.toFixed(3)}">`,
    ...cases,
    '  </testsuite>',
    '</testsuites>',
    '',
  ].join('\n');
}
