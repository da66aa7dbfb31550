// The mirrored memory system: two storage-controller nodes A and B, the
// inter-node link between them, and the shared disk both reach (patent
// Fig. 2). Ports are grouped per node (a_*, b_*); the link's fault
// injection and the nodes' failure controls are inputs the testbench drives.
module mirror_top
  import mirrorsim_pkg::*;
#(
  parameter int unsigned PageBytes   = 64,     // 4096 supported
  parameter int unsigned Frames      = 8,      // per node
  parameter int unsigned MaxAllocs   = 8,      // allocation table entries per node (own and mirrored)
  parameter int unsigned MaxPages    = 8,      // pages per allocation
  parameter int unsigned CacheLines  = 4,
  parameter int unsigned QueueDepth  = 8,
  parameter int unsigned LinkLatency = 4,      // cycles per direction
  parameter int unsigned DiskLatency = 20,     // cycles
  parameter int unsigned ReqTimeout  = 4096,   // cycles an originator waits for its partner (at least the link's recovery + 8 page times + 1024)
  localparam int unsigned PageWords  = PageBytes / 4,
  localparam int unsigned SlotW      = (MaxAllocs > 1) ? $clog2(MaxAllocs) : 1,
  localparam int unsigned VpW        = (MaxPages > 1) ? $clog2(MaxPages) : 1,
  // A disk block per page of every allocation either node can originate.
  localparam int unsigned Blocks     = 2 << (SlotW + VpW),
  // The longest message: a page, or a header answer (two words per page).
  localparam int unsigned PayloadMax = (PageWords > 2 + 2 * MaxPages) ? PageWords : 2 + 2 * MaxPages,
  localparam int unsigned MaxMsgWords = 4 + PayloadMax
) (
  input  logic             clk_i,
  input  logic             rst_ni,
  // node failure controls
  input  logic             a_fail_i,
  input  logic             b_fail_i,
  // processes on node A
  input  logic             a_preq_valid_i,
  output logic             a_preq_ready_o,
  input  proc_req_t        a_preq_i,
  output logic             a_presp_valid_o,
  input  logic             a_presp_ready_i,
  output proc_resp_t       a_presp_o,
  input  logic             a_dreq_valid_i,
  output logic             a_dreq_ready_o,
  input  data_req_t        a_dreq_i,
  output logic             a_dresp_valid_o,
  input  logic             a_dresp_ready_i,
  output data_resp_t       a_dresp_o,
  // processes on node B
  input  logic             b_preq_valid_i,
  output logic             b_preq_ready_o,
  input  proc_req_t        b_preq_i,
  output logic             b_presp_valid_o,
  input  logic             b_presp_ready_i,
  output proc_resp_t       b_presp_o,
  input  logic             b_dreq_valid_i,
  output logic             b_dreq_ready_o,
  input  data_req_t        b_dreq_i,
  output logic             b_dresp_valid_o,
  input  logic             b_dresp_ready_i,
  output data_resp_t       b_dresp_o,
  // message injection: the host as the originating partner of A or B
  input  logic             a_inj_valid_i,
  output logic             a_inj_ready_o,
  input  logic [WordW-1:0] a_inj_data_i,
  input  logic             a_inj_last_i,
  output logic             a_injans_valid_o,
  input  logic             a_injans_ready_i,
  output logic [WordW-1:0] a_injans_data_o,
  output logic             a_injans_last_o,
  input  logic             b_inj_valid_i,
  output logic             b_inj_ready_o,
  input  logic [WordW-1:0] b_inj_data_i,
  input  logic             b_inj_last_i,
  output logic             b_injans_valid_o,
  input  logic             b_injans_ready_i,
  output logic [WordW-1:0] b_injans_data_o,
  output logic             b_injans_last_o,
  // link fault injection (ab: A to B, ba: B to A)
  input  logic             fault_drop_ab_i,
  input  logic             fault_drop_ba_i,
  input  logic             fault_corrupt_ab_i,
  input  logic             fault_corrupt_ba_i,
  input  logic [15:0]      fault_delay_ab_i,
  input  logic [15:0]      fault_delay_ba_i,
  input  logic             fault_dup_ab_i,
  input  logic             fault_dup_ba_i,
  input  logic             fault_cut_i,
  // status
  output logic             a_link_up_o,
  output logic             b_link_up_o,
  output logic             a_idle_o,
  output logic             b_idle_o,
  output logic             a_cache_clean_o,
  // failover status: serving both nodes' allocations alone, fenced (lost the
  // split-brain race), back from a failure and not yet resynchronized
  output logic             a_solo_o,
  output logic             b_solo_o,
  output logic             a_fenced_o,
  output logic             b_fenced_o,
  output logic             a_returned_o,
  output logic             b_returned_o,
  output logic             b_cache_clean_o
);
  // Node ports to the link and to the disk, by node index (0 = A, 1 = B).
  logic             tx_valid [2], tx_ready [2], tx_last [2];
  logic [WordW-1:0] tx_data [2];
  logic             rx_valid [2], rx_ready [2], rx_last [2];
  logic [WordW-1:0] rx_data [2];
  logic             disk_req_valid [2], disk_req_ready [2], disk_req_write [2];
  logic [15:0]      disk_req_block [2];
  logic             disk_wr_valid [2], disk_wr_ready [2], disk_rd_valid [2], disk_rd_ready [2];
  logic [WordW-1:0] disk_wr_data [2], disk_rd_data [2];
  logic             disk_wack [2], disk_abort [2];

  // ---------------------------------------------------------------------------
  // Shared storage's control area: the reservation and the node records
  // ---------------------------------------------------------------------------
  logic [1:0]       claim, give_back, rec_wr, down;
  logic             reservation_held, reservation_holder;
  logic             rec_wr_node [2];
  logic [SlotW-1:0] rec_wr_slot [2], rec_rd_slot [2];
  logic [16:0]      rec_wr_data [2], rec_rd_entry [2];
  logic [14:0]      rec_rd_counter [2];
  logic             rec_rd_node [2];
  assign rec_rd_node[0] = 1'b1;  // each node reads its partner's record
  assign rec_rd_node[1] = 1'b0;

  shared_state #(.MaxAllocs(MaxAllocs)) u_shared_state (
    .clk_i            (clk_i),
    .rst_ni           (rst_ni),
    .claim_i          (claim),
    .release_i        (give_back),
    .held_o           (reservation_held),
    .holder_o         (reservation_holder),
    .rec_wr_valid_i   (rec_wr),
    .rec_wr_node_i    (rec_wr_node),
    .rec_wr_slot_i    (rec_wr_slot),
    .rec_wr_data_i    (rec_wr_data),
    .rec_rd_node_i    (rec_rd_node),
    .rec_rd_slot_i    (rec_rd_slot),
    .rec_rd_entry_o   (rec_rd_entry),
    .rec_rd_counter_o (rec_rd_counter)
  );

  // A copy of a long page takes several page times, and on a link that stays
  // up a message may wait out the link's retransmissions (a full window,
  // MaxRetries = 8 times, each way) before its answer can come: never mistake
  // either for a lost partner. Giving up while the link is up would leave the
  // partner to apply the request later, unseen; a partner that is really gone
  // takes the link down, which ends every wait at once.
  localparam int unsigned LinkFrame    = MaxMsgWords + 2;
  localparam int unsigned LinkRecovery = 2 * 8 * (2 * LinkFrame + 2 * LinkLatency + 16 + 8 * LinkFrame);
  localparam int unsigned PartnerFloor = LinkRecovery + 8 * PageWords + 1024;
  localparam int unsigned PartnerWait  = (ReqTimeout > PartnerFloor) ? ReqTimeout : PartnerFloor;

  mirror_node #(
    .NodeId     (1'b0),
    .PageWords  (PageWords),
    .Frames     (Frames),
    .MaxAllocs  (MaxAllocs),
    .MaxPages   (MaxPages),
    .Blocks     (Blocks),
    .CacheLines (CacheLines),
    .QueueDepth (QueueDepth),
    .ReqTimeout (PartnerWait)
  ) u_node_a (
    .clk_i            (clk_i),
    .rst_ni           (rst_ni),
    .fail_i           (a_fail_i),
    .link_up_i        (a_link_up_o),
    .claim_o          (claim[0]),
    .release_o        (give_back[0]),
    .held_i           (reservation_held),
    .holder_i         (reservation_holder),
    .rec_wr_o         (rec_wr[0]),
    .rec_wr_node_o    (rec_wr_node[0]),
    .rec_wr_slot_o    (rec_wr_slot[0]),
    .rec_wr_data_o    (rec_wr_data[0]),
    .rec_rd_slot_o    (rec_rd_slot[0]),
    .rec_rd_entry_i   (rec_rd_entry[0]),
    .rec_rd_counter_i (rec_rd_counter[0]),
    .solo_o           (a_solo_o),
    .fenced_o         (a_fenced_o),
    .returned_o       (a_returned_o),
    .down_o           (down[0]),
    .preq_valid_i     (a_preq_valid_i),
    .preq_ready_o     (a_preq_ready_o),
    .preq_i           (a_preq_i),
    .presp_valid_o    (a_presp_valid_o),
    .presp_ready_i    (a_presp_ready_i),
    .presp_o          (a_presp_o),
    .dreq_valid_i     (a_dreq_valid_i),
    .dreq_ready_o     (a_dreq_ready_o),
    .dreq_i           (a_dreq_i),
    .dresp_valid_o    (a_dresp_valid_o),
    .dresp_ready_i    (a_dresp_ready_i),
    .dresp_o          (a_dresp_o),
    .inj_valid_i      (a_inj_valid_i),
    .inj_ready_o      (a_inj_ready_o),
    .inj_data_i       (a_inj_data_i),
    .inj_last_i       (a_inj_last_i),
    .injans_valid_o   (a_injans_valid_o),
    .injans_ready_i   (a_injans_ready_i),
    .injans_data_o    (a_injans_data_o),
    .injans_last_o    (a_injans_last_o),
    .tx_valid_o       (tx_valid[0]),
    .tx_ready_i       (tx_ready[0]),
    .tx_data_o        (tx_data[0]),
    .tx_last_o        (tx_last[0]),
    .rx_valid_i       (rx_valid[0]),
    .rx_ready_o       (rx_ready[0]),
    .rx_data_i        (rx_data[0]),
    .rx_last_i        (rx_last[0]),
    .disk_req_valid_o (disk_req_valid[0]),
    .disk_req_ready_i (disk_req_ready[0]),
    .disk_req_write_o (disk_req_write[0]),
    .disk_req_block_o (disk_req_block[0]),
    .disk_wr_valid_o  (disk_wr_valid[0]),
    .disk_wr_ready_i  (disk_wr_ready[0]),
    .disk_wr_data_o   (disk_wr_data[0]),
    .disk_rd_valid_i  (disk_rd_valid[0]),
    .disk_rd_ready_o  (disk_rd_ready[0]),
    .disk_rd_data_i   (disk_rd_data[0]),
    .disk_wack_i      (disk_wack[0]),
    .disk_abort_o     (disk_abort[0]),
    .idle_o           (a_idle_o),
    .cache_clean_o    (a_cache_clean_o)
  );

  mirror_node #(
    .NodeId     (1'b1),
    .PageWords  (PageWords),
    .Frames     (Frames),
    .MaxAllocs  (MaxAllocs),
    .MaxPages   (MaxPages),
    .Blocks     (Blocks),
    .CacheLines (CacheLines),
    .QueueDepth (QueueDepth),
    .ReqTimeout (PartnerWait)
  ) u_node_b (
    .clk_i            (clk_i),
    .rst_ni           (rst_ni),
    .fail_i           (b_fail_i),
    .link_up_i        (b_link_up_o),
    .claim_o          (claim[1]),
    .release_o        (give_back[1]),
    .held_i           (reservation_held),
    .holder_i         (reservation_holder),
    .rec_wr_o         (rec_wr[1]),
    .rec_wr_node_o    (rec_wr_node[1]),
    .rec_wr_slot_o    (rec_wr_slot[1]),
    .rec_wr_data_o    (rec_wr_data[1]),
    .rec_rd_slot_o    (rec_rd_slot[1]),
    .rec_rd_entry_i   (rec_rd_entry[1]),
    .rec_rd_counter_i (rec_rd_counter[1]),
    .solo_o           (b_solo_o),
    .fenced_o         (b_fenced_o),
    .returned_o       (b_returned_o),
    .down_o           (down[1]),
    .preq_valid_i     (b_preq_valid_i),
    .preq_ready_o     (b_preq_ready_o),
    .preq_i           (b_preq_i),
    .presp_valid_o    (b_presp_valid_o),
    .presp_ready_i    (b_presp_ready_i),
    .presp_o          (b_presp_o),
    .dreq_valid_i     (b_dreq_valid_i),
    .dreq_ready_o     (b_dreq_ready_o),
    .dreq_i           (b_dreq_i),
    .dresp_valid_o    (b_dresp_valid_o),
    .dresp_ready_i    (b_dresp_ready_i),
    .dresp_o          (b_dresp_o),
    .inj_valid_i      (b_inj_valid_i),
    .inj_ready_o      (b_inj_ready_o),
    .inj_data_i       (b_inj_data_i),
    .inj_last_i       (b_inj_last_i),
    .injans_valid_o   (b_injans_valid_o),
    .injans_ready_i   (b_injans_ready_i),
    .injans_data_o    (b_injans_data_o),
    .injans_last_o    (b_injans_last_o),
    .tx_valid_o       (tx_valid[1]),
    .tx_ready_i       (tx_ready[1]),
    .tx_data_o        (tx_data[1]),
    .tx_last_o        (tx_last[1]),
    .rx_valid_i       (rx_valid[1]),
    .rx_ready_o       (rx_ready[1]),
    .rx_data_i        (rx_data[1]),
    .rx_last_i        (rx_last[1]),
    .disk_req_valid_o (disk_req_valid[1]),
    .disk_req_ready_i (disk_req_ready[1]),
    .disk_req_write_o (disk_req_write[1]),
    .disk_req_block_o (disk_req_block[1]),
    .disk_wr_valid_o  (disk_wr_valid[1]),
    .disk_wr_ready_i  (disk_wr_ready[1]),
    .disk_wr_data_o   (disk_wr_data[1]),
    .disk_rd_valid_i  (disk_rd_valid[1]),
    .disk_rd_ready_o  (disk_rd_ready[1]),
    .disk_rd_data_i   (disk_rd_data[1]),
    .disk_wack_i      (disk_wack[1]),
    .disk_abort_o     (disk_abort[1]),
    .idle_o           (b_idle_o),
    .cache_clean_o    (b_cache_clean_o)
  );

  // Link statistics: read by the testbench by name.
  /* verilator lint_off UNUSEDSIGNAL */
  logic [31:0] stat_frames [2], stat_retx [2], stat_crc_err [2], stat_dropped [2];
  logic [31:0] stat_delivered [2], stat_dup [2], stat_duplicated [2], down_events [2];
  logic        disk_wiping;
  /* verilator lint_on UNUSEDSIGNAL */

  inter_node_link #(
    .Latency     (LinkLatency),
    // The heartbeat timeout follows from the longest frame (see rtl-link.md).
    .MaxMsgWords (MaxMsgWords)
  ) u_link (
    .clk_i               (clk_i),
    .rst_ni              (rst_ni),
    .a_tx_valid_i        (tx_valid[0]),
    .a_tx_ready_o        (tx_ready[0]),
    .a_tx_data_i         (tx_data[0]),
    .a_tx_last_i         (tx_last[0]),
    .a_rx_valid_o        (rx_valid[0]),
    .a_rx_ready_i        (rx_ready[0]),
    .a_rx_data_o         (rx_data[0]),
    .a_rx_last_o         (rx_last[0]),
    .a_link_up_o         (a_link_up_o),
    .a_alive_i           (!a_fail_i),
    .a_abandon_i         (down[0]),
    .b_tx_valid_i        (tx_valid[1]),
    .b_tx_ready_o        (tx_ready[1]),
    .b_tx_data_i         (tx_data[1]),
    .b_tx_last_i         (tx_last[1]),
    .b_rx_valid_o        (rx_valid[1]),
    .b_rx_ready_i        (rx_ready[1]),
    .b_rx_data_o         (rx_data[1]),
    .b_rx_last_o         (rx_last[1]),
    .b_link_up_o         (b_link_up_o),
    .b_alive_i           (!b_fail_i),
    .b_abandon_i         (down[1]),
    .fault_drop_ab_i     (fault_drop_ab_i),
    .fault_drop_ba_i     (fault_drop_ba_i),
    .fault_corrupt_ab_i  (fault_corrupt_ab_i),
    .fault_corrupt_ba_i  (fault_corrupt_ba_i),
    .fault_delay_ab_i    (fault_delay_ab_i),
    .fault_delay_ba_i    (fault_delay_ba_i),
    .fault_dup_ab_i      (fault_dup_ab_i),
    .fault_dup_ba_i      (fault_dup_ba_i),
    .fault_cut_i         (fault_cut_i),
    .stat_frames_ab_o    (stat_frames[0]),
    .stat_frames_ba_o    (stat_frames[1]),
    .stat_retx_ab_o      (stat_retx[0]),
    .stat_retx_ba_o      (stat_retx[1]),
    .stat_crc_err_ab_o   (stat_crc_err[0]),
    .stat_crc_err_ba_o   (stat_crc_err[1]),
    .stat_dropped_ab_o   (stat_dropped[0]),
    .stat_dropped_ba_o   (stat_dropped[1]),
    .stat_delivered_ab_o (stat_delivered[0]),
    .stat_delivered_ba_o (stat_delivered[1]),
    .stat_dup_ab_o       (stat_dup[0]),
    .stat_dup_ba_o       (stat_dup[1]),
    .stat_duplicated_ab_o (stat_duplicated[0]),
    .stat_duplicated_ba_o (stat_duplicated[1]),
    .a_down_events_o     (down_events[0]),
    .b_down_events_o     (down_events[1])
  );

  disk_model #(
    .Blocks    (Blocks),
    .PageWords (PageWords),
    .Latency   (DiskLatency)
  ) u_disk (
    .clk_i          (clk_i),
    .rst_ni         (rst_ni),
    .wipe_i         (1'b0),
    .wiping_o       (disk_wiping),
    .p0_req_valid_i (disk_req_valid[0]),
    .p0_req_ready_o (disk_req_ready[0]),
    .p0_req_write_i (disk_req_write[0]),
    .p0_req_block_i (disk_req_block[0]),
    .p0_wr_valid_i  (disk_wr_valid[0]),
    .p0_wr_ready_o  (disk_wr_ready[0]),
    .p0_wr_data_i   (disk_wr_data[0]),
    .p0_rd_valid_o  (disk_rd_valid[0]),
    .p0_rd_ready_i  (disk_rd_ready[0]),
    .p0_rd_data_o   (disk_rd_data[0]),
    .p0_wack_o      (disk_wack[0]),
    .p0_abort_i     (disk_abort[0]),
    .p1_req_valid_i (disk_req_valid[1]),
    .p1_req_ready_o (disk_req_ready[1]),
    .p1_req_write_i (disk_req_write[1]),
    .p1_req_block_i (disk_req_block[1]),
    .p1_wr_valid_i  (disk_wr_valid[1]),
    .p1_wr_ready_o  (disk_wr_ready[1]),
    .p1_wr_data_i   (disk_wr_data[1]),
    .p1_rd_valid_o  (disk_rd_valid[1]),
    .p1_rd_ready_i  (disk_rd_ready[1]),
    .p1_rd_data_o   (disk_rd_data[1]),
    .p1_wack_o      (disk_wack[1]),
    .p1_abort_i     (disk_abort[1])
  );
endmodule
