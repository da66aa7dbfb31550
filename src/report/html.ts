// The regression's HTML report: one self-contained page (no scripts, no
// fetches) with the verdict, the failure groups, coverage, each failure with
// its invariant, replay command, waves and timing diagram, and the summary
// tables the terminal prints.
import { relative, dirname } from 'node:path';
import type { RegressionResults, SeedRecord, FailureRecord } from './records.js';
import { groupFailures } from './signature.js';
import { failureGroupTable, faultTotals, messageTable, outcomeTable, runTable, type SummaryTable } from './summary.js';

/** Coverage as the report shows it; both parts optional (a run without COVERAGE=1 has neither). */
export interface CoverageSection {
  functional?: ReadonlyArray<{ name: string; description?: string; required: boolean; goal: number; covered: number; total: number; percent: number; holes: readonly string[]; illegalHits?: readonly string[] }>;
  code?: ReadonlyArray<{ kind: string; hit: number; total: number; percent: number }>;
  /** The lcov HTML report's index.html. */
  codeHtml?: string;
  /** Why coverage could not be reported (a tool failed). */
  error?: string;
}

export function escapeHtml(text: string): string {
  return text.replace(/[<>&"']/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;', "'": '&#39;' })[c]!);
}

const STYLE = `
body { font: 14px/1.45 system-ui, sans-serif; margin: 1.5em 2em; color: #1d1d1f; }
h1 { font-size: 1.5em; margin-bottom: .2em; } h2 { margin-top: 1.6em; border-bottom: 1px solid #ccc; }
.verdict { display: inline-block; padding: .2em .7em; border-radius: .3em; font-weight: 600; color: #fff; }
.verdict.pass { background: #1e7d32; } .verdict.fail { background: #c62828; }
table { border-collapse: collapse; margin: .6em 0; } th, td { border: 1px solid #ddd; padding: .2em .6em; text-align: left; vertical-align: top; }
th { background: #f3f3f3; } td.num { text-align: right; font-variant-numeric: tabular-nums; }
tr.below td { background: #fdecea; } code, pre { font: 12px/1.4 ui-monospace, monospace; } pre { background: #f7f7f7; padding: .6em; overflow-x: auto; }
.failure { border-left: 4px solid #c62828; padding-left: 1em; margin: 1.2em 0; } .meta { color: #555; }
.bar { display: inline-block; height: .7em; background: #1e7d32; vertical-align: middle; } .bar.low { background: #c62828; }
.diagram { overflow-x: auto; border: 1px solid #eee; padding: .4em; }
`;

function cell(value: string | number): string {
  return typeof value === 'number' || /^[\d.,]+[kM]?$/.test(value) ? `<td class="num">${escapeHtml(String(value))}</td>` : `<td>${escapeHtml(String(value))}</td>`;
}

function tableHtml(table: SummaryTable, id?: string): string {
  const head = `<tr>${table.headers.map((h) => `<th>${escapeHtml(h)}</th>`).join('')}</tr>`;
  const rows = table.rows.map((row) => `<tr>${row.map(cell).join('')}</tr>`).join('\n');
  return `<table${id ? ` id="${id}"` : ''}>\n${head}\n${rows}\n</table>`;
}

function link(from: string, file: string): string {
  return `<a href="${escapeHtml(relative(from, file))}"><code>${escapeHtml(file)}</code></a>`;
}

function failureHtml(record: SeedRecord & { failure: FailureRecord }, reportDir: string, others: readonly number[]): string {
  const f = record.failure;
  const waves = f.waves
    ? `<p>Waves: ${link(reportDir, f.waves.fst)} (${(f.waves.bytes / 1024).toFixed(0)} KiB, ${f.waves.fromNs}–${f.waves.toNs} ns${f.waves.reproduced ? '' : ', <strong>the re-run did not meet the same violation</strong>'}), save file ${link(reportDir, f.waves.gtkw)}</p>\n<pre>${escapeHtml(f.waves.openCommand)}</pre>`
    : `<p class="meta">Waves: ${escapeHtml(f.wavesError ? `not captured: ${f.wavesError}` : 'not captured')}</p>`;
  const diagram = f.timingSvg ? `<h4>Transactions before the violation</h4>\n<div class="diagram">${f.timingSvg}</div>` : '';
  return `<section class="failure" id="failure-${record.scenario}-${record.seed}">
<h3>${escapeHtml(record.scenario)} seed ${record.seed}: ${escapeHtml(f.invariant)}</h3>
<p class="invariant">invariant violated: <strong>${escapeHtml(f.invariant)}</strong> at ${f.time} ns, in a run of ${record.cycles} cycles</p>
<pre>${escapeHtml(f.detail)}</pre>
<p>Replay: </p><pre class="replay">${escapeHtml(f.replay)}</pre>
${waves}
${diagram}
<details><summary>last transactions on each node and on the link</summary><pre>${escapeHtml(f.recent)}</pre></details>
${others.length > 0 ? `<p class="meta">The same signature on seeds ${others.map(String).join(', ')}.</p>` : ''}
</section>`;
}

/** The coverage tables (functional groups with their holes, code coverage per kind), as the report and `make coverage` show them. */
export function coverageSectionHtml(coverage: CoverageSection | undefined, reportDir: string): string {
  if (coverage?.error) return `<p class="meta"><strong>${escapeHtml(coverage.error)}</strong></p>`;
  if (!coverage || (!coverage.functional && !coverage.code)) return '<p class="meta">No coverage in this run (<code>make coverage</code>, or <code>COVERAGE=1</code>).</p>';
  const parts: string[] = [];
  if (coverage.code) {
    parts.push('<h3>Code coverage (Verilator)</h3>');
    parts.push(`<table id="code-coverage"><tr><th>kind</th><th>hit</th><th>total</th><th>percent</th></tr>${coverage.code.map((k) => `<tr><td>${escapeHtml(k.kind)}</td>${cell(k.hit)}${cell(k.total)}${cell(`${k.percent.toFixed(1)}`)}</tr>`).join('')}</table>`);
    if (coverage.codeHtml) parts.push(`<p>Annotated sources: ${link(reportDir, coverage.codeHtml)}</p>`);
  }
  if (coverage.functional) {
    parts.push('<h3>Functional coverage (testplan)</h3>');
    const rows = coverage.functional.map((g) => {
      const below = g.percent < g.goal;
      const bar = `<span class="bar${below ? ' low' : ''}" style="width:${Math.round(g.percent)}px"></span>`;
      const holes = g.holes.length > 0 ? escapeHtml(g.holes.slice(0, 12).join(', ') + (g.holes.length > 12 ? `, … ${g.holes.length - 12} more` : '')) : '—';
      return `<tr${below && g.required ? ' class="below"' : ''}><td>${escapeHtml(g.name)}</td>${cell(`${g.covered}/${g.total}`)}<td class="num">${g.percent.toFixed(1)} ${bar}</td>${cell(g.goal)}<td>${g.required ? 'required' : ''}</td><td>${holes}</td></tr>`;
    });
    parts.push(`<table id="functional-coverage"><tr><th>group</th><th>bins</th><th>percent</th><th>goal</th><th></th><th>holes</th></tr>\n${rows.join('\n')}</table>`);
  }
  return parts.join('\n');
}

/** A page in the reports' style. */
export function htmlPage(title: string, body: string): string {
  return `<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(title)}</title><style>${STYLE}</style></head>\n<body>\n${body}\n</body></html>\n`;
}

/** Every failing seed, one row each: its invariant, replay command and waves. */
function failingSeedTable(failed: readonly SeedRecord[], reportDir: string): SummaryTable {
  return {
    title: 'failing seeds',
    headers: ['scenario', 'seed', 'invariant', 'at ns', 'replay', 'waves (open with)'],
    rows: failed.map((r) => [r.scenario, r.seed, r.failure!.invariant, r.failure!.time, r.failure!.replay, r.failure!.waves ? `gtkwave ${relative(reportDir, r.failure!.waves.fst)} ${relative(reportDir, r.failure!.waves.gtkw)}` : r.failure!.wavesError ? `not captured: ${r.failure!.wavesError}` : 'not captured']),
  };
}

export interface HtmlReportOptions {
  /** Where the report is written: links to waves and coverage are relative to it. */
  file: string;
  coverage?: CoverageSection;
}

export function htmlReport(results: RegressionResults, options: HtmlReportOptions): string {
  const seeds = results.seeds;
  const failed = seeds.filter((s) => s.failure);
  const reportDir = dirname(options.file);
  const cycles = seeds.reduce((s, r) => s + r.cycles, 0);
  const seconds = seeds.reduce((s, r) => s + r.seconds, 0);
  const groups = groupFailures(seeds);
  const shards = results.shards.length > 0 ? `, merged from shards ${results.shards.map((s) => `${s.index}/${s.count}`).join(', ')}` : '';
  const injected = faultTotals(seeds);
  const summary: SummaryTable = {
    title: 'summary',
    headers: ['seeds', 'passed', 'failed', 'failure signatures', 'operations per node', 'simulated cycles', 'wall s (sum)', 'faults injected'],
    rows: [[seeds.length, seeds.length - failed.length, failed.length, groups.length, results.ops, cycles, seconds.toFixed(1), [...injected].map(([k, v]) => `${k} ${v}`).join(', ') || 'none']],
  };
  return `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>mirrorsim regression: ${failed.length === 0 ? 'PASS' : 'FAIL'}</title><style>${STYLE}</style></head>
<body>
<h1>mirrorsim regression <span class="verdict ${failed.length === 0 ? 'pass' : 'fail'}" id="verdict">${failed.length === 0 ? 'PASS' : 'FAIL'}</span></h1>
<p class="meta"><code>${escapeHtml(results.command)}</code>, started ${escapeHtml(results.started)}${escapeHtml(shards)}</p>
<h2>Summary</h2>
${tableHtml(summary, 'summary')}
${groups.length > 0 ? `<h2>Failures by signature</h2>\n${tableHtml(failureGroupTable(seeds), 'failure-groups')}` : ''}
${failed.length > 0 ? `<h2>Failing seeds</h2>\n${tableHtml(failingSeedTable(failed, reportDir), 'failing-seeds')}` : ''}
${groups.length > 0 ? `<h2 id="failures">Failures (the shortest seed of each signature)</h2>\n${groups.map((g) => failureHtml(g.shortest, reportDir, g.seeds.filter((seed) => seed !== g.shortest.seed))).join('\n')}` : ''}
<h2>Coverage</h2>
${coverageSectionHtml(options.coverage, reportDir)}
<h2>Runs</h2>
${tableHtml(runTable(seeds), 'runs')}
<h2>Operations and messages</h2>
${tableHtml(outcomeTable(seeds), 'outcomes')}
${tableHtml(messageTable(seeds), 'messages')}
</body></html>
`;
}
