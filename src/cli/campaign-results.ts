// A campaign's results file: one JSON line per finished seed, appended as
// each ends, so a campaign stopped part-way (Ctrl-C, a lost machine) keeps
// what it did. The file is named after everything that decides a seed's
// run — operations, fault mix, build parameters, the model's build hash —
// so a re-run with the same parameters skips the seeds that passed, and a
// changed design or knob starts afresh. MIRRORSIM_CAMPAIGN_DIR moves it.
import { createHash } from 'node:crypto';
import { appendFileSync, existsSync, mkdirSync, readFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { buildDir } from '../build/paths.js';
import type { SeedRecord } from '../report/records.js';

export interface CampaignParameters {
  ops: number;
  faults: string;
  pageBytes: number | undefined;
  frames: number | undefined;
  /** The model's build directory: its name carries the hash of the RTL and the bridge. */
  model: string;
}

export function campaignKey(parameters: CampaignParameters): string {
  const canonical = JSON.stringify({ ...parameters, model: basename(parameters.model) });
  return createHash('sha256').update(canonical).digest('hex').slice(0, 12);
}

export class CampaignResults {
  readonly file: string;
  private readonly records = new Map<string, SeedRecord>();

  constructor(readonly parameters: CampaignParameters, dir = process.env.MIRRORSIM_CAMPAIGN_DIR || join(buildDir, 'campaign')) {
    this.file = join(dir, `results-${campaignKey(parameters)}.jsonl`);
    if (!existsSync(this.file)) return;
    for (const [number, line] of readFileSync(this.file, 'utf8').split('\n').entries()) {
      if (!line.trim()) continue;
      try {
        const record = JSON.parse(line) as SeedRecord;
        this.records.set(CampaignResults.slot(record.scenario, record.seed), record);
      } catch {
        // A line cut short by a crash: that seed runs again.
        console.error(`make campaign: ${this.file}:${number + 1} is not a whole record; its seed runs again`);
      }
    }
  }

  private static slot(scenario: string, seed: number): string {
    return `${scenario}/${seed}`;
  }

  /** The record of a seed that passed before, if any (a failed one runs again). */
  passed(scenario: string, seed: number): SeedRecord | undefined {
    const record = this.records.get(CampaignResults.slot(scenario, seed));
    return record && !record.failure ? record : undefined;
  }

  add(record: SeedRecord): void {
    this.records.set(CampaignResults.slot(record.scenario, record.seed), record);
    mkdirSync(dirname(this.file), { recursive: true });
    appendFileSync(this.file, `${JSON.stringify(record)}\n`);
  }
}
