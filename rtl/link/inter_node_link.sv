// The inter-node link between storage-controller nodes A and B: one
// link_endpoint per node and one link_wire per direction, with the
// testbench's fault injection on the wires and statistics counters.
//
//   node A ◄─► link_endpoint u_ep_a ──► link_wire u_wire_ab ──► link_endpoint u_ep_b ◄─► node B
//                               ◄── link_wire u_wire_ba ◄──
//
// Messages are delivered whole, in order and exactly once while the link is
// up. docs/rtl-link.md describes the frame format, the protocol and the
// bounds.
module inter_node_link
  import link_pkg::*;
#(
  // Wire latency in cycles, each direction.
  parameter int unsigned Latency     = 4,
  // Longest message in words: a 4-word header and one page.
  parameter int unsigned MaxMsgWords = 4 + 16,
  // Idle cycles before a heartbeat; cycles without a good frame before a
  // side declares the link down. The timeout must cover a heartbeat period
  // after a full frame and then a poll and its answer, each of which may wait
  // behind a full frame: 128 by default, four frames for long messages
  // (4120 cycles for 4 KiB pages).
  parameter int unsigned HbPeriod    = 32,
  // At least 128, four frame times, and room for a poll and its answer after
  // PollAfter (the endpoint checks 3 * MaxMsgWords + 62 < HbTimeout at HbPeriod 32).
  parameter int unsigned HbTimeout   = (4 * (MaxMsgWords + 2) > 128)
                                       ? ((4 * (MaxMsgWords + 2) > 3 * MaxMsgWords + 63) ? 4 * (MaxMsgWords + 2) : 3 * MaxMsgWords + 63)
                                       : ((128 > 3 * MaxMsgWords + 63) ? 128 : 3 * MaxMsgWords + 63),
  // Must exceed the round trip of a full frame: it goes out (MaxMsgWords + 2
  // words), crosses the wire, may wait behind a full frame of the peer, and
  // its ack (in that frame's header) counts once the peer's frame is checked.
  parameter int unsigned AckTimeout  = 2 * (MaxMsgWords + 2) + 2 * Latency + 16,
  // Retransmissions of one frame before the link is declared down.
  parameter int unsigned MaxRetries  = 8,
  // Frames in flight per direction (sender window) and messages the receiver
  // can hold; powers of two, 2 to 8. Eight keep the wire busy with short
  // messages both ways (see docs/rtl-link.md); each slot holds MaxMsgWords.
  parameter int unsigned TxSlots     = 8,
  parameter int unsigned RxSlots     = 8,
  // Silence after declaring the link down: long enough for the peer to time
  // out too (HbTimeout after the last frame it got, which was on the wire).
  parameter int unsigned QuietCycles = HbTimeout + 2 * Latency + 8,
  // Words each wire can hold in flight (bounds the fault delay that can be
  // applied to a busy wire without losing frames).
  parameter int unsigned WireDepth   = 2 * (MaxMsgWords + 2) + Latency + 256
) (
  input  logic             clk_i,
  input  logic             rst_ni,

  // Node A.
  input  logic             a_tx_valid_i,
  output logic             a_tx_ready_o,
  input  logic [WordW-1:0] a_tx_data_i,
  input  logic             a_tx_last_i,
  output logic             a_rx_valid_o,
  input  logic             a_rx_ready_i,
  output logic [WordW-1:0] a_rx_data_o,
  output logic             a_rx_last_o,
  output logic             a_link_up_o,
  input  logic             a_alive_i,
  input  logic             a_abandon_i,   // node A dropped the message it was sending

  // Node B.
  input  logic             b_tx_valid_i,
  output logic             b_tx_ready_o,
  input  logic [WordW-1:0] b_tx_data_i,
  input  logic             b_tx_last_i,
  output logic             b_rx_valid_o,
  input  logic             b_rx_ready_i,
  output logic [WordW-1:0] b_rx_data_o,
  output logic             b_rx_last_o,
  output logic             b_link_up_o,
  input  logic             b_alive_i,
  input  logic             b_abandon_i,

  // Fault injection, per direction (ab: A to B, ba: B to A).
  input  logic             fault_drop_ab_i,
  input  logic             fault_drop_ba_i,
  input  logic             fault_corrupt_ab_i,
  input  logic             fault_corrupt_ba_i,
  input  logic [15:0]      fault_delay_ab_i,
  input  logic [15:0]      fault_delay_ba_i,
  // Duplicate: a frame that enters the wire while high leaves it twice.
  input  logic             fault_dup_ab_i,
  input  logic             fault_dup_ba_i,
  input  logic             fault_cut_i,

  // Statistics.
  output logic [31:0]      stat_frames_ab_o,
  output logic [31:0]      stat_frames_ba_o,
  output logic [31:0]      stat_retx_ab_o,
  output logic [31:0]      stat_retx_ba_o,
  output logic [31:0]      stat_crc_err_ab_o,
  output logic [31:0]      stat_crc_err_ba_o,
  output logic [31:0]      stat_dropped_ab_o,
  output logic [31:0]      stat_dropped_ba_o,
  output logic [31:0]      stat_delivered_ab_o,
  output logic [31:0]      stat_delivered_ba_o,
  output logic [31:0]      stat_dup_ab_o,
  output logic [31:0]      stat_dup_ba_o,
  // Frames the wire sent twice (the duplicate fault).
  output logic [31:0]      stat_duplicated_ab_o,
  output logic [31:0]      stat_duplicated_ba_o,
  output logic [31:0]      a_down_events_o,
  output logic [31:0]      b_down_events_o
);

  localparam int unsigned MaxFrameWords = MaxMsgWords + 2;

  wire_word_t a_to_wire, wire_to_b, b_to_wire, wire_to_a;
  link_state_e a_state, b_state;

  logic a_ev_data, a_ev_retx, a_ev_crc_err, a_ev_dup, a_ev_delivered, a_ev_down;
  logic b_ev_data, b_ev_retx, b_ev_crc_err, b_ev_dup, b_ev_delivered, b_ev_down;
  logic ab_dropped, ba_dropped;
  logic ab_duplicated, ba_duplicated;

  link_endpoint #(
    .MaxMsgWords (MaxMsgWords),
    .TxSlots     (TxSlots),
    .RxSlots     (RxSlots),
    .HbPeriod    (HbPeriod),
    .HbTimeout   (HbTimeout),
    .AckTimeout  (AckTimeout),
    .MaxRetries  (MaxRetries),
    .QuietCycles (QuietCycles)
  ) u_ep_a (
    .clk_i,
    .rst_ni,
    .alive_i        (a_alive_i),
    .abandon_i      (a_abandon_i),
    .tx_valid_i     (a_tx_valid_i),
    .tx_ready_o     (a_tx_ready_o),
    .tx_data_i      (a_tx_data_i),
    .tx_last_i      (a_tx_last_i),
    .rx_valid_o     (a_rx_valid_o),
    .rx_ready_i     (a_rx_ready_i),
    .rx_data_o      (a_rx_data_o),
    .rx_last_o      (a_rx_last_o),
    .link_up_o      (a_link_up_o),
    .state_o        (a_state),
    .wire_o         (a_to_wire),
    .wire_i         (wire_to_a),
    .ev_data_o      (a_ev_data),
    .ev_retx_o      (a_ev_retx),
    .ev_crc_err_o   (a_ev_crc_err),
    .ev_dup_o       (a_ev_dup),
    .ev_delivered_o (a_ev_delivered),
    .ev_down_o      (a_ev_down)
  );

  link_endpoint #(
    .MaxMsgWords (MaxMsgWords),
    .TxSlots     (TxSlots),
    .RxSlots     (RxSlots),
    .HbPeriod    (HbPeriod),
    .HbTimeout   (HbTimeout),
    .AckTimeout  (AckTimeout),
    .MaxRetries  (MaxRetries),
    .QuietCycles (QuietCycles)
  ) u_ep_b (
    .clk_i,
    .rst_ni,
    .alive_i        (b_alive_i),
    .abandon_i      (b_abandon_i),
    .tx_valid_i     (b_tx_valid_i),
    .tx_ready_o     (b_tx_ready_o),
    .tx_data_i      (b_tx_data_i),
    .tx_last_i      (b_tx_last_i),
    .rx_valid_o     (b_rx_valid_o),
    .rx_ready_i     (b_rx_ready_i),
    .rx_data_o      (b_rx_data_o),
    .rx_last_o      (b_rx_last_o),
    .link_up_o      (b_link_up_o),
    .state_o        (b_state),
    .wire_o         (b_to_wire),
    .wire_i         (wire_to_b),
    .ev_data_o      (b_ev_data),
    .ev_retx_o      (b_ev_retx),
    .ev_crc_err_o   (b_ev_crc_err),
    .ev_dup_o       (b_ev_dup),
    .ev_delivered_o (b_ev_delivered),
    .ev_down_o      (b_ev_down)
  );

  link_wire #(
    .Latency       (Latency),
    .MaxFrameWords (MaxFrameWords),
    .Depth         (WireDepth),
    .LfsrSeed      (16'hACE1)
  ) u_wire_ab (
    .clk_i,
    .rst_ni,
    .in_i            (a_to_wire),
    .out_o           (wire_to_b),
    .fault_drop_i    (fault_drop_ab_i),
    .fault_corrupt_i (fault_corrupt_ab_i),
    .fault_delay_i   (fault_delay_ab_i),
    .fault_cut_i     (fault_cut_i),
    .fault_dup_i     (fault_dup_ab_i),
    .dropped_o       (ab_dropped),
    .duplicated_o    (ab_duplicated)
  );

  link_wire #(
    .Latency       (Latency),
    .MaxFrameWords (MaxFrameWords),
    .Depth         (WireDepth),
    .LfsrSeed      (16'h5EED)
  ) u_wire_ba (
    .clk_i,
    .rst_ni,
    .in_i            (b_to_wire),
    .out_o           (wire_to_a),
    .fault_drop_i    (fault_drop_ba_i),
    .fault_corrupt_i (fault_corrupt_ba_i),
    .fault_delay_i   (fault_delay_ba_i),
    .fault_cut_i     (fault_cut_i),
    .fault_dup_i     (fault_dup_ba_i),
    .dropped_o       (ba_dropped),
    .duplicated_o    (ba_duplicated)
  );

  // ---------------------------------------------------------------------------
  // Statistics: free-running event counters, cleared only by reset (a node
  // that dies and comes back keeps its history, so a test can see it).
  // ---------------------------------------------------------------------------
  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      stat_frames_ab_o    <= '0;
      stat_frames_ba_o    <= '0;
      stat_retx_ab_o      <= '0;
      stat_retx_ba_o      <= '0;
      stat_crc_err_ab_o   <= '0;
      stat_crc_err_ba_o   <= '0;
      stat_dropped_ab_o   <= '0;
      stat_dropped_ba_o   <= '0;
      stat_delivered_ab_o <= '0;
      stat_delivered_ba_o <= '0;
      stat_dup_ab_o       <= '0;
      stat_dup_ba_o       <= '0;
      stat_duplicated_ab_o <= '0;
      stat_duplicated_ba_o <= '0;
      a_down_events_o     <= '0;
      b_down_events_o     <= '0;
    end else begin
      stat_frames_ab_o    <= stat_frames_ab_o    + 32'(a_ev_data);
      stat_frames_ba_o    <= stat_frames_ba_o    + 32'(b_ev_data);
      stat_retx_ab_o      <= stat_retx_ab_o      + 32'(a_ev_retx);
      stat_retx_ba_o      <= stat_retx_ba_o      + 32'(b_ev_retx);
      // Receiver-side counts of a direction come from the far endpoint.
      stat_crc_err_ab_o   <= stat_crc_err_ab_o   + 32'(b_ev_crc_err);
      stat_crc_err_ba_o   <= stat_crc_err_ba_o   + 32'(a_ev_crc_err);
      stat_dropped_ab_o   <= stat_dropped_ab_o   + 32'(ab_dropped);
      stat_dropped_ba_o   <= stat_dropped_ba_o   + 32'(ba_dropped);
      stat_delivered_ab_o <= stat_delivered_ab_o + 32'(b_ev_delivered);
      stat_delivered_ba_o <= stat_delivered_ba_o + 32'(a_ev_delivered);
      stat_dup_ab_o       <= stat_dup_ab_o       + 32'(b_ev_dup);
      stat_dup_ba_o       <= stat_dup_ba_o       + 32'(a_ev_dup);
      stat_duplicated_ab_o <= stat_duplicated_ab_o + 32'(ab_duplicated);
      stat_duplicated_ba_o <= stat_duplicated_ba_o + 32'(ba_duplicated);
      a_down_events_o     <= a_down_events_o     + 32'(a_ev_down);
      b_down_events_o     <= b_down_events_o     + 32'(b_ev_down);
    end
  end

`ifndef SYNTHESIS
  always_ff @(posedge clk_i) begin
    if (rst_ni) begin
      // A dead node's endpoint never claims the link is up.
      assert (!(a_link_up_o && !a_alive_i)) else $error("inter_node_link: A up while dead");
      assert (!(b_link_up_o && !b_alive_i)) else $error("inter_node_link: B up while dead");
    end
  end
`endif

  // The endpoints' states are for waveforms and tests (read by hierarchy).
  logic unused_states;
  assign unused_states = ^{a_state, b_state};

endmodule
