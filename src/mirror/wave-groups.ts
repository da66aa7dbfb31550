// The signals that matter when a two-node run fails, as save-file groups:
// per node the memory manager's originator and partner state machines, its
// process request/response and data ports, its side of the link (frames on
// the wire, link state, link up), its DMA engine and its takeover/resync
// state; then the fault inputs. Named by the design's own hierarchy
// (rtl/mirror_top.sv and below): a renamed signal makes mirrorWaveGroups
// throw, naming the pattern, rather than drop out of the save file.
import { groupsFromPatterns, type GroupSpec } from '../waves/groups.js';
import type { SignalGroup } from '../waves/gtkw.js';

function nodeGroups(node: 'a' | 'b'): GroupSpec[] {
  const label = `node ${node.toUpperCase()}`;
  const mm = `u_node_${node}.u_mm`;
  return [
    {
      name: `${label}: memory manager`,
      patterns: [
        `${mm}.u_originator.state_q`,
        `${mm}.u_originator.req_q`,
        `${mm}.u_originator.tag_q`,
        `${mm}.u_originator.timer_q`,
        `${mm}.u_partner.state_q`,
        `${mm}.u_partner.hdr_q`,
        `${mm}.u_partner.ans_q`,
        `${mm}.free_frames_o`,
      ],
    },
    { name: `${label}: process requests`, patterns: [`${mm}.preq_*`, `${mm}.presp_*`] },
    { name: `${label}: process data`, patterns: [`${mm}.dreq_*`, `${mm}.dresp_*`] },
    {
      name: `${label}: link`,
      // The node's side of the link: messages in and out, the frames on the
      // wire each way, the endpoint's state and link-up.
      patterns: [`u_link.${node}_link_up_o`, `u_link.${node}_state`, `u_link.${node}_tx_*`, `u_link.${node}_rx_*`, `u_link.${node}_to_wire`, `u_link.wire_to_${node}`],
    },
    {
      name: `${label}: DMA engine`,
      patterns: [`u_node_${node}.u_dma.state_q`, `u_node_${node}.u_dma.cmd_q`, `u_node_${node}.u_dma.status_q`, `u_node_${node}.u_dma.cmd_valid_i`, `u_node_${node}.u_dma.cmd_ready_o`, `u_node_${node}.u_dma.done_valid_o`],
    },
    {
      name: `${label}: takeover and resync`,
      patterns: [`${mm}.u_takeover.state_q`, `${mm}.u_takeover.lost_q`, `${mm}.u_resync.state_q`, `${node}_solo_o`, `${node}_fenced_o`, `${node}_returned_o`],
    },
  ];
}

export const MIRROR_GROUP_SPECS: readonly GroupSpec[] = [
  { name: 'clock and reset', patterns: ['clk_i', 'rst_ni'] },
  ...nodeGroups('a'),
  ...nodeGroups('b'),
  { name: 'faults', patterns: ['a_fail_i', 'b_fail_i', 'fault_*'] },
];

/** The save-file groups for mirror_top (or a mutant of it), from its real signal names. */
export function mirrorWaveGroups(signals: readonly string[]): SignalGroup[] {
  return groupsFromPatterns(signals, MIRROR_GROUP_SPECS);
}
