// One storage-controller node (patent Fig. 2, node 210): memory manager,
// local memory, DMA copy engine and storage cache. Its link port goes to the
// inter-node link, its page port to the shared disk.
module mirror_node
  import mirrorsim_pkg::*;
#(
  parameter logic        NodeId     = 1'b0,
  parameter int unsigned PageWords  = 16,
  parameter int unsigned Frames     = 8,
  parameter int unsigned MaxAllocs  = 8,
  parameter int unsigned MaxPages   = 8,
  parameter int unsigned Blocks     = 128,
  parameter int unsigned CacheLines = 4,
  parameter int unsigned QueueDepth = 8,
  parameter int unsigned ReqTimeout = 4096,
  localparam int unsigned SlotW     = (MaxAllocs > 1) ? $clog2(MaxAllocs) : 1
) (
  input  logic             clk_i,
  input  logic             rst_ni,
  input  logic             fail_i,        // the node is down: it stops and its memory is lost
  input  logic             link_up_i,
  // processes
  input  logic             preq_valid_i,
  output logic             preq_ready_o,
  input  proc_req_t        preq_i,
  output logic             presp_valid_o,
  input  logic             presp_ready_i,
  output proc_resp_t       presp_o,
  input  logic             dreq_valid_i,
  output logic             dreq_ready_o,
  input  data_req_t        dreq_i,
  output logic             dresp_valid_o,
  input  logic             dresp_ready_i,
  output data_resp_t       dresp_o,
  // the host as originating partner
  input  logic             inj_valid_i,
  output logic             inj_ready_o,
  input  logic [WordW-1:0] inj_data_i,
  input  logic             inj_last_i,
  output logic             injans_valid_o,
  input  logic             injans_ready_i,
  output logic [WordW-1:0] injans_data_o,
  output logic             injans_last_o,
  // link port
  output logic             tx_valid_o,
  input  logic             tx_ready_i,
  output logic [WordW-1:0] tx_data_o,
  output logic             tx_last_o,
  input  logic             rx_valid_i,
  output logic             rx_ready_o,
  input  logic [WordW-1:0] rx_data_i,
  input  logic             rx_last_i,
  // page port to the shared disk
  output logic             disk_req_valid_o,
  input  logic             disk_req_ready_i,
  output logic             disk_req_write_o,
  output logic [15:0]      disk_req_block_o,
  output logic             disk_wr_valid_o,
  input  logic             disk_wr_ready_i,
  output logic [WordW-1:0] disk_wr_data_o,
  input  logic             disk_rd_valid_i,
  output logic             disk_rd_ready_o,
  input  logic [WordW-1:0] disk_rd_data_i,
  input  logic             disk_wack_i,
  output logic             disk_abort_o,
  // failover: shared storage's reservation and node records
  output logic             claim_o,
  output logic             release_o,
  input  logic             held_i,
  input  logic             holder_i,
  output logic             rec_wr_o,
  output logic             rec_wr_node_o,
  output logic [SlotW-1:0] rec_wr_slot_o,
  output logic [16:0]      rec_wr_data_o,
  output logic [SlotW-1:0] rec_rd_slot_o,
  input  logic [16:0]      rec_rd_entry_i,
  input  logic [14:0]      rec_rd_counter_i,
  output logic             solo_o,
  output logic             fenced_o,
  output logic             returned_o,
  output logic             down_o,        // failed, or fenced just now: what it was sending is abandoned
  // status
  output logic             idle_o,
  output logic             cache_clean_o
);
  localparam int unsigned AddrW  = $clog2(Frames * PageWords);
  localparam int unsigned FrameW = (Frames > 1) ? $clog2(Frames) : 1;

  // A failure (or a fence) is a level (the node stays down); the memory wipe
  // and the cache loss happen once, when it goes down.
  logic down, down_q, fail_rise;  // failed, or fenced just now
  assign down_o = down;
  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) down_q <= 1'b0;
    else         down_q <= down;
  end
  assign fail_rise = down && !down_q;

  // ---------------------------------------------------------------------------
  // Memory manager
  // ---------------------------------------------------------------------------
  logic             lm_req, lm_gnt, lm_we, lm_rvalid;
  logic [AddrW-1:0] lm_addr;
  logic [WordW-1:0] lm_wdata, lm_rdata;
  logic             dma_cmd_valid, dma_cmd_ready;
  logic [1:0]       dma_cmd_op;
  logic [15:0]      dma_cmd_frame, dma_cmd_block;
  logic             dma_done_valid;
  storage_pkg::dma_done_t dma_done;
  logic             send_valid, send_ready, send_last;
  logic [WordW-1:0] send_data;
  logic             recv_valid, recv_ready, recv_last;
  logic [WordW-1:0] recv_data;
  logic [FrameW:0]  free_frames;

  memory_manager #(
    .NodeId     (NodeId),
    .Frames     (Frames),
    .MaxAllocs  (MaxAllocs),
    .MaxPages   (MaxPages),
    .PageWords  (PageWords),
    .QueueDepth (QueueDepth),
    .ReqTimeout (ReqTimeout)
  ) u_mm (
    .clk_i            (clk_i),
    .rst_ni           (rst_ni),
    .fail_i           (fail_i),
    .link_up_i        (link_up_i),
    .cache_clean_i    (cache_clean_o),
    .preq_valid_i     (preq_valid_i),
    .preq_ready_o     (preq_ready_o),
    .preq_i           (preq_i),
    .presp_valid_o    (presp_valid_o),
    .presp_ready_i    (presp_ready_i),
    .presp_o          (presp_o),
    .dreq_valid_i     (dreq_valid_i),
    .dreq_ready_o     (dreq_ready_o),
    .dreq_i           (dreq_i),
    .dresp_valid_o    (dresp_valid_o),
    .dresp_ready_i    (dresp_ready_i),
    .dresp_o          (dresp_o),
    .lm_req_o         (lm_req),
    .lm_gnt_i         (lm_gnt),
    .lm_we_o          (lm_we),
    .lm_addr_o        (lm_addr),
    .lm_wdata_o       (lm_wdata),
    .lm_rdata_i       (lm_rdata),
    .inj_valid_i      (inj_valid_i),
    .inj_ready_o      (inj_ready_o),
    .inj_data_i       (inj_data_i),
    .inj_last_i       (inj_last_i),
    .injans_valid_o   (injans_valid_o),
    .injans_ready_i   (injans_ready_i),
    .injans_data_o    (injans_data_o),
    .injans_last_o    (injans_last_o),
    .tx_valid_o       (tx_valid_o),
    .tx_ready_i       (tx_ready_i),
    .tx_data_o        (tx_data_o),
    .tx_last_o        (tx_last_o),
    .rx_valid_i       (rx_valid_i),
    .rx_ready_o       (rx_ready_o),
    .rx_data_i        (rx_data_i),
    .rx_last_i        (rx_last_i),
    .dma_cmd_valid_o  (dma_cmd_valid),
    .dma_cmd_ready_i  (dma_cmd_ready),
    .dma_cmd_op_o     (dma_cmd_op),
    .dma_cmd_frame_o  (dma_cmd_frame),
    .dma_cmd_block_o  (dma_cmd_block),
    .dma_done_valid_i (dma_done_valid),
    .dma_done_ok_i    (dma_done.status == storage_pkg::DmaOk),
    .dma_send_valid_i (send_valid),
    .dma_send_ready_o (send_ready),
    .dma_send_data_i  (send_data),
    .dma_send_last_i  (send_last),
    .dma_recv_valid_o (recv_valid),
    .dma_recv_ready_i (recv_ready),
    .dma_recv_data_o  (recv_data),
    .dma_recv_last_o  (recv_last),
    .claim_o          (claim_o),
    .release_o        (release_o),
    .held_i           (held_i),
    .holder_i         (holder_i),
    .rec_wr_o         (rec_wr_o),
    .rec_wr_node_o    (rec_wr_node_o),
    .rec_wr_slot_o    (rec_wr_slot_o),
    .rec_wr_data_o    (rec_wr_data_o),
    .rec_rd_slot_o    (rec_rd_slot_o),
    .rec_rd_entry_i   (rec_rd_entry_i),
    .rec_rd_counter_i (rec_rd_counter_i),
    .solo_o           (solo_o),
    .fenced_o         (fenced_o),
    .returned_o       (returned_o),
    .down_o           (down),
    .free_frames_o    (free_frames),
    .idle_o           (idle_o)
  );

  // ---------------------------------------------------------------------------
  // DMA copy engine
  // ---------------------------------------------------------------------------
  storage_pkg::dma_cmd_t dma_cmd;
  always_comb begin
    dma_cmd       = '0;
    dma_cmd.frame = dma_cmd_frame;
    dma_cmd.block = dma_cmd_block;
    unique case (dma_cmd_op)
      2'd0:    dma_cmd.op = storage_pkg::DmaPageIn;
      2'd1:    dma_cmd.op = storage_pkg::DmaDestage;
      2'd2:    dma_cmd.op = storage_pkg::DmaSend;
      default: dma_cmd.op = storage_pkg::DmaReceive;
    endcase
  end

  logic             dma_mem_req, dma_mem_gnt, dma_mem_we, dma_mem_rvalid;
  logic [AddrW-1:0] dma_mem_addr;
  logic [WordW-1:0] dma_mem_wdata, dma_mem_rdata;
  logic             pp_req_valid, pp_req_ready, pp_req_write, pp_wr_valid, pp_wr_ready;
  logic             pp_rd_valid, pp_rd_ready, pp_wack, pp_abort;
  logic [15:0]      pp_req_block;
  logic [WordW-1:0] pp_wr_data, pp_rd_data;
  logic             dma_busy;

  dma_engine #(
    .PageWords (PageWords),
    .Frames    (Frames),
    .Blocks    (Blocks)
  ) u_dma (
    .clk_i          (clk_i),
    .rst_ni         (rst_ni),
    .abort_i        (down),
    .busy_o         (dma_busy),
    .cmd_valid_i    (dma_cmd_valid),
    .cmd_ready_o    (dma_cmd_ready),
    .cmd_i          (dma_cmd),
    .done_valid_o   (dma_done_valid),
    .done_ready_i   (1'b1),
    .done_o         (dma_done),
    .pp_req_valid_o (pp_req_valid),
    .pp_req_ready_i (pp_req_ready),
    .pp_req_write_o (pp_req_write),
    .pp_req_block_o (pp_req_block),
    .pp_wr_valid_o  (pp_wr_valid),
    .pp_wr_ready_i  (pp_wr_ready),
    .pp_wr_data_o   (pp_wr_data),
    .pp_rd_valid_i  (pp_rd_valid),
    .pp_rd_ready_o  (pp_rd_ready),
    .pp_rd_data_i   (pp_rd_data),
    .pp_wack_i      (pp_wack),
    .pp_abort_o     (pp_abort),
    .mem_req_o      (dma_mem_req),
    .mem_gnt_i      (dma_mem_gnt),
    .mem_we_o       (dma_mem_we),
    .mem_addr_o     (dma_mem_addr),
    .mem_wdata_o    (dma_mem_wdata),
    .mem_rvalid_i   (dma_mem_rvalid),
    .mem_rdata_i    (dma_mem_rdata),
    .send_valid_o   (send_valid),
    .send_ready_i   (send_ready),
    .send_data_o    (send_data),
    .send_last_o    (send_last),
    .recv_valid_i   (recv_valid),
    .recv_ready_o   (recv_ready),
    .recv_data_i    (recv_data),
    .recv_last_i    (recv_last)
  );

  // ---------------------------------------------------------------------------
  // Local memory
  // ---------------------------------------------------------------------------
  logic wiping;
  local_memory #(
    .Frames    (Frames),
    .PageWords (PageWords)
  ) u_local_memory (
    .clk_i        (clk_i),
    .rst_ni       (rst_ni),
    .wipe_i       (fail_rise),
    .wiping_o     (wiping),
    .dma_req_i    (dma_mem_req),
    .dma_gnt_o    (dma_mem_gnt),
    .dma_we_i     (dma_mem_we),
    .dma_addr_i   (dma_mem_addr),
    .dma_wdata_i  (dma_mem_wdata),
    .dma_rvalid_o (dma_mem_rvalid),
    .dma_rdata_o  (dma_mem_rdata),
    .mm_req_i     (lm_req),
    .mm_gnt_o     (lm_gnt),
    .mm_we_i      (lm_we),
    .mm_addr_i    (lm_addr),
    .mm_wdata_i   (lm_wdata),
    .mm_rvalid_o  (lm_rvalid),
    .mm_rdata_o   (lm_rdata)
  );

  // ---------------------------------------------------------------------------
  // Storage cache (read-ahead, lazy destage) between the DMA engine and the disk
  // ---------------------------------------------------------------------------
  logic invalidating;
  logic [31:0] cache_hits, cache_misses, cache_readahead, cache_destaged;
  storage_cache #(
    .PerNode   (1'b1),
    .NodeId    (NodeId),
    .Lines     (CacheLines),
    .PageWords (PageWords),
    .Blocks    (Blocks)
  ) u_cache (
    .clk_i            (clk_i),
    .rst_ni           (rst_ni),
    .flush_i          (1'b0),
    .invalidate_i     (fail_rise),
    .destage_en_i     (!down),
    .clean_o          (cache_clean_o),
    .invalidating_o   (invalidating),
    .up_req_valid_i   (pp_req_valid),
    .up_req_ready_o   (pp_req_ready),
    .up_req_write_i   (pp_req_write),
    .up_req_block_i   (pp_req_block),
    .up_wr_valid_i    (pp_wr_valid),
    .up_wr_ready_o    (pp_wr_ready),
    .up_wr_data_i     (pp_wr_data),
    .up_rd_valid_o    (pp_rd_valid),
    .up_rd_ready_i    (pp_rd_ready),
    .up_rd_data_o     (pp_rd_data),
    .up_wack_o        (pp_wack),
    .up_abort_i       (pp_abort),
    .dn_req_valid_o   (disk_req_valid_o),
    .dn_req_ready_i   (disk_req_ready_i),
    .dn_req_write_o   (disk_req_write_o),
    .dn_req_block_o   (disk_req_block_o),
    .dn_wr_valid_o    (disk_wr_valid_o),
    .dn_wr_ready_i    (disk_wr_ready_i),
    .dn_wr_data_o     (disk_wr_data_o),
    .dn_rd_valid_i    (disk_rd_valid_i),
    .dn_rd_ready_o    (disk_rd_ready_o),
    .dn_rd_data_i     (disk_rd_data_i),
    .dn_wack_i        (disk_wack_i),
    .dn_abort_o       (disk_abort_o),
    .stat_hits_o      (cache_hits),
    .stat_misses_o    (cache_misses),
    .stat_readahead_o (cache_readahead),
    .stat_destaged_o  (cache_destaged)
  );

  // Read by the testbench by name; nothing in the node needs them.
  /* verilator lint_off UNUSEDSIGNAL */
  logic unused_status;
  assign unused_status = ^{lm_rvalid, dma_busy, wiping, invalidating, free_frames, dma_done,
                           cache_hits, cache_misses, cache_readahead, cache_destaged};
  /* verilator lint_on UNUSEDSIGNAL */
endmodule
