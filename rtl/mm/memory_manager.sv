// Memory manager of one node: the tables (allocations, page map, page
// attributes, free frame pool), the partner side (answers synchronization
// messages), the originator side (serves this node's processes), the
// process data port, and the background destager. It owns the node's link
// port and its message injection port, and shares one DMA copy engine
// between its parts.
module memory_manager
  import mirrorsim_pkg::*;
  import mm_pkg::*;
#(
  parameter logic        NodeId     = 1'b0,
  parameter int unsigned Frames     = 8,
  parameter int unsigned MaxAllocs  = 8,
  parameter int unsigned MaxPages   = 8,
  parameter int unsigned PageWords  = 16,
  parameter int unsigned QueueDepth = 8,
  parameter int unsigned ReqTimeout = 4096,
  localparam int unsigned SlotW     = (MaxAllocs > 1) ? $clog2(MaxAllocs) : 1,
  localparam int unsigned VpW       = (MaxPages > 1) ? $clog2(MaxPages) : 1,
  localparam int unsigned FrameW    = (Frames > 1) ? $clog2(Frames) : 1,
  localparam int unsigned AddrW     = $clog2(Frames * PageWords),
  localparam int unsigned QCountW   = $clog2(QueueDepth + 1)
) (
  input  logic             clk_i,
  input  logic             rst_ni,
  input  logic             fail_i,        // the node has failed: everything here is lost
  input  logic             link_up_i,
  input  logic             cache_clean_i,  // the storage cache holds no dirty line
  // process requests (patent Figs. 4-9)
  input  logic             preq_valid_i,
  output logic             preq_ready_o,
  input  proc_req_t        preq_i,
  output logic             presp_valid_o,
  input  logic             presp_ready_i,
  output proc_resp_t       presp_o,
  // process data port: read/write a word of a page held through a pointer
  input  logic             dreq_valid_i,
  output logic             dreq_ready_o,
  input  data_req_t        dreq_i,
  output logic             dresp_valid_o,
  input  logic             dresp_ready_i,
  output data_resp_t       dresp_o,
  // local memory, the data port's way in (read data one cycle after the request)
  output logic             lm_req_o,
  input  logic             lm_gnt_i,        // low while the memory is being wiped
  output logic             lm_we_o,
  output logic [AddrW-1:0] lm_addr_o,
  output logic [WordW-1:0] lm_wdata_o,
  input  logic [WordW-1:0] lm_rdata_i,
  // message injection: the host as the originating partner
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
  // DMA copy engine: one command at a time, completions in order
  output logic             dma_cmd_valid_o,
  input  logic             dma_cmd_ready_i,
  output logic [1:0]       dma_cmd_op_o,     // 0 page in, 1 destage, 2 send, 3 receive
  output logic [15:0]      dma_cmd_frame_o,
  output logic [15:0]      dma_cmd_block_o,
  input  logic             dma_done_valid_i,
  input  logic             dma_done_ok_i,
  input  logic             dma_send_valid_i,
  output logic             dma_send_ready_o,
  input  logic [WordW-1:0] dma_send_data_i,
  input  logic             dma_send_last_i,
  output logic             dma_recv_valid_o,
  input  logic             dma_recv_ready_i,
  output logic [WordW-1:0] dma_recv_data_o,
  output logic             dma_recv_last_o,
  // failover: the shared storage's reservation and node records (shared_state)
  output logic             claim_o,
  output logic             release_o,
  input  logic             held_i,
  input  logic             holder_i,
  output logic             rec_wr_o,
  output logic             rec_wr_node_o,
  output logic [SlotW-1:0] rec_wr_slot_o,
  output logic [16:0]      rec_wr_data_o,
  output logic [SlotW-1:0] rec_rd_slot_o,     // of the partner's record
  input  logic [16:0]      rec_rd_entry_i,
  input  logic [14:0]      rec_rd_counter_i,
  output logic             solo_o,            // serving both nodes' allocations alone
  output logic             fenced_o,          // lost the split-brain race: not serving
  output logic             returned_o,        // back from a failure, not resynchronized yet
  output logic             down_o,            // failed or fenced: memory, cache and link are lost too
  // state the testbench and sense requests read
  output logic [FrameW:0]  free_frames_o,
  output logic             idle_o          // no request, message or copy in progress
);
  localparam logic [1:0] DmaPageIn = 2'd0, DmaDestage = 2'd1, DmaSend = 2'd2, DmaReceive = 2'd3;

  // A node that lost the split-brain race drops everything as a failed one does.
  logic down, fenced, tko_wipe;
  assign down   = fail_i || tko_wipe;
  assign down_o = down;

  // ---------------------------------------------------------------------------
  // Tables
  // ---------------------------------------------------------------------------
  // Pages are stored flat (slot * MaxPages + page): one-dimensional arrays
  // are what the testbench's backdoor reads; the state machines see 2-D views.
  localparam int unsigned Entries = MaxAllocs * MaxPages;
  alloc_entry_t alloc_q [MaxAllocs];
  page_entry_t  page_q  [Entries];
  logic [Entries-1:0] modified_q;   // packed: the bridge reads bit vectors, not arrays of bits
  page_entry_t  page_view [MaxAllocs][MaxPages];
  logic         modified_view [MaxAllocs][MaxPages];

  always_comb begin
    for (int a = 0; a < MaxAllocs; a++) begin
      for (int p = 0; p < MaxPages; p++) begin
        page_view[a][p]     = page_q[a * MaxPages + p];
        modified_view[a][p] = modified_q[a * MaxPages + p];
      end
    end
  end

  // Table writes carry 8-bit slot and page numbers; only the low bits index.
  /* verilator lint_off UNUSEDSIGNAL */
  function automatic int unsigned entry(logic [7:0] slot, logic [7:0] page);
    return int'(slot[SlotW-1:0]) * MaxPages + int'(page[VpW-1:0]);
  endfunction
  /* verilator lint_on UNUSEDSIGNAL */

  alloc_write_t part_alloc_wr, orig_alloc_wr, tko_alloc_wr;
  page_write_t  part_page_wr, orig_page_wr, tko_page_wr;
  logic         orig_modified_clr;
  logic [7:0]   orig_modified_clr_slot, orig_modified_clr_page;
  logic         data_modified_set;
  logic [SlotW-1:0] data_slot;
  logic [VpW-1:0]   data_page;
  logic [MaxAllocs-1:0] slot_reserved;

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      for (int a = 0; a < MaxAllocs; a++) alloc_q[a] <= '0;
      for (int e = 0; e < Entries; e++) page_q[e] <= '0;
      modified_q <= '0;
    end else if (down) begin
      for (int a = 0; a < MaxAllocs; a++) alloc_q[a] <= '0;
      for (int e = 0; e < Entries; e++) page_q[e] <= '0;
      modified_q <= '0;
    end else begin
      if (part_alloc_wr.valid) alloc_q[SlotW'(part_alloc_wr.slot)] <= part_alloc_wr.entry;
      if (orig_alloc_wr.valid) alloc_q[SlotW'(orig_alloc_wr.slot)] <= orig_alloc_wr.entry;
      if (part_page_wr.valid) page_q[entry(part_page_wr.slot, part_page_wr.page)] <= part_page_wr.entry;
      if (orig_page_wr.valid) page_q[entry(orig_page_wr.slot, orig_page_wr.page)] <= orig_page_wr.entry;
      // A takeover runs while both sides are idle.
      if (tko_alloc_wr.valid) alloc_q[SlotW'(tko_alloc_wr.slot)] <= tko_alloc_wr.entry;
      if (tko_page_wr.valid) page_q[entry(tko_page_wr.slot, tko_page_wr.page)] <= tko_page_wr.entry;
      if (data_modified_set) modified_q[entry(8'(data_slot), 8'(data_page))] <= 1'b1;
      if (orig_modified_clr) modified_q[entry(orig_modified_clr_slot, orig_modified_clr_page)] <= 1'b0;
`ifndef SYNTHESIS
      // The two sides work on disjoint allocations: the partner's and this node's own.
      assert (!(part_alloc_wr.valid && orig_alloc_wr.valid && part_alloc_wr.slot == orig_alloc_wr.slot))
        else $error("memory_manager: both sides wrote allocation slot %0d at once", part_alloc_wr.slot);
      assert (!(part_page_wr.valid && orig_page_wr.valid && part_page_wr.slot == orig_page_wr.slot))
        else $error("memory_manager: both sides wrote pages of slot %0d at once", part_page_wr.slot);
      // A write lock is exclusive; read counts match their owners.
      for (int e = 0; e < Entries; e++) begin
        assert (!(page_q[e].write_locked && page_q[e].read_count != '0 &&
                  page_q[e].read_owners != (Owners'(1) << page_q[e].write_owner)))
          else $error("memory_manager: page entry %0d write-locked while others read it", e);
        assert (8'($countones(page_q[e].read_owners)) == page_q[e].read_count)
          else $error("memory_manager: read count %0d of page entry %0d does not match its owners",
                      page_q[e].read_count, e);
      end
`endif
    end
  end

  // ---------------------------------------------------------------------------
  // Free frame pool: port 0 the originator side, port 1 the partner side
  // ---------------------------------------------------------------------------
  logic              orig_take, part_take, orig_grant, part_grant, part_wants_frame;
  logic [FrameW-1:0] orig_frame, part_frame;
  logic [1:0]        pool_free;
  logic [FrameW-1:0] pool_free_frame [2];
  // Port 1 frees also the frames of allocations a takeover drops.
  logic              part_free, tko_free;
  logic [FrameW-1:0] part_free_frame, tko_free_frame;
  assign pool_free[1]       = part_free || tko_free;
  assign pool_free_frame[1] = tko_free ? tko_free_frame : part_free_frame;
  // Statistics and state that only the testbench reads (by name, through the bridge).
  /* verilator lint_off UNUSEDSIGNAL */
  logic [Frames-1:0] pool_free_mask;
  logic [31:0]       stat_rx_bad;
  logic [31:0]       part_stat_handled [16];
  logic [31:0]       part_stat_errors;
  logic [31:0]       orig_stat_sent [16];
  logic [31:0]       orig_stat_timeouts, orig_stat_messages, orig_stat_evictions;
  /* verilator lint_on UNUSEDSIGNAL */

  mm_frame_pool #(.Frames(Frames)) u_frame_pool (
    .clk_i        (clk_i),
    .rst_ni       (rst_ni),
    .clear_i      (down),
    .want1_i      (part_wants_frame),
    .take0_i      (orig_take),
    .take1_i      (part_take),
    .grant0_o     (orig_grant),
    .grant1_o     (part_grant),
    .frame0_o     (orig_frame),
    .frame1_o     (part_frame),
    .free_i       (pool_free),
    .free_frame_i (pool_free_frame),
    .free_mask_o  (pool_free_mask),
    .free_count_o (free_frames_o)
  );

  // ---------------------------------------------------------------------------
  // Messages in: link and injection port
  // ---------------------------------------------------------------------------
  logic             req_valid, req_ready, req_from_inject, req_bad;
  msg_header_t      req_header, ans_header;
  logic             ans_valid, ans_ready;
  logic             pay_valid, pay_ready, pay_last;
  logic [WordW-1:0] pay_data;
  logic [1:0]       in_ready;
  logic [WordW-1:0] in_data [2];

  assign in_data[0] = rx_data_i;
  assign in_data[1] = inj_data_i;
  assign rx_ready_o  = in_ready[0];
  assign inj_ready_o = in_ready[1];

  mm_msg_rx #(.PageWords(PageWords)) u_msg_rx (
    .clk_i             (clk_i),
    .rst_ni            (rst_ni),
    .abort_i           (down),
    .in_valid_i        ({inj_valid_i, rx_valid_i}),
    .in_ready_o        (in_ready),
    .in_data_i         (in_data),
    .in_last_i         ({inj_last_i, rx_last_i}),
    .req_valid_o       (req_valid),
    .req_ready_i       (req_ready),
    .req_header_o      (req_header),
    .req_from_inject_o (req_from_inject),
    .req_bad_o         (req_bad),
    .ans_valid_o       (ans_valid),
    .ans_ready_i       (ans_ready),
    .ans_header_o      (ans_header),
    .pay_valid_o       (pay_valid),
    .pay_ready_i       (pay_ready),
    .pay_data_o        (pay_data),
    .pay_last_o        (pay_last),
    .stat_bad_o        (stat_rx_bad)
  );

  // ---------------------------------------------------------------------------
  // DMA sharing: 0 originator, 1 partner, 2 destager; one command at a time
  // ---------------------------------------------------------------------------
  logic [2:0]  dma_want, dma_grant;
  logic [1:0]  dma_op [3];
  logic [15:0] dma_frame [3];
  logic [15:0] dma_block [3];
  logic [1:0]  dma_owner_q, dma_owner_d;
  logic        dma_busy_q, dma_busy_d;
  logic [2:0]  dma_done;

  always_comb begin
    dma_owner_d = dma_owner_q;
    dma_busy_d  = dma_busy_q;
    dma_grant   = '0;
    dma_cmd_valid_o = 1'b0;
    dma_cmd_op_o    = '0;
    dma_cmd_frame_o = '0;
    dma_cmd_block_o = '0;
    dma_done = '0;
    if (dma_busy_q) begin
      if (dma_done_valid_i) begin
        dma_done[dma_owner_q] = 1'b1;
        dma_busy_d = 1'b0;
      end
    end else begin
      // Fixed priority: the partner's copies unblock the other node first,
      // the background destager goes last.
      if (dma_want[1]) dma_owner_d = 2'd1;
      else if (dma_want[0]) dma_owner_d = 2'd0;
      else dma_owner_d = 2'd2;
      if (dma_want != '0) begin
        dma_cmd_valid_o = 1'b1;
        dma_cmd_op_o    = dma_op[dma_owner_d];
        dma_cmd_frame_o = dma_frame[dma_owner_d];
        dma_cmd_block_o = dma_block[dma_owner_d];
        if (dma_cmd_ready_i) begin
          dma_grant[dma_owner_d] = 1'b1;
          dma_busy_d = 1'b1;
        end
      end
    end
    if (down) dma_busy_d = 1'b0;
  end

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      dma_owner_q <= '0;
      dma_busy_q  <= 1'b0;
    end else begin
      dma_owner_q <= dma_owner_d;
      dma_busy_q  <= dma_busy_d;
    end
  end

  // ---------------------------------------------------------------------------
  // Partner side
  // ---------------------------------------------------------------------------
  logic             part_out_valid, part_out_ready, part_out_last, part_to_inject;
  logic [WordW-1:0] part_out_data;
  logic             part_dma_valid, part_dma_receive;
  logic [15:0]      part_dma_frame, part_dma_block;
  logic [15:0]      guid_counter;
  logic [QCountW-1:0] paging_depth, replace_depth, destage_depth;
  logic             part_idle, orig_idle;

  mm_partner #(
    .NodeId    (NodeId),
    .Frames    (Frames),
    .MaxAllocs (MaxAllocs),
    .MaxPages  (MaxPages)
  ) u_partner (
    .clk_i             (clk_i),
    .rst_ni            (rst_ni),
    .abort_i           (down),
    .req_valid_i       (req_valid),
    .req_ready_o       (req_ready),
    .req_header_i      (req_header),
    .req_from_inject_i (req_from_inject),
    .req_bad_i         (req_bad),
    .pay_valid_i       (pay_valid),
    .pay_ready_o       (pay_ready),
    .pay_data_i        (pay_data),
    .pay_last_i        (pay_last),
    .alloc_i           (alloc_q),
    .page_i            (page_view),
    .modified_i        (modified_view),
    .slot_reserved_i   (slot_reserved),
    .alloc_wr_o        (part_alloc_wr),
    .page_wr_o         (part_page_wr),
    .frame_wanted_o    (part_wants_frame),
    .frame_take_o      (part_take),
    .frame_grant_i     (part_grant),
    .frame_i           (part_frame),
    .frame_free_o      (part_free),
    .frame_free_o_idx  (part_free_frame),
    .free_count_i      (free_frames_o),
    .dma_valid_o       (part_dma_valid),
    .dma_ready_i       (dma_grant[1]),
    .dma_receive_o     (part_dma_receive),
    .dma_frame_o       (part_dma_frame),
    .dma_block_o       (part_dma_block),
    .dma_done_i        (dma_done[1]),
    .dma_ok_i          (dma_done_ok_i),
    .recv_valid_o      (dma_recv_valid_o),
    .recv_ready_i      (dma_recv_ready_i),
    .recv_data_o       (dma_recv_data_o),
    .recv_last_o       (dma_recv_last_o),
    .guid_counter_i    (guid_counter),
    .queue_depths_i    ({8'(paging_depth), 8'(destage_depth), 8'(replace_depth)}),
    .link_up_i         (link_up_i),
    .handback_o        (part_handback),
    .handback_counter_o (part_handback_counter),
    .out_valid_o       (part_out_valid),
    .out_ready_i       (part_out_ready),
    .out_data_o        (part_out_data),
    .out_last_o        (part_out_last),
    .out_to_inject_o   (part_to_inject),
    .idle_o            (part_idle),
    .stat_handled_o    (part_stat_handled),
    .stat_errors_o     (part_stat_errors)
  );
  assign dma_want[1]  = part_dma_valid;
  assign dma_op[1]    = part_dma_receive ? DmaReceive : DmaPageIn;
  assign dma_frame[1] = part_dma_frame;
  assign dma_block[1] = part_dma_block;

  // ---------------------------------------------------------------------------
  // Originator side
  // ---------------------------------------------------------------------------
  logic             orig_out_valid, orig_out_ready, orig_out_last;
  logic [WordW-1:0] orig_out_data;
  logic             orig_dma_valid, orig_dma_send;
  logic [15:0]      orig_dma_frame, orig_dma_block;
  logic             destage_push, destage_full;
  logic [15:0]      destage_frame, destage_block;
  logic [Frames-1:0] destage_pending_q;
  logic             destage_landed;

  // ---------------------------------------------------------------------------
  // Failover: takeover of the partner's allocations, or fencing (mm_takeover);
  // serving alone, the originator's messages are answered here (mm_solo_answers)
  // ---------------------------------------------------------------------------
  logic        solo, tko_busy, tko_counter_load, returned;
  logic        resync_busy, resync_done, resync_start;
  logic        resync_out_valid, resync_out_ready, resync_out_last;
  logic [WordW-1:0] resync_out_data;
  logic        resync_ans_ready;
  logic        part_handback;
  logic [14:0] part_handback_counter;
  logic [14:0] tko_counter;
  logic        tko_destage_push;
  logic [15:0] tko_destage_frame, tko_destage_block;
  logic        orig_destage_push;
  logic [15:0] orig_destage_frame, orig_destage_block;
  logic        orig_link_up;
  logic        solo_ans_valid, solo_ans_ready, solo_in_ready;
  msg_header_t solo_ans_header;
  logic        orig_ans_valid, orig_ans_ready;
  // A failed node answers its processes nothing, from its first cycle down.
  logic        orig_presp_valid;
  assign presp_valid_o = orig_presp_valid && !down;
  msg_header_t orig_ans_header;
  /* verilator lint_off UNUSEDSIGNAL */
  logic [31:0] stat_takeovers;  // the testbench reads it by name
  logic [31:0] stat_resync_errors;
  /* verilator lint_on UNUSEDSIGNAL */

  logic sides_quiet, nothing_in_flight;  // (worked out at the end)
  logic tx_locked_q, tx_locked_d;        // a message is half-way onto the link (see the link mux)

  mm_takeover #(
    .NodeId    (NodeId),
    .Frames    (Frames),
    .MaxAllocs (MaxAllocs),
    .MaxPages  (MaxPages)
  ) u_takeover (
    .clk_i            (clk_i),
    .rst_ni           (rst_ni),
    .fail_i           (fail_i),
    .link_up_i        (link_up_i),
    // Quiet, and no message of its own half-way onto the link (a long page's
    // words still draining into a link that drops them): serving alone, the
    // originator's words would go to the local answers instead.
    .quiet_i          (sides_quiet && !tx_locked_q),
    .alloc_i          (alloc_q),
    .page_i           (page_view),
    .claim_o          (claim_o),
    .release_o        (release_o),
    .resync_done_i    (resync_done),
    .handback_i       (part_handback),
    .held_i           (held_i),
    .holder_i         (holder_i),
    .rec_slot_o       (rec_rd_slot_o),
    .rec_entry_i      (rec_rd_entry_i),
    .rec_counter_i    (rec_rd_counter_i),
    .alloc_wr_o       (tko_alloc_wr),
    .page_wr_o        (tko_page_wr),
    .frame_free_o     (tko_free),
    .frame_free_idx_o (tko_free_frame),
    .destage_push_o   (tko_destage_push),
    .destage_frame_o  (tko_destage_frame),
    .destage_block_o  (tko_destage_block),
    .destage_full_i   (destage_full),
    .counter_load_o   (tko_counter_load),
    .counter_o        (tko_counter),
    .busy_o           (tko_busy),
    .solo_o           (solo),
    .fenced_o         (fenced),
    .wipe_o           (tko_wipe),
    .returned_o       (returned),
    .stat_takeovers_o (stat_takeovers)
  );
  assign solo_o     = solo;
  assign fenced_o   = fenced;
  assign returned_o = returned;
  // Back from a failure, the node answers its processes "partner down" until resynchronized.
  assign orig_link_up = (link_up_i && !returned) || solo;
  assign destage_push  = orig_destage_push || tko_destage_push;
  assign destage_frame = tko_destage_push ? tko_destage_frame : orig_destage_frame;
  assign destage_block = tko_destage_push ? tko_destage_block : orig_destage_block;

  mm_solo_answers #(.Frames(Frames)) u_solo_answers (
    .clk_i        (clk_i),
    .rst_ni       (rst_ni),
    .enable_i     (solo),
    .in_valid_i   (orig_out_valid && solo),
    .in_ready_o   (solo_in_ready),
    .in_data_i    (orig_out_data),
    .in_last_i    (orig_out_last),
    .free_count_i (free_frames_o),
    .ans_valid_o  (solo_ans_valid),
    .ans_ready_i  (solo_ans_ready),
    .ans_header_o (solo_ans_header)
  );
  assign orig_ans_valid  = solo ? solo_ans_valid : ans_valid;
  assign orig_ans_header = solo ? solo_ans_header : ans_header;
  assign solo_ans_ready  = solo && orig_ans_ready;
  // Serving alone, the only answers from the link are to the resync's messages.
  assign ans_ready       = solo ? resync_ans_ready : orig_ans_ready;

  // Failback: the partner is back (link up) while this node serves alone and
  // has nothing in flight, everything destaged: rebuild the partner's tables.
  logic [14:0] other_counter;
  logic resync_wanted;
  assign resync_wanted = solo && link_up_i;
  assign resync_start  = resync_wanted && nothing_in_flight && cache_clean_i;
  mm_resync #(
    .NodeId    (NodeId),
    .MaxAllocs (MaxAllocs),
    .MaxPages  (MaxPages)
  ) u_resync (
    .clk_i         (clk_i),
    .rst_ni        (rst_ni),
    .start_i       (resync_start),
    .link_up_i     (link_up_i),
    .busy_o        (resync_busy),
    .done_o        (resync_done),
    .alloc_i       (alloc_q),
    .page_i        (page_view),
    .counter_i     (other_counter),
    .out_valid_o   (resync_out_valid),
    .out_ready_i   (resync_out_ready),
    .out_data_o    (resync_out_data),
    .out_last_o    (resync_out_last),
    .ans_valid_i   (solo && ans_valid),
    .ans_ready_o   (resync_ans_ready),
    .ans_header_i  (ans_header),
    .stat_errors_o (stat_resync_errors)
  );

  // Queued requests retry when something they may wait for frees up: a page
  // landed on disk, a frame freed by either side (the originator's own
  // frees include a trim's eviction, which answers nobody and so wakes
  // nobody else), or the partner side gave back a table slot.
  logic retry_queued;
  assign retry_queued = destage_landed || pool_free[0] || pool_free[1] || (part_alloc_wr.valid && !part_alloc_wr.entry.valid);

  mm_originator #(
    .NodeId     (NodeId),
    .Frames     (Frames),
    .MaxAllocs  (MaxAllocs),
    .MaxPages   (MaxPages),
    .QueueDepth (QueueDepth),
    .ReqTimeout (ReqTimeout)
  ) u_originator (
    .clk_i               (clk_i),
    .rst_ni              (rst_ni),
    .abort_i             (down),
    .link_up_i           (orig_link_up),
    .preq_valid_i        (preq_valid_i),
    .preq_ready_o        (preq_ready_o),
    .preq_i              (preq_i),
    .presp_valid_o       (orig_presp_valid),
    .presp_ready_i       (presp_ready_i && !down),
    .presp_o             (presp_o),
    .alloc_i             (alloc_q),
    .page_i              (page_view),
    .modified_i          (modified_view),
    .alloc_wr_o          (orig_alloc_wr),
    .page_wr_o           (orig_page_wr),
    .modified_clr_o      (orig_modified_clr),
    .modified_clr_slot_o (orig_modified_clr_slot),
    .modified_clr_page_o (orig_modified_clr_page),
    .slot_reserved_o     (slot_reserved),
    .frame_take_o        (orig_take),
    .frame_grant_i       (orig_grant),
    .frame_i             (orig_frame),
    .frame_free_o        (pool_free[0]),
    .frame_free_idx_o    (pool_free_frame[0]),
    .destage_pending_i   (destage_pending_q),
    .retry_i             (retry_queued),
    .solo_i              (solo),
    // Held from the moment the partner is back (link up while serving
    // alone): new work would keep the node from ever being quiet enough to
    // start the resync (long pages keep the DMA busy back to back), and a
    // queued request taken as the resync starts would change the tables
    // behind its scan. Requests wait until the handback.
    .hold_i              (tko_busy || resync_busy || resync_wanted),
    .own_counter_load_i  (part_handback),
    .own_counter_i       (part_handback_counter),
    .other_counter_o     (other_counter),
    .counter_load_i      (tko_counter_load),
    .counter_i           (tko_counter),
    .rec_wr_o            (rec_wr_o),
    .rec_wr_node_o       (rec_wr_node_o),
    .rec_wr_slot_o       (rec_wr_slot_o),
    .rec_wr_data_o       (rec_wr_data_o),
    .dma_valid_o         (orig_dma_valid),
    .dma_ready_i         (dma_grant[0]),
    .dma_send_o          (orig_dma_send),
    .dma_frame_o         (orig_dma_frame),
    .dma_block_o         (orig_dma_block),
    .dma_done_i          (dma_done[0]),
    .dma_ok_i            (dma_done_ok_i),
    .send_valid_i        (dma_send_valid_i),
    .send_ready_o        (dma_send_ready_o),
    .send_data_i         (dma_send_data_i),
    .send_last_i         (dma_send_last_i),
    .destage_push_o      (orig_destage_push),
    .destage_frame_o     (orig_destage_frame),
    .destage_block_o     (orig_destage_block),
    .destage_full_i      (destage_full),
    .out_valid_o         (orig_out_valid),
    .out_ready_i         (orig_out_ready),
    .out_data_o          (orig_out_data),
    .out_last_o          (orig_out_last),
    .ans_valid_i         (orig_ans_valid),
    .ans_ready_o         (orig_ans_ready),
    .ans_header_i        (orig_ans_header),
    .guid_counter_o      (guid_counter),
    .paging_depth_o      (paging_depth),
    .replace_depth_o     (replace_depth),
    .idle_o              (orig_idle),
    .stat_sent_o         (orig_stat_sent),
    .stat_timeouts_o     (orig_stat_timeouts),
    .stat_messages_o     (orig_stat_messages),
    .stat_evictions_o    (orig_stat_evictions)
  );
  assign dma_want[0]  = orig_dma_valid;
  assign dma_op[0]    = orig_dma_send ? DmaSend : DmaPageIn;
  assign dma_frame[0] = orig_dma_frame;
  assign dma_block[0] = orig_dma_block;

  // ---------------------------------------------------------------------------
  // Background destager (patent [0039]): replicated pages go to the storage
  // cache when the DMA engine is free; a frame keeps its page until then.
  // ---------------------------------------------------------------------------
  logic        destage_empty, destage_active_q;
  logic [31:0] destage_head;
  sync_fifo #(.Width(32), .Depth(QueueDepth)) u_destage_queue (
    .clk_i       (clk_i),
    .rst_ni      (rst_ni),
    .clear_i     (down),
    .push_i      (destage_push),
    .push_data_i ({destage_frame, destage_block}),
    .pop_i       (dma_done[2]),
    .head_o      (destage_head),
    .empty_o     (destage_empty),
    .full_o      (destage_full),
    .count_o     (destage_depth)
  );
  assign dma_want[2]  = !destage_empty && !destage_active_q;
  assign dma_op[2]    = DmaDestage;
  assign dma_frame[2] = destage_head[31:16];
  assign dma_block[2] = destage_head[15:0];

  // A frame stays pending until its page is on the disk itself, not just in
  // the storage cache: the partner pages in from the disk, so evicting the
  // page earlier could page in stale data over there.
  logic [Frames-1:0] destage_cached_q;   // copied to the cache, not yet known on disk
  assign destage_landed = cache_clean_i && !destage_active_q && destage_cached_q != '0;
  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      destage_active_q  <= 1'b0;
      destage_pending_q <= '0;
      destage_cached_q  <= '0;
    end else if (down) begin
      destage_active_q  <= 1'b0;
      destage_pending_q <= '0;
      destage_cached_q  <= '0;
    end else begin
      if (dma_grant[2]) destage_active_q <= 1'b1;
      if (dma_done[2]) begin
        destage_active_q <= 1'b0;
        destage_cached_q[FrameW'(destage_head[31:16])] <= 1'b1;
      end
      if (cache_clean_i && !destage_active_q) begin
        // Everything copied to the cache so far has reached the disk.
        destage_pending_q <= destage_pending_q & ~destage_cached_q;
        destage_cached_q  <= '0;
      end
      if (destage_push) destage_pending_q[FrameW'(destage_frame)] <= 1'b1;
    end
  end

  // ---------------------------------------------------------------------------
  // Messages out: link (originator requests, partner answers) and injection
  // answers; a message keeps the link until its last word.
  // ---------------------------------------------------------------------------
  logic tx_owner_q, tx_owner_d;   // 0 originator, 1 partner
  logic part_to_link;
  assign part_to_link = part_out_valid && !part_to_inject;
  // This node's own messages: the originator's, or while serving alone the resync's.
  logic             side_out_valid, side_out_last;
  logic [WordW-1:0] side_out_data;
  assign side_out_valid = solo ? resync_out_valid : orig_out_valid;
  assign side_out_data  = solo ? resync_out_data : orig_out_data;
  assign side_out_last  = solo ? resync_out_last : orig_out_last;

  // Valid and data must not depend on ready (the link's ready may depend on
  // valid), so they are worked out in a block of their own.
  always_comb begin
    tx_owner_d = tx_owner_q;
    if (!tx_locked_q) begin
      if (part_to_link) tx_owner_d = 1'b1;
      else if (side_out_valid) tx_owner_d = 1'b0;
    end
    tx_valid_o = tx_owner_d ? part_to_link : side_out_valid;
    tx_data_o  = tx_owner_d ? part_out_data : side_out_data;
    tx_last_o  = tx_owner_d ? part_out_last : side_out_last;
  end

  always_comb begin
    tx_locked_d = tx_locked_q;
    if (tx_valid_o && tx_ready_i) tx_locked_d = !tx_last_o;
    if (down) tx_locked_d = 1'b0;
    orig_out_ready   = solo ? solo_in_ready : (!tx_owner_d && tx_ready_i);
    resync_out_ready = solo && !tx_owner_d && tx_ready_i;
    part_out_ready = part_to_inject ? injans_ready_i : (tx_owner_d && tx_ready_i);
  end

  assign injans_valid_o = part_out_valid && part_to_inject;
  assign injans_data_o  = part_out_data;
  assign injans_last_o  = part_out_last;

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      tx_owner_q  <= 1'b0;
      tx_locked_q <= 1'b0;
    end else begin
      tx_owner_q  <= tx_owner_d;
      tx_locked_q <= tx_locked_d;
    end
  end

  // ---------------------------------------------------------------------------
  // Process data port: a word of a page, through the lock the process holds
  // ---------------------------------------------------------------------------
  typedef enum logic [1:0] {DataIdle, DataRead, DataRespond} data_state_e;
  data_state_e data_state_q, data_state_d;
  data_resp_t  data_resp_q, data_resp_d;
  logic        data_hit;
  logic [SlotW-1:0] data_hit_slot;
  logic [OwnerW-1:0] data_owner;
  // The data port needs the map and lock fields of the page, not its history.
  /* verilator lint_off UNUSEDSIGNAL */
  page_entry_t data_entry;
  /* verilator lint_on UNUSEDSIGNAL */

  always_comb begin
    data_hit = 1'b0;
    data_hit_slot = '0;
    for (int i = 0; i < MaxAllocs; i++) begin
      if (alloc_q[i].valid && alloc_q[i].guid == dreq_i.guid) begin
        data_hit = 1'b1;
        data_hit_slot = SlotW'(i);
      end
    end
  end
  // A process works on its own node's allocations (the GUID's node); this
  // node serves those of the partner only after taking them over.
  assign data_owner = {dreq_i.guid[GuidW-1], dreq_i.pid};
  assign data_entry = page_view[data_hit_slot][VpW'(dreq_i.page)];
  assign data_slot  = data_hit_slot;
  assign data_page  = VpW'(dreq_i.page);

  always_comb begin
    data_state_d      = data_state_q;
    data_resp_d       = data_resp_q;
    dreq_ready_o      = 1'b0;
    dresp_valid_o     = 1'b0;
    lm_req_o          = 1'b0;
    lm_we_o           = 1'b0;
    lm_addr_o         = AddrW'(data_entry.frame * PageWords + 32'(dreq_i.offset));
    lm_wdata_o        = dreq_i.wdata;
    data_modified_set = 1'b0;
    unique case (data_state_q)
      DataIdle: begin
        dreq_ready_o = lm_gnt_i;
        if (dreq_valid_i && lm_gnt_i) begin
          data_resp_d.rdata  = '0;
          data_state_d       = DataRespond;
          if (!data_hit) begin
            data_resp_d.status = StUnknownGuid;
          end else if (dreq_i.guid[GuidW-1] != NodeId && !solo) begin
            data_resp_d.status = StNotLocal;
          end else if (32'(dreq_i.page) >= 32'(alloc_q[data_hit_slot].pages) ||
                       32'(dreq_i.offset) >= 32'(PageWords) || !data_entry.resident) begin
            data_resp_d.status = StBadPage;
          end else if (dreq_i.write) begin
            // A write needs this process's write pointer; it marks the page modified.
            if (data_entry.write_locked && data_entry.write_owner == data_owner) begin
              data_resp_d.status = StOk;
              lm_req_o           = 1'b1;
              lm_we_o            = 1'b1;
              data_modified_set  = 1'b1;
            end else begin
              data_resp_d.status = StNotOwner;
            end
          end else if (data_entry.read_owners[data_owner] ||
                       (data_entry.write_locked && data_entry.write_owner == data_owner)) begin
            data_resp_d.status = StOk;
            lm_req_o           = 1'b1;
            data_state_d       = DataRead;
          end else begin
            data_resp_d.status = StNotOwner;
          end
        end
      end
      DataRead: begin
        data_resp_d.rdata = lm_rdata_i;
        data_state_d      = DataRespond;
      end
      DataRespond: begin
        dresp_valid_o = !down;   // a failed node answers nothing, from its first cycle down
        if (dresp_ready_i) data_state_d = DataIdle;
      end
      default: data_state_d = DataIdle;
    endcase
    if (down) data_state_d = DataIdle;
  end
  assign dresp_o = data_resp_q;

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      data_state_q <= DataIdle;
      data_resp_q  <= '0;
    end else begin
      data_state_q <= data_state_d;
      data_resp_q  <= data_resp_d;
    end
  end

  // Neither side has a request or message under way, and no copy or destage
  // is pending: what a takeover, a resync and `idle_o` each wait for.
  assign sides_quiet       = orig_idle && part_idle && !req_valid;
  assign nothing_in_flight = sides_quiet && destage_empty && !dma_busy_q && !tx_locked_q;

  assign idle_o = nothing_in_flight && !preq_valid_i && !presp_valid_o && !ans_valid &&
                  data_state_q == DataIdle && !tko_busy && !resync_busy;
endmodule
