// The fault campaign as a user runs it, small: every scenario under every
// fault, the table with its must-be-zero rows, and a re-run that skips the
// seeds that passed and runs again the one that failed before.
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, expect, test } from 'vitest';
import { repoRoot } from '../../src/build/paths.js';
import type { SeedRecord } from '../../src/report/records.js';

const dir = mkdtempSync(join(tmpdir(), 'mirrorsim-campaign-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const env = { MAKEFLAGS: '', MFLAGS: '', NODE_OPTIONS: '', MIRRORSIM_CAMPAIGN_DIR: join(dir, 'results') };
const campaign = (args: string[]) =>
  execa('make', ['--no-print-directory', 'campaign', 'SEED=5100', 'SEEDS=3', 'OPS=40', 'JOBS=2', 'TEST=', `REPORT_DIR=${join(dir, 'report')}`, ...args], { cwd: repoRoot, reject: false, all: true, env, timeout: 15 * 60_000 });

/** A row of the campaign table: its value. */
function figure(output: string, name: string): string {
  const line = output.split('\n').find((row) => row.startsWith(name));
  if (!line) throw new Error(`no row '${name}' in:\n${output}`);
  return line.slice(name.length).trim();
}

test('a small campaign: every fault kind injected, 0 violations and 0 acknowledged writes lost, counted; a re-run skips what passed', async () => {
  const first = await campaign([]);
  expect(first.exitCode, first.all).toBe(0);
  const out = first.all!;
  expect(out).toContain('FAULTS=all');
  expect(figure(out, 'seeds')).toBe('3 (3 run now, 0 passed before)');
  expect(figure(out, 'invariant violations (must be 0)')).toBe('0');
  expect(figure(out, 'acknowledged writes lost (must be 0)')).toBe('0');
  expect(Number(figure(out, 'acknowledged page contents checked'))).toBeGreaterThan(0);
  expect(Number(figure(out, 'pointer operations'))).toBe(3 * 2 * 40);
  const injected = ['drop', 'corrupt', 'delay', 'duplicate', 'cut', 'fail'].map((kind) => Number(figure(out, `faults injected: ${kind}`)));
  expect(injected.reduce((sum, n) => sum + n, 0)).toBeGreaterThan(0);
  expect(out).toContain('PASS: 3 passed, 0 failed');

  // The results file has the three records; make one of them a failure, as a crash would have left it.
  const [file] = readdirSync(join(dir, 'results'));
  const path = join(dir, 'results', file!);
  const records = readFileSync(path, 'utf8').trim().split('\n').map((line) => JSON.parse(line) as SeedRecord);
  expect(records.map((r) => r.seed).sort()).toEqual([5100, 5101, 5102]);
  const failed = { ...records[1]!, failure: { invariant: 'x', detail: 'y', time: 0, signature: 'x', recent: '', transactions: [], replay: 'r' } };
  writeFileSync(path, `${JSON.stringify(records[0])}\n${JSON.stringify(failed)}\n${JSON.stringify(records[2])}\n{"cut sho`);

  const again = await campaign([]);
  expect(again.exitCode, again.all).toBe(0);
  expect(again.all).toContain('2 seeds passed before with these parameters: skipped');
  expect(again.all).toMatch(/is not a whole record; its seed runs again/);
  expect(figure(again.all!, 'seeds')).toBe('3 (1 run now, 2 passed before)');
  expect(again.all).toContain(`seed=${records[1]!.seed}`);
  // Another operation count is another campaign.
  const other = await campaign(['OPS=41', 'SEEDS=1']);
  expect(figure(other.all!, 'seeds')).toBe('1 (1 run now, 0 passed before)');
}, 20 * 60_000);
