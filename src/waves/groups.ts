// Signal groups for a save file, picked from the names the design really has
// (an FST's list, or the host's `sim.signalNames`): by patterns that must each
// match something, or, for a design nobody wrote patterns for, by a generic
// rule (top-level ports, then the state registers of each instance).
import { MirrorsimError } from '../errors.js';
import { closestNames } from '../sim/suggest.js';
import type { SignalGroup } from './gtkw.js';

/** A group and the patterns that fill it, in display order. */
export interface GroupSpec {
  name: string;
  /**
   * Globs over design paths (below the top module, without the vector range):
   * `u_node_a.u_mm.u_originator.state_q`, `u_node_a.u_mm.preq_*`. `*` stays
   * within one level of the hierarchy.
   */
  patterns: readonly string[];
}

/** A pattern that matched no signal: the RTL was renamed under the save file. */
export class WaveSignalPatternError extends MirrorsimError {
  override name = 'WaveSignalPatternError';
  constructor(
    readonly group: string,
    readonly pattern: string,
    readonly closest: readonly string[],
  ) {
    super(`wave group '${group}': no signal matches '${pattern}'${closest.length > 0 ? `; closest: ${closest.join(', ')}` : ''}`);
  }
}

const RANGE = /\[\d+:\d+\]$/;

/**
 * A signal's path below the top module, without its vector range:
 * `TOP.mirror_top.u_link.a_state[1:0]` and `u_link.a_state` are both
 * `u_link.a_state`. The model's own port copies right under `TOP` have none.
 */
export function designPath(name: string): string | undefined {
  const bare = name.replace(RANGE, '');
  if (!bare.startsWith('TOP.')) return bare;
  const below = bare.slice('TOP.'.length);
  const dot = below.indexOf('.');
  return dot < 0 ? undefined : below.slice(dot + 1);
}

function globRegExp(pattern: string): RegExp {
  const body = pattern
    .split('*')
    .map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
    .join('[^.]*');
  return new RegExp(`^${body}$`);
}

/** Groups filled from `signals` by `specs`; throws WaveSignalPatternError for a pattern that matches nothing. */
export function groupsFromPatterns(signals: readonly string[], specs: readonly GroupSpec[]): SignalGroup[] {
  const paths = signals.map((signal) => ({ signal, path: designPath(signal) }));
  return specs.map((spec) => {
    const chosen: string[] = [];
    for (const pattern of spec.patterns) {
      const re = globRegExp(pattern);
      const hits = paths.filter(({ path }) => path !== undefined && re.test(path)).map(({ signal }) => signal);
      if (hits.length === 0) {
        const known = paths.flatMap(({ path }) => (path === undefined ? [] : [path]));
        throw new WaveSignalPatternError(spec.name, pattern, closestNames(pattern.replaceAll('*', ''), known, 3));
      }
      for (const hit of hits) if (!chosen.includes(hit)) chosen.push(hit);
    }
    return { name: spec.name, signals: chosen };
  });
}

/** How much of a design the generic grouping shows. */
export interface GenericLimits {
  /** Instances that get a group of their state registers. */
  instances: number;
  /** Signals per group. */
  perGroup: number;
}

export const GENERIC_LIMITS: GenericLimits = { instances: 12, perGroup: 24 };

/**
 * For any design: its top-level ports (inputs, outputs, by the `_i`/`_o`
 * naming convention), then, per module instance, its state registers
 * (`*_q`, not array elements), both capped.
 */
export function genericWaveGroups(signals: readonly string[], limits: GenericLimits = GENERIC_LIMITS): SignalGroup[] {
  // In an FST the model's ports sit right under TOP; in the host's list, at the top level.
  const fromFst = signals.some((signal) => signal.startsWith('TOP.'));
  const ports = signals.filter((signal) => (fromFst ? /^TOP\.[^.]+$/.test(signal) : !signal.includes('.')));
  const base = (signal: string): string => signal.replace(RANGE, '').replace(/^.*\./, '');
  const inputs = ports.filter((signal) => /_n?i$/.test(base(signal)));
  const outputs = ports.filter((signal) => /_n?o$/.test(base(signal)));
  const others = ports.filter((signal) => !inputs.includes(signal) && !outputs.includes(signal));
  const groups: SignalGroup[] = [];
  const add = (name: string, list: string[]): void => {
    if (list.length > 0) groups.push({ name, signals: list.slice(0, limits.perGroup) });
  };
  add('inputs', inputs);
  add('outputs', outputs);
  add('ports', others);
  const byInstance = new Map<string, string[]>();
  for (const signal of signals) {
    const path = designPath(signal);
    if (path === undefined || !/_q$/.test(path)) continue;
    const dot = path.lastIndexOf('.');
    const instance = dot < 0 ? '(top)' : path.slice(0, dot);
    if (!byInstance.has(instance)) byInstance.set(instance, []);
    byInstance.get(instance)!.push(signal);
  }
  for (const [instance, registers] of [...byInstance].sort(([a], [b]) => a.localeCompare(b)).slice(0, limits.instances)) {
    add(`${instance} state`, registers);
  }
  return groups;
}
