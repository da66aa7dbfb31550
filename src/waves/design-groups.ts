// The save-file groups for whatever design a trace is of: the two-node
// system's own groups when the trace is of mirror_top (or a mutant of it),
// the generic ones otherwise.
import { mirrorWaveGroups } from '../mirror/wave-groups.js';
import { genericWaveGroups } from './groups.js';
import type { SignalGroup } from './gtkw.js';

export function waveGroupsFor(signals: readonly string[]): SignalGroup[] {
  const mirror = signals.some((signal) => signal.startsWith('TOP.mirror_top.')) || signals.includes('u_node_a.u_mm.u_originator.state_q');
  return mirror ? mirrorWaveGroups(signals) : genericWaveGroups(signals);
}
