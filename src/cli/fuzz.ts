// `make fuzz N= SEED=`: the bridge under N random and mutated messages
// (src/fuzz/fuzzer.ts). Prints what was sent and how it was answered, and
// the crashes, hangs and state changes — all three must be 0; exit status
// 1 otherwise, with the saved inputs listed.
import { join } from 'node:path';
import { formatTable } from './table.js';
import { runFuzz } from '../fuzz/fuzzer.js';
import { buildDir } from '../build/paths.js';
import { describeSanitizerReports, routeSanitizerReports, sanitizeRequested, sanitizerReports } from '../build/sanitizer-reports.js';

function integer(name: string, fallback: number): number {
  const text = process.env[name];
  if (text === undefined || text === '') return fallback;
  const value = Number(text);
  if (!Number.isSafeInteger(value) || value < 1) throw new RangeError(`${name.replace('MIRRORSIM_', '')}=${text} must be an integer >= 1`);
  return value;
}

async function main(): Promise<number> {
  const messages = integer('MIRRORSIM_N', 1_000_000);
  const seed = integer('MIRRORSIM_SEED', 1);
  const sanitizing = sanitizeRequested();
  const reportDir = join(buildDir, 'sanitize', `fuzz-${seed}-${process.pid}`);
  if (sanitizing) routeSanitizerReports(reportDir);
  const replay = `make fuzz N=${messages} SEED=${seed}${sanitizing ? ' SANITIZE=1' : ''}`;
  console.log(`mirrorsim: fuzzing the bridge with ${messages} messages, seed ${seed}${sanitizing ? ', sanitized build' : ''} (replay: ${replay})`);
  let shown = 0;
  const report = await runFuzz({
    messages,
    seed,
    progress: (r) => {
      if (r.sent - shown < 100_000) return;
      shown = r.sent;
      console.log(`  ${r.sent} sent, ${(r.sent / r.seconds).toFixed(0)}/s: ${r.crashes} crashes, ${r.hangs} hangs, ${r.stateChanges} state changes`);
    },
  });
  const findings = sanitizing ? sanitizerReports(reportDir) : [];
  const rows: Array<[string, string | number]> = [
    ['messages sent', report.sent],
    ['answered ok (valid)', report.accepted],
    ...Object.entries(report.errorsByCode).sort((x, y) => y[1] - x[1]).map(([code, count]): [string, number] => [`answered error: ${code}`, count]),
    ['refused messages checked for state changes', report.refusedCompared],
    ['crashes (must be 0)', report.crashes],
    ['hangs (must be 0)', report.hangs],
    ['state changes (must be 0)', report.stateChanges],
    ...(sanitizing ? [['sanitizer reports (must be 0)', findings.length] as [string, number]] : []),
    ['simulators started', report.simulatorStarts],
    ['wall time', `${report.seconds.toFixed(0)} s (${(report.sent / report.seconds).toFixed(0)} messages/s)`],
  ];
  console.log(`\n${formatTable(['figure', 'value'], rows)}`);
  if (report.firstStateChange) console.log(`\nfirst state change: ${report.firstStateChange}`);
  if (report.saved.length > 0) console.log(`\ninputs that crashed or hung the bridge (regression cases):\n  ${report.saved.join('\n  ')}`);
  if (findings.length > 0) console.log(`\nsanitizer findings:\n  ${describeSanitizerReports(findings)}`);
  return report.crashes + report.hangs + report.stateChanges + findings.length > 0 ? 1 : 0;
}

main().then(
  (status) => process.exit(status),
  (error: unknown) => {
    console.error(error instanceof Error ? `make fuzz: ${error.message}` : error);
    process.exit(error instanceof RangeError ? 2 : 1);
  },
);
