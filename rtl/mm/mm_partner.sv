// Partner side of the memory manager (patent Fig. 10): answers the
// synchronization messages its partner (or the host, through the injection
// port) originates, one message at a time, keeping this node's copy of the
// partner's allocations, page maps, locks and pages in step.
module mm_partner
  import mirrorsim_pkg::*;
  import mm_pkg::*;
#(
  parameter logic        NodeId    = 1'b0,
  parameter int unsigned Frames    = 8,
  parameter int unsigned MaxAllocs = 8,
  parameter int unsigned MaxPages  = 8,
  localparam int unsigned SlotW    = (MaxAllocs > 1) ? $clog2(MaxAllocs) : 1,
  localparam int unsigned VpW      = (MaxPages > 1) ? $clog2(MaxPages) : 1,
  localparam int unsigned FrameW   = (Frames > 1) ? $clog2(Frames) : 1
) (
  input  logic             clk_i,
  input  logic             rst_ni,
  input  logic             abort_i,
  // messages in
  input  logic             req_valid_i,
  output logic             req_ready_o,
  input  msg_header_t      req_header_i,
  input  logic             req_from_inject_i,
  input  logic             req_bad_i,
  input  logic             pay_valid_i,
  output logic             pay_ready_o,
  input  logic [WordW-1:0] pay_data_i,
  input  logic             pay_last_i,
  // tables (read)
  input  alloc_entry_t     alloc_i [MaxAllocs],
  input  page_entry_t      page_i  [MaxAllocs][MaxPages],
  input  logic             modified_i [MaxAllocs][MaxPages],
  input  logic [MaxAllocs-1:0] slot_reserved_i,  // slots the originator side is filling this instant
  // tables (write)
  output alloc_write_t     alloc_wr_o,
  output page_write_t      page_wr_o,
  // frame pool (this side's port)
  output logic             frame_wanted_o,   // in the state that takes a frame
  output logic             frame_take_o,
  input  logic             frame_grant_i,
  input  logic [FrameW-1:0] frame_i,
  output logic             frame_free_o,
  output logic [FrameW-1:0] frame_free_o_idx,
  input  logic [FrameW:0]  free_count_i,
  // DMA: page-in and receive
  output logic             dma_valid_o,
  input  logic             dma_ready_i,
  output logic             dma_receive_o,      // 1: RECEIVE into frame, 0: PAGE_IN block -> frame
  output logic [15:0]      dma_frame_o,
  output logic [15:0]      dma_block_o,
  input  logic             dma_done_i,         // completion of this side's command
  input  logic             dma_ok_i,
  output logic             recv_valid_o,
  input  logic             recv_ready_i,
  output logic [WordW-1:0] recv_data_o,
  output logic             recv_last_o,
  // sense information
  input  logic [15:0]      guid_counter_i,
  input  logic [23:0]      queue_depths_i,
  input  logic             link_up_i,
  // failback: the survivor handed this node's allocations back (and its GUID counter)
  output logic             handback_o,
  output logic [14:0]      handback_counter_o,
  // answers out
  output logic             out_valid_o,
  input  logic             out_ready_i,
  output logic [WordW-1:0] out_data_o,
  output logic             out_last_o,
  output logic             out_to_inject_o,
  output logic             idle_o,
  // statistics: messages handled by type (index = msg_type_e)
  output logic [31:0]      stat_handled_o [16],
  output logic [31:0]      stat_errors_o
);
  typedef enum logic [3:0] {
    Idle, Decode, FreePages, PageIn, PageInWait, Receive, ReceiveWait, DrainPayload,
    Answer, AnswerWait, SecondAnswer, SecondAnswerWait
  } state_e;
  state_e state_q, state_d;

  msg_header_t hdr_q, hdr_d;
  logic        inject_q, inject_d;
  logic        bad_q, bad_d;
  msg_header_t ans_q, ans_d;           // the answer being built
  logic        ans_payload_q, ans_payload_d;
  msg_header_t ans2_q, ans2_d;         // space request: the `complete` after the status
  logic [SlotW-1:0] slot_q, slot_d;
  logic [VpW-1:0]   scan_q, scan_d;    // release memory: page being dismantled
  logic [FrameW-1:0] new_frame_q, new_frame_d;
  logic [7:0]  hdr_words_q, hdr_words_d; // read header: payload words sent
  logic [31:0] stat_handled_q [16];
  logic [31:0] stat_errors_q;

  // ---------------------------------------------------------------------------
  // Decode of the message being handled
  // ---------------------------------------------------------------------------
  msg_type_e   kind;
  logic [GuidW-1:0] guid;
  logic [15:0] page_num;
  logic [OwnerW-1:0] owner;
  logic        has_payload;  // a payload follows (mm_msg_rx: only a whole page, only on a good write page)
  assign kind        = header_type(hdr_q);
  assign guid        = header_guid(hdr_q);
  assign page_num    = header_page(hdr_q);
  assign owner       = header_owner(hdr_q);
  assign has_payload = header_has_payload(hdr_q) && !bad_q;

  // GUID lookup over the allocation table.
  logic             hit;
  logic [SlotW-1:0] hit_slot;
  // A survivor's resync message (word 0 bit 16; mm_resync).
  logic resync;
  assign resync = hdr_q.w0[16];
  assign handback_counter_o = hdr_q.arg1[14:0];

  always_comb begin
    hit = 1'b0;
    hit_slot = '0;
    for (int i = 0; i < MaxAllocs; i++) begin
      if (alloc_i[i].valid && alloc_i[i].guid == guid) begin
        hit = 1'b1;
        hit_slot = SlotW'(i);
      end
    end
  end

  // A free slot for a new allocation (not one the originator side is filling).
  logic             free_slot_found;
  logic [SlotW-1:0] free_slot;
  always_comb begin
    free_slot_found = 1'b0;
    free_slot = '0;
    for (int i = MaxAllocs - 1; i >= 0; i--) begin
      if (!alloc_i[i].valid && !slot_reserved_i[i]) begin
        free_slot_found = 1'b1;
        free_slot = SlotW'(i);
      end
    end
  end

  logic [$clog2(MaxAllocs+1)-1:0] live_allocs;
  always_comb begin
    live_allocs = '0;
    for (int i = 0; i < MaxAllocs; i++) live_allocs += $bits(live_allocs)'(alloc_i[i].valid);
  end

  // The allocation and page the message names: found by the lookup while
  // decoding, remembered in slot_q afterwards.
  logic [SlotW-1:0] sel_slot;
  alloc_entry_t cur_alloc;
  page_entry_t  cur_page;
  logic         cur_modified;
  logic         page_in_range;
  logic [VpW-1:0] vpage;
  assign sel_slot      = (state_q == Decode) ? hit_slot : slot_q;
  assign vpage         = page_num[VpW-1:0];
  assign cur_alloc     = alloc_i[sel_slot];
  assign cur_page      = page_i[sel_slot][vpage];
  assign cur_modified  = modified_i[sel_slot][vpage];
  assign page_in_range = (page_num < 16'(cur_alloc.pages)) && (page_num < 16'(MaxPages));

  // The disk block of a page: {originating node, its slot there, page}.
  logic [15:0] block;
  assign block = 16'({guid[GuidW-1], cur_alloc.orig_slot[SlotW-1:0], vpage});

  // Conflicts a careful partner still refuses (the originator should have
  // seen them in its lock request already).
  logic [Owners-1:0] owner_bit;
  assign owner_bit = Owners'(1) << owner;
  logic write_conflict, read_conflict;
  assign write_conflict = (cur_page.write_locked && cur_page.write_owner != owner) ||
                          ((cur_page.read_owners & ~owner_bit) != '0);
  assign read_conflict  = cur_page.write_locked && cur_page.write_owner != owner;

  function automatic msg_header_t answer(msg_type_e kind_a, logic [WordW-1:0] arg0, logic [WordW-1:0] arg1,
                                         logic payload);
    return make_header(kind_a, header_tag(hdr_q), NodeId, payload, guid, page_num, owner, arg0, arg1);
  endfunction

  function automatic msg_header_t complete(status_e status);
    return answer(AnsComplete, '0, 32'(status), 1'b0);
  endfunction

  // ---------------------------------------------------------------------------
  // Read header payload: two words of allocation, then two words per page
  // (map and lock state; read owners and usage history). docs/rtl.md lists the bits.
  // ---------------------------------------------------------------------------
  logic [WordW-1:0] hdr_word;
  logic [7:0]       hdr_len;
  logic [VpW-1:0]   hdr_page;
  page_entry_t      hdr_entry;
  assign hdr_len   = 8'd2 + {cur_alloc.pages[6:0], 1'b0};
  assign hdr_page  = VpW'((hdr_words_q - 8'd2) >> 1);
  assign hdr_entry = page_i[slot_q][hdr_page];
  always_comb begin
    if (hdr_words_q == 8'd0) begin
      hdr_word = {cur_alloc.guid, cur_alloc.pages, cur_alloc.policy, cur_alloc.owner};
    end else if (hdr_words_q == 8'd1) begin
      hdr_word = {23'd0, cur_alloc.valid, cur_alloc.orig_slot};
    end else if (!hdr_words_q[0]) begin
      hdr_word = {1'b0, hdr_entry.resident, modified_i[slot_q][hdr_page], hdr_entry.write_locked,
                  hdr_entry.write_owner, hdr_entry.read_count, hdr_entry.frame};
    end else begin
      hdr_word = {hdr_entry.read_owners, hdr_entry.usage};
    end
  end

  // ---------------------------------------------------------------------------
  // Answer emitter
  // ---------------------------------------------------------------------------
  logic emit_start, emit_payload, emit_done, emit_busy;
  msg_header_t emit_header;
  logic hdr_pay_valid, hdr_pay_ready, hdr_pay_last;
  assign hdr_pay_valid = 1'b1;
  assign hdr_pay_last  = (hdr_words_q == hdr_len - 1'b1);

  mm_msg_emitter u_emitter (
    .clk_i          (clk_i),
    .rst_ni         (rst_ni),
    .abort_i        (abort_i),
    .start_i        (emit_start),
    .header_i       (emit_header),
    .with_payload_i (emit_payload),
    .busy_o         (emit_busy),
    .done_o         (emit_done),
    .pay_valid_i    (hdr_pay_valid),
    .pay_ready_o    (hdr_pay_ready),
    .pay_data_i     (hdr_word),
    .pay_last_i     (hdr_pay_last),
    .out_valid_o    (out_valid_o),
    .out_ready_i    (out_ready_i),
    .out_data_o     (out_data_o),
    .out_last_o     (out_last_o)
  );
  assign out_to_inject_o = inject_q;

  // ---------------------------------------------------------------------------
  // State machine
  // ---------------------------------------------------------------------------
  always_comb begin
    handback_o    = 1'b0;
    state_d       = state_q;
    hdr_d         = hdr_q;
    inject_d      = inject_q;
    bad_d         = bad_q;
    ans_d         = ans_q;
    ans_payload_d = ans_payload_q;
    ans2_d        = ans2_q;
    slot_d        = slot_q;
    scan_d        = scan_q;
    new_frame_d   = new_frame_q;
    hdr_words_d   = hdr_words_q;
    req_ready_o   = 1'b0;
    pay_ready_o   = 1'b0;
    alloc_wr_o    = '0;
    page_wr_o     = '0;
    frame_take_o  = 1'b0;
    frame_free_o  = 1'b0;
    frame_free_o_idx = '0;
    dma_valid_o   = 1'b0;
    dma_receive_o = 1'b0;
    dma_frame_o   = '0;
    dma_block_o   = block;
    recv_valid_o  = 1'b0;
    recv_data_o   = pay_data_i;
    recv_last_o   = pay_last_i;
    emit_start    = 1'b0;
    emit_header   = ans_q;
    emit_payload  = ans_payload_q;

    unique case (state_q)
      Idle: begin
        req_ready_o = 1'b1;
        if (req_valid_i) begin
          hdr_d    = req_header_i;
          inject_d = req_from_inject_i;
          bad_d    = req_bad_i;
          state_d  = Decode;
        end
      end

      Decode: begin
        slot_d        = hit_slot;
        ans_payload_d = 1'b0;
        // An answer leaves only once the message has been taken whole: a
        // payload not copied into a frame (a refused write page) is drained
        // first, whatever the refusal.
        state_d       = has_payload ? DrainPayload : Answer;
        if (bad_q) begin
          ans_d = complete(StBadRequest);
        end else if (kind == MsgSpaceReq) begin
          // Fig. 10 1015/1017: the free pool size, then complete.
          ans_d  = answer(AnsSpaceStatus, 32'(free_count_i),
                          {30'd0, free_slot_found, 32'(free_count_i) >= hdr_q.arg0}, 1'b0);
          ans2_d = complete(StOk);
        end else if (kind == MsgSenseReq && resync && hdr_q.arg0 == 32'd4) begin
          // The survivor's resync is complete: serve again (mm_takeover).
          ans_d      = complete(StOk);
          handback_o = 1'b1;
        end else if (kind == MsgSenseReq) begin
          // The whole of arg0 names what to sense: only 0-3 name anything.
          if (hdr_q.arg0 > 32'(SenseNode)) begin
            ans_d = complete(StBadRequest);
          end else begin
            unique case (sense_what_e'(hdr_q.arg0[3:0]))
              SenseFreeFrames: ans_d = answer(AnsSenseInfo, 32'(free_count_i), 32'(Frames), 1'b0);
              SenseAllocs:     ans_d = answer(AnsSenseInfo, 32'(live_allocs), 32'(guid_counter_i), 1'b0);
              SenseQueues:     ans_d = answer(AnsSenseInfo, 32'(queue_depths_i), '0, 1'b0);
              SenseNode:       ans_d = answer(AnsSenseInfo, 32'(NodeId), 32'(link_up_i), 1'b0);
              default:         ans_d = complete(StBadRequest);
            endcase
          end
        end else if (!(kind inside {[MsgAllocMem:MsgReleasePtr]})) begin
          ans_d = complete(StBadRequest);
        end else if (guid[GuidW-1] == NodeId && !resync) begin
          // Only the allocation's own node originates operations on it (a
          // resynchronizing survivor rebuilds this node's own allocations).
          ans_d = complete(StNotLocal);
        end else if (kind == MsgAllocMem) begin
          if (hit) begin
            ans_d = complete(StDuplicate);
          end else if (!free_slot_found) begin
            ans_d = complete(StNoSlot);
          end else if (hdr_q.arg0 == '0 || hdr_q.arg0 > 32'(MaxPages)) begin
            ans_d = complete(StBadPage);
          end else begin
            // Fig. 10 1025: create the allocation's structures.
            alloc_wr_o.valid             = 1'b1;
            alloc_wr_o.slot              = 8'(free_slot);
            alloc_wr_o.entry.valid       = 1'b1;
            alloc_wr_o.entry.guid        = guid;
            alloc_wr_o.entry.pages       = hdr_q.arg0[7:0];
            alloc_wr_o.entry.policy      = hdr_q.arg1[3:0];
            alloc_wr_o.entry.owner       = owner;
            alloc_wr_o.entry.orig_slot   = hdr_q.arg1[15:8];
            ans_d = complete(StOk);
          end
        end else if (!hit) begin
          ans_d = complete(StUnknownGuid);
        end else if (kind == MsgReleaseMem) begin
          // Fig. 10 1035: dismantle, one page per cycle.
          scan_d  = '0;
          state_d = FreePages;
        end else if (kind == MsgReadHeader) begin
          hdr_words_d   = '0;
          ans_d         = answer(AnsHeader, 32'(alloc_i[hit_slot].pages), '0, 1'b1);
          ans_payload_d = 1'b1;
        end else if (!page_in_range) begin
          ans_d = complete(StBadPage);
        end else begin
          unique case (kind)
            MsgLockReq: begin
              ans_d = answer(AnsLockStatus, lock_state_word(cur_page, cur_modified), 32'(cur_page.read_owners), 1'b0);
            end
            MsgWritePage: begin
              if (!cur_page.resident) begin
                ans_d   = complete(StBadPage);
              end else begin
                state_d = Receive;
              end
            end
            MsgAllocRead, MsgAllocWrite: begin
              if (!cur_page.resident && !hdr_q.arg1[0]) begin
                ans_d = complete(StBadPage);        // not resident and no page-in asked
              end else if (!cur_page.resident) begin
                state_d = PageIn;
              end else begin
                ans_d   = complete(StOk);
                // Fig. 10 1085/1092: set the lock and its owner.
                page_wr_o.valid = 1'b1;
                page_wr_o.slot  = 8'(hit_slot);
                page_wr_o.page  = 8'(vpage);
                page_wr_o.entry = lock_page(cur_page, kind == MsgAllocRead, owner);
                if (kind == MsgAllocRead ? read_conflict : write_conflict) begin
                  page_wr_o.valid = 1'b0;
                  ans_d = complete(StNull);
                end
              end
            end
            MsgReleasePtr: begin
              // Fig. 10 1097: drop this owner's lock; with `evict`, the page too.
              page_wr_o.valid = 1'b1;
              page_wr_o.slot  = 8'(hit_slot);
              page_wr_o.page  = 8'(vpage);
              page_wr_o.entry = cur_page;
              ans_d = complete(StOk);
              if (cur_page.read_owners[owner] || (cur_page.write_locked && cur_page.write_owner == owner)) begin
                page_wr_o.entry = unlock_page(cur_page, cur_page.read_owners[owner], owner);
              end else if (!hdr_q.arg1[1]) begin
                page_wr_o.valid = 1'b0;
                ans_d = complete(StNotOwner);
              end
              if (hdr_q.arg1[1]) begin
                if (!cur_page.resident || cur_page.write_locked ||
                    cur_page.read_count != '0) begin
                  page_wr_o.valid = 1'b0;
                  ans_d = complete(StBadPage);     // only an unowned resident page is evicted
                end else begin
                  page_wr_o.entry = '0;
                  frame_free_o     = 1'b1;
                  frame_free_o_idx = FrameW'(cur_page.frame);
                end
              end
            end
            default: ans_d = complete(StBadRequest);
          endcase
        end
      end

      FreePages: begin
        if (page_i[slot_q][scan_q].resident) begin
          frame_free_o     = 1'b1;
          frame_free_o_idx = FrameW'(page_i[slot_q][scan_q].frame);
        end
        page_wr_o.valid = 1'b1;
        page_wr_o.slot  = 8'(slot_q);
        page_wr_o.page  = 8'(scan_q);
        page_wr_o.entry = '0;
        scan_d = scan_q + 1'b1;
        if (scan_q == VpW'(MaxPages - 1)) begin
          alloc_wr_o.valid = 1'b1;
          alloc_wr_o.slot  = 8'(slot_q);
          alloc_wr_o.entry = '0;
          ans_d   = complete(StOk);
          state_d = Answer;
        end
      end

      PageIn: begin
        // Fig. 10 1085 with page-in: a frame, then the page from storage.
        if (!frame_grant_i) begin
          ans_d   = complete(StNoFrame);
          state_d = Answer;
        end else begin
          dma_valid_o = 1'b1;
          dma_frame_o = 16'(frame_i);
          if (dma_ready_i) begin
            frame_take_o = 1'b1;
            new_frame_d  = frame_i;
            state_d      = PageInWait;
          end
        end
      end

      PageInWait: begin
        if (dma_done_i) begin
          page_wr_o.valid = 1'b1;
          page_wr_o.slot  = 8'(slot_q);
          page_wr_o.page  = 8'(vpage);
          page_wr_o.entry = fresh_page(16'(new_frame_q), '0, kind == MsgAllocRead, owner);
          if (resync) begin
            // Resync pages in without a lock; the locks follow one by one.
            page_wr_o.entry.read_count   = '0;
            page_wr_o.entry.read_owners  = '0;
            page_wr_o.entry.write_locked = 1'b0;
            page_wr_o.entry.write_owner  = '0;
          end
          if (!dma_ok_i) begin
            page_wr_o.valid  = 1'b0;
            frame_free_o     = 1'b1;
            frame_free_o_idx = new_frame_q;
          end
          ans_d   = complete(dma_ok_i ? StOk : StNoFrame);
          state_d = Answer;
        end
      end

      Receive: begin
        // Fig. 10 1065: the page into local memory.
        dma_valid_o   = 1'b1;
        dma_receive_o = 1'b1;
        dma_frame_o   = cur_page.frame;
        if (dma_ready_i) state_d = ReceiveWait;
      end

      ReceiveWait: begin
        recv_valid_o = pay_valid_i;
        pay_ready_o  = recv_ready_i;
        // `complete` only once the data has landed (durability).
        if (dma_done_i) begin
          ans_d   = complete(dma_ok_i ? StOk : StBadPage);
          state_d = Answer;
        end
      end

      DrainPayload: begin
        pay_ready_o = 1'b1;
        if (pay_valid_i && pay_last_i) state_d = Answer;
      end

      Answer: begin
        emit_start = 1'b1;
        state_d    = AnswerWait;
      end

      AnswerWait: begin
        if (emit_done) state_d = (kind == MsgSpaceReq && !bad_q) ? SecondAnswer : Idle;
      end

      SecondAnswer: begin
        emit_start    = 1'b1;
        emit_header   = ans2_q;
        emit_payload  = 1'b0;
        state_d       = SecondAnswerWait;
      end

      SecondAnswerWait: begin
        if (emit_done) state_d = Idle;
      end

      default: state_d = Idle;
    endcase

    if (state_q == AnswerWait && ans_payload_q && hdr_pay_ready) hdr_words_d = hdr_words_q + 1'b1;
    if (abort_i) state_d = Idle;
  end

`ifndef SYNTHESIS
  // An answer is started only when the previous one has left.
  always_ff @(posedge clk_i) begin
    if (emit_start) assert (!emit_busy) else $error("mm_partner: answer started while another is being sent");
  end
`endif

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      state_q       <= Idle;
      hdr_q         <= '0;
      inject_q      <= 1'b0;
      bad_q         <= 1'b0;
      ans_q         <= '0;
      ans_payload_q <= 1'b0;
      ans2_q        <= '0;
      slot_q        <= '0;
      scan_q        <= '0;
      new_frame_q   <= '0;
      hdr_words_q   <= '0;
      stat_errors_q <= '0;
      for (int i = 0; i < 16; i++) stat_handled_q[i] <= '0;
    end else begin
      state_q       <= state_d;
      hdr_q         <= hdr_d;
      inject_q      <= inject_d;
      bad_q         <= bad_d;
      ans_q         <= ans_d;
      ans_payload_q <= ans_payload_d;
      ans2_q        <= ans2_d;
      slot_q        <= slot_d;
      scan_q        <= scan_d;
      new_frame_q   <= new_frame_d;
      hdr_words_q   <= hdr_words_d;
      if (state_q == Answer) begin
        stat_handled_q[kind] <= stat_handled_q[kind] + 1;
        if (header_type(ans_q) == AnsComplete && ans_q.arg1[7:0] != 8'(StOk)) stat_errors_q <= stat_errors_q + 1;
      end
    end
  end

  assign stat_handled_o = stat_handled_q;
  assign stat_errors_o  = stat_errors_q;
  assign idle_o = (state_q == Idle);
  assign frame_wanted_o = (state_q == PageIn);

`ifndef SYNTHESIS
  // Cover points: the partner refuses a lock (the originator's request gets
  // null), and a page-in finds no free frame (user coverage under --coverage).
  PartnerLockConflict_C: cover property (@(posedge clk_i)
    rst_ni && state_q == Answer && header_type(ans_q) == AnsComplete &&
    ans_q.arg1[7:0] == 8'(StNull));
  PartnerNoFrame_C: cover property (@(posedge clk_i) rst_ni && state_q == PageIn && !frame_grant_i);
`endif
endmodule
