// The transactions around a failure as a WaveDrom timing diagram: one lane
// per process port and per link direction, in time order up to the
// violation, rendered to SVG with the `wavedrom` package so the HTML
// report shows it without any script.
import { createRequire } from 'node:module';
import type { TransactionRecord } from './records.js';

const require = createRequire(import.meta.url);

interface WaveDromModule {
  renderAny(index: number, source: WaveJson, skin: unknown): unknown;
  waveSkin: unknown;
  onml: { stringify(tree: unknown): string };
}

export interface WaveLane {
  name: string;
  wave: string;
  data?: string[];
}

export interface WaveJson {
  signal: Array<WaveLane | Record<string, never>>;
  head?: { text: string; tick?: number; every?: number };
  foot?: { text: string };
  config?: { hscale: number };
}

const LANES: ReadonlyArray<{ where: string; name: string }> = [
  { where: 'a', name: 'A process' },
  { where: 'a->b', name: 'link A→B' },
  { where: 'b->a', name: 'link B→A' },
  { where: 'b', name: 'B process' },
];

/** A lane's label for one transaction: the operation or message and what decides it, without ids. */
export function shortLabel(text: string): string {
  const words = text
    .replace(/\(tag \d+\)/g, '')
    .split(/\s+/)
    .filter((word) => word && !/^(request|answer|tag|[ab]|pid\d+|\d+|(guid|owner|arg0|arg1|pointer|tag)=\S*)$/.test(word));
  const label = words.join(' ').replace(/page=/g, 'p').replace(/status=/g, '');
  return label.length > 17 ? `${label.slice(0, 16)}…` : label;
}

export interface TimingOptions {
  /** Transactions per lane taken back from the failure. */
  perLane?: number;
}

/**
 * WaveJSON for the last transactions of each lane up to `failureNs`. A
 * column is a moment something happened (so every transaction is readable,
 * in order across the lanes, however far apart in time); the `time` lane
 * says when, and the last column is the violation.
 */
export function timingDiagram(transactions: readonly TransactionRecord[], failureNs: number, options: TimingOptions = {}): WaveJson {
  const perLane = options.perLane ?? 5;
  const shown = LANES.map((lane) =>
    transactions
      .filter((t) => t.where === lane.where && t.time <= failureNs)
      .sort((x, y) => x.time - y.time)
      .slice(-perLane),
  );
  const columns = [...new Set([...shown.flat().map((t) => t.time), failureNs])].sort((x, y) => x - y);
  const column = new Map(columns.map((time, index) => [time, index]));
  const signal: WaveJson['signal'] = [{ name: 'time (ns)', wave: '='.repeat(columns.length), data: columns.map(String) }, {}];
  LANES.forEach((lane, index) => {
    const labels = new Map<number, string[]>();
    for (const t of shown[index]!) {
      const at = column.get(t.time)!;
      labels.set(at, [...(labels.get(at) ?? []), shortLabel(t.text)]);
    }
    let wave = '';
    let idle = false;
    const data: string[] = [];
    for (let at = 0; at < columns.length; at++) {
      const here = labels.get(at);
      // A transaction holds its column; between them the lane is idle (z).
      if (here) data.push(here.length === 1 ? here[0]! : `${here[0]} +${here.length - 1}`);
      wave += here ? '=' : idle ? '.' : 'z';
      idle = !here;
    }
    signal.push({ name: lane.name, wave, data });
  });
  signal.push({});
  signal.push({ name: 'violation', wave: columns.length > 1 ? `0${'.'.repeat(columns.length - 2)}1` : '1' });
  return {
    signal,
    head: { text: `the ${shown.flat().length} transactions before the violation at ${failureNs} ns` },
    foot: { text: 'one column per moment a transaction was seen; the last column is the violation' },
    config: { hscale: 3 },
  };
}

/** SVG of `source`; `index` keeps the element ids of several diagrams on one page apart. */
export function renderTimingSvg(source: WaveJson, index = 0): string {
  const wavedrom = require('wavedrom') as WaveDromModule;
  return wavedrom.onml.stringify(wavedrom.renderAny(index, source, wavedrom.waveSkin));
}
