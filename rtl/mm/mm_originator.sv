// Originator side of the memory manager (patent Figs. 4-9): serves this
// node's processes one request at a time, sending the synchronization
// messages that keep the partner's copy in step and waiting for its answers.
// Requests that get "null" (locked, or no space) wait in the paging queue and
// are retried whenever a pointer or an allocation is released; a grant then
// answers them a second time (StGranted). Every wait for the partner is
// bounded: a partner that does not answer yields StPartnerTimeout, a link
// that is down StPartnerDown, and the local changes of that request are undone.
module mm_originator
  import mirrorsim_pkg::*;
  import mm_pkg::*;
#(
  parameter logic        NodeId     = 1'b0,
  parameter int unsigned Frames     = 8,
  parameter int unsigned MaxAllocs  = 8,
  parameter int unsigned MaxPages   = 8,
  parameter int unsigned QueueDepth = 8,
  parameter int unsigned ReqTimeout = 4096,
  localparam int unsigned SlotW     = (MaxAllocs > 1) ? $clog2(MaxAllocs) : 1,
  localparam int unsigned VpW       = (MaxPages > 1) ? $clog2(MaxPages) : 1,
  localparam int unsigned FrameW    = (Frames > 1) ? $clog2(Frames) : 1,
  localparam int unsigned QCountW   = $clog2(QueueDepth + 1)
) (
  input  logic             clk_i,
  input  logic             rst_ni,
  input  logic             abort_i,
  input  logic             link_up_i,
  // process requests and responses
  input  logic             preq_valid_i,
  output logic             preq_ready_o,
  input  proc_req_t        preq_i,
  output logic             presp_valid_o,
  input  logic             presp_ready_i,
  output proc_resp_t       presp_o,
  // tables (read)
  input  alloc_entry_t     alloc_i [MaxAllocs],
  input  page_entry_t      page_i  [MaxAllocs][MaxPages],
  input  logic             modified_i [MaxAllocs][MaxPages],
  // tables (write)
  output alloc_write_t     alloc_wr_o,
  output page_write_t      page_wr_o,
  output logic             modified_clr_o,
  output logic [7:0]       modified_clr_slot_o,
  output logic [7:0]       modified_clr_page_o,
  output logic [MaxAllocs-1:0] slot_reserved_o,
  // frame pool
  output logic             frame_take_o,
  input  logic             frame_grant_i,
  input  logic [FrameW-1:0] frame_i,
  output logic             frame_free_o,
  output logic [FrameW-1:0] frame_free_idx_o,
  input  logic [Frames-1:0] destage_pending_i,
  input  logic             retry_i,           // something the queued requests wait for has freed up
  // failover (mm_takeover): serving alone, holding off, the partner's GUID counter
  input  logic             solo_i,            // the partner's allocations are served here too
  input  logic             hold_i,            // take no request for now
  input  logic             counter_load_i,
  input  logic [14:0]      counter_i,
  output logic [14:0]      other_counter_o,   // handed back with the partner's allocations
  input  logic             own_counter_load_i, // handed back: this node's counter, as the survivor kept it
  input  logic [14:0]      own_counter_i,
  // this node's record in shared storage: an allocation completed or dismantled
  output logic             rec_wr_o,
  output logic             rec_wr_node_o,
  output logic [SlotW-1:0] rec_wr_slot_o,
  output logic [16:0]      rec_wr_data_o,     // {valid, GUID}
  // DMA: page-in and send
  output logic             dma_valid_o,
  input  logic             dma_ready_i,
  output logic             dma_send_o,        // 1: SEND frame, 0: PAGE_IN block -> frame
  output logic [15:0]      dma_frame_o,
  output logic [15:0]      dma_block_o,
  input  logic             dma_done_i,
  input  logic             dma_ok_i,
  input  logic             send_valid_i,
  output logic             send_ready_o,
  input  logic [WordW-1:0] send_data_i,
  input  logic             send_last_i,
  // destage queue (a modified page, replicated, waits here for the background destager)
  output logic             destage_push_o,
  output logic [15:0]      destage_frame_o,
  output logic [15:0]      destage_block_o,
  input  logic             destage_full_i,
  // messages to the partner, and its answers
  output logic             out_valid_o,
  input  logic             out_ready_i,
  output logic [WordW-1:0] out_data_o,
  output logic             out_last_o,
  input  logic             ans_valid_i,
  output logic             ans_ready_o,
  input  msg_header_t      ans_header_i,
  // state for sense requests and the testbench
  output logic [15:0]      guid_counter_o,
  output logic [QCountW-1:0] paging_depth_o,
  output logic [QCountW-1:0] replace_depth_o,
  output logic             idle_o,
  output logic [31:0]      stat_sent_o [16],
  output logic [31:0]      stat_timeouts_o,
  output logic [31:0]      stat_messages_o,   // messages fully sent
  output logic [31:0]      stat_evictions_o
);
  typedef enum logic [4:0] {
    Idle, Check, SpaceSend, SpaceWait, SpaceWaitComplete, AllocSend, AllocWait,
    LockSend, LockWait, GrantSend, GrantWait, PageInSend, PageInStart, PageInWait,
    EvictSend, EvictVictim, EvictWait, ReplicateStart, ReplicateWait, ReleaseSend, ReleaseWait,
    DismantleWait, Dismantle, MemReleaseWait, Respond, Requeue
  } state_e;
  state_e state_q, state_d;

  proc_req_t   req_q, req_d;
  logic        from_queue_q, from_queue_d;   // the request came from the paging queue
  logic [QCountW-1:0] retries_q, retries_d;  // queued requests still to retry
  logic [SlotW-1:0] slot_q, slot_d;
  logic [FrameW-1:0] frame_q, frame_d;
  status_e     status_q, status_d;
  logic        respond_q, respond_d;         // this request gets a response now
  logic [TagW-1:0] tag_q, tag_d;             // tag of the message awaiting its answer
  logic [15:0] guid_counter_q, guid_counter_d;
  logic [14:0] other_counter_q, other_counter_d;  // the partner's, while serving its processes
  logic [GuidW-1:0] new_guid;
  assign new_guid = {req_q.home, (req_q.home == NodeId) ? guid_counter_q[GuidW-2:0] + 1'b1 : other_counter_q + 1'b1};
  // Allocations this node serves: its own, and after a takeover all of them.
  function automatic logic served(logic node);
    return node == NodeId || solo_i;
  endfunction
  logic [$clog2(ReqTimeout+1)-1:0] timer_q, timer_d;
  logic        partner_done_q, partner_done_d;  // partner's complete already in
  logic        local_done_q, local_done_d;      // local page-in already done
  logic        page_in_ok_q, page_in_ok_d;
  logic        frame_taken_q;                   // this request holds a frame from the pool
  logic [VpW-1:0] scan_q, scan_d;
  logic [SlotW-1:0] evict_slot_q, evict_slot_d;
  logic [VpW-1:0]   evict_page_q, evict_page_d;
  logic [15:0] now_q;                           // usage history stamp
  logic [31:0] stat_sent_q [16];
  logic [31:0] stat_timeouts_q, stat_evictions_q, stat_messages_q;

  // ---------------------------------------------------------------------------
  // Queues: paging requests (null answers) and replacement candidates
  // ---------------------------------------------------------------------------
  logic paging_push, paging_pop, paging_empty, paging_full;
  proc_req_t paging_push_data, paging_head;
  sync_fifo #(.Width($bits(proc_req_t)), .Depth(QueueDepth)) u_paging_queue (
    .clk_i       (clk_i),
    .rst_ni      (rst_ni),
    .clear_i     (abort_i),
    .push_i      (paging_push),
    .push_data_i (paging_push_data),
    .pop_i       (paging_pop),
    .head_o      (paging_head),
    .empty_o     (paging_empty),
    .full_o      (paging_full),
    .count_o     (paging_depth_o)
  );

  logic replace_push, replace_pop, replace_empty, replace_full;
  logic [SlotW+VpW-1:0] replace_push_data, replace_head;
  sync_fifo #(.Width(SlotW + VpW), .Depth(QueueDepth)) u_replace_queue (
    .clk_i       (clk_i),
    .rst_ni      (rst_ni),
    .clear_i     (abort_i),
    .push_i      (replace_push),
    .push_data_i (replace_push_data),
    .pop_i       (replace_pop),
    .head_o      (replace_head),
    .empty_o     (replace_empty),
    .full_o      (replace_full),
    .count_o     (replace_depth_o)
  );

  // ---------------------------------------------------------------------------
  // The request being served
  // ---------------------------------------------------------------------------
  logic [OwnerW-1:0] owner;
  logic [Owners-1:0] owner_bit;
  // A process works on its own node's allocations: its node is the GUID's
  // (an allocation names the asking process's node itself).
  assign owner     = {(req_q.op == OpAllocate) ? req_q.home : req_q.guid[GuidW-1], req_q.pid};
  assign owner_bit = Owners'(1) << owner;

  logic             hit;
  logic [SlotW-1:0] hit_slot;
  always_comb begin
    hit = 1'b0;
    hit_slot = '0;
    for (int i = 0; i < MaxAllocs; i++) begin
      if (alloc_i[i].valid && alloc_i[i].guid == req_q.guid) begin
        hit = 1'b1;
        hit_slot = SlotW'(i);
      end
    end
  end

  logic             free_slot_found;
  logic [SlotW-1:0] free_slot;
  always_comb begin
    free_slot_found = 1'b0;
    free_slot = '0;
    // Highest free slot: the partner side takes the lowest, so they rarely meet.
    for (int i = 0; i < MaxAllocs; i++) begin
      if (!alloc_i[i].valid) begin
        free_slot_found = 1'b1;
        free_slot = SlotW'(i);
      end
    end
  end

  // An allocation's disk blocks and its record in shared storage are named
  // by {home node, orig slot}: the orig slot must be unique among the
  // allocations of its home node. The local slot is not, once this node
  // makes allocations for its partner's processes (serving alone): those
  // live beside the partner's own, whose orig slots are the partner's slots.
  logic [MaxAllocs-1:0] orig_used;
  logic [SlotW-1:0]     free_orig;
  always_comb begin
    orig_used = '0;
    for (int i = 0; i < MaxAllocs; i++) begin
      if (alloc_i[i].valid && alloc_i[i].guid[GuidW-1] == req_q.home) orig_used[alloc_i[i].orig_slot[SlotW-1:0]] = 1'b1;
    end
    free_orig = '0;
    for (int i = MaxAllocs - 1; i >= 0; i--) begin
      if (!orig_used[i]) free_orig = SlotW'(i);
    end
  end

  // Frame quota: this node's own pages occupy at most half the frames (on
  // both nodes, since a page is resident on both or neither), so neither
  // node can starve the other of frames it cannot evict. When at the quota
  // or out of frames and the replacement queue is empty, the least recently
  // granted own page nobody holds (and already on disk) is the victim.
  localparam int unsigned OwnQuota = (Frames / 2 > 0) ? Frames / 2 : 1;
  logic [FrameW:0]  own_resident;
  logic             victim_found;
  logic [SlotW-1:0] victim_slot;
  logic [VpW-1:0]   victim_page;
  logic [15:0]      victim_usage;
  always_comb begin
    own_resident = '0;
    victim_found = 1'b0;
    victim_slot  = '0;
    victim_page  = '0;
    victim_usage = '0;
    for (int s = 0; s < MaxAllocs; s++) begin
      for (int p = 0; p < MaxPages; p++) begin
        if (alloc_i[s].valid && served(alloc_i[s].guid[GuidW-1]) && page_i[s][p].resident) begin
          own_resident = own_resident + 1'b1;
          if (!page_i[s][p].write_locked && page_i[s][p].read_count == '0 &&
              !destage_pending_i[FrameW'(page_i[s][p].frame)] &&
              (!victim_found || page_i[s][p].usage < victim_usage)) begin
            victim_found = 1'b1;
            victim_slot  = SlotW'(s);
            victim_page  = VpW'(p);
            victim_usage = page_i[s][p].usage;
          end
        end
      end
    end
  end
  logic frame_ok;
  assign frame_ok = frame_grant_i && (solo_i || own_resident < (FrameW+1)'(OwnQuota));

  // Trim: a node that served alone had no quota, so after the handback its
  // own pages can hold more than half the frames, on both nodes. Its partner
  // cannot evict them, and a page-in there would wait for a frame for good.
  // So a node over its quota gives back its least recently used free page,
  // one eviction at a time, until it is at the quota again. Trims and
  // requests take turns, so neither waits long for the other.
  logic trim_q, trim_d;                  // the eviction under way is a trim (nobody to answer)
  logic trimmed_last_q, trimmed_last_d;  // the last flow started was a trim
  logic trim_wanted, request_waiting;
  logic [31:0] stat_trims_q;             // the testbench reads it by name
  assign trim_wanted     = !solo_i && link_up_i && !hold_i && own_resident > (FrameW+1)'(OwnQuota) && victim_found;
  assign request_waiting = (retries_q != '0 && !paging_empty) || preq_valid_i;

  logic [VpW-1:0] vpage;
  page_entry_t    cur_page;
  assign vpage        = req_q.page[VpW-1:0];
  assign cur_page     = page_i[slot_q][vpage];

  logic [15:0] block;
  // The block names the allocation's originating node and its slot there.
  assign block = 16'({alloc_i[slot_q].guid[GuidW-1], alloc_i[slot_q].orig_slot[SlotW-1:0], vpage});

  logic is_read;
  assign is_read = (req_q.op == OpGetRead);

  // Lock conflicts with other owners, for a read or a write pointer.
  function automatic logic conflicts(logic read, logic write_locked, logic [OwnerW-1:0] write_owner,
                                     logic [Owners-1:0] read_owners, logic [Owners-1:0] me,
                                     logic [OwnerW-1:0] me_id);
    logic others_write;
    others_write = write_locked && write_owner != me_id;
    return read ? others_write : (others_write || (read_owners & ~me) != '0);
  endfunction

  // Answers to the message in flight (stale answers of an abandoned request are dropped).
  logic ans_match;
  assign ans_match = ans_valid_i && header_tag(ans_header_i) == tag_q;
  msg_type_e ans_kind;
  assign ans_kind = header_type(ans_header_i);
  status_e ans_status;
  assign ans_status = status_e'(ans_header_i.arg1[7:0]);
  // Only the lock fields of a lock status matter here.
  /* verilator lint_off UNUSEDSIGNAL */
  lock_state_t ans_lock;
  /* verilator lint_on UNUSEDSIGNAL */
  assign ans_lock = ans_header_i.arg0;

  // ---------------------------------------------------------------------------
  // Message emitter
  // ---------------------------------------------------------------------------
  logic        emit_start, emit_payload, emit_done, emit_busy;
  msg_header_t emit_header;

  mm_msg_emitter u_emitter (
    .clk_i          (clk_i),
    .rst_ni         (rst_ni),
    .abort_i        (abort_i),
    .start_i        (emit_start),
    .header_i       (emit_header),
    .with_payload_i (emit_payload),
    .busy_o         (emit_busy),
    .done_o         (emit_done),
    .pay_valid_i    (send_valid_i),
    .pay_ready_o    (send_ready_o),
    .pay_data_i     (send_data_i),
    .pay_last_i     (send_last_i),
    .out_valid_o    (out_valid_o),
    .out_ready_i    (out_ready_i),
    .out_data_o     (out_data_o),
    .out_last_o     (out_last_o)
  );

  function automatic msg_header_t request(msg_type_e kind, logic [TagW-1:0] tag, logic [GuidW-1:0] guid,
                                          logic [15:0] page, logic [OwnerW-1:0] who,
                                          logic [WordW-1:0] arg0, logic [WordW-1:0] arg1, logic payload);
    return make_header(kind, tag, NodeId, payload, guid, page, who, arg0, arg1);
  endfunction

  // ---------------------------------------------------------------------------
  // State machine
  // ---------------------------------------------------------------------------
  always_comb begin
    state_d          = state_q;
    req_d            = req_q;
    from_queue_d     = from_queue_q;
    retries_d        = retries_q;
    slot_d           = slot_q;
    frame_d          = frame_q;
    status_d         = status_q;
    respond_d        = respond_q;
    tag_d            = tag_q;
    guid_counter_d   = own_counter_load_i ? {1'b0, own_counter_i} : guid_counter_q;
    other_counter_d  = counter_load_i ? counter_i : other_counter_q;
    rec_wr_o         = 1'b0;
    rec_wr_node_o    = NodeId;
    rec_wr_slot_o    = alloc_i[slot_q].orig_slot[SlotW-1:0];
    rec_wr_data_o    = '0;
    timer_d          = timer_q;
    partner_done_d   = partner_done_q;
    local_done_d     = local_done_q;
    page_in_ok_d     = page_in_ok_q;
    scan_d           = scan_q;
    evict_slot_d     = evict_slot_q;
    evict_page_d     = evict_page_q;
    trim_d           = trim_q;
    trimmed_last_d   = trimmed_last_q;

    preq_ready_o     = 1'b0;
    presp_valid_o    = 1'b0;
    presp_o          = '0;
    alloc_wr_o       = '0;
    page_wr_o        = '0;
    modified_clr_o   = 1'b0;
    modified_clr_slot_o = 8'(slot_q);
    modified_clr_page_o = 8'(vpage);
    slot_reserved_o  = '0;
    frame_take_o     = 1'b0;
    frame_free_o     = 1'b0;
    frame_free_idx_o = '0;
    dma_valid_o      = 1'b0;
    dma_send_o       = 1'b0;
    dma_frame_o      = 16'(frame_q);
    dma_block_o      = block;
    destage_push_o   = 1'b0;
    destage_frame_o  = 16'(cur_page.frame);
    destage_block_o  = block;
    ans_ready_o      = 1'b1;   // answers that match nothing are dropped
    emit_start       = 1'b0;
    emit_header      = '0;
    emit_payload     = 1'b0;
    paging_push      = 1'b0;
    paging_push_data = req_q;
    paging_pop       = 1'b0;
    replace_push     = 1'b0;
    replace_push_data = {slot_q, vpage};
    replace_pop      = 1'b0;

    // Waiting for the partner: bounded, and cut short by a link going down.
    if (state_q inside {SpaceWait, SpaceWaitComplete, AllocWait, LockWait, GrantWait, PageInStart, PageInWait,
                        EvictWait, ReplicateWait, ReleaseWait, MemReleaseWait}) begin
      timer_d = timer_q + 1'b1;
    end

    if (emit_busy && state_q inside {SpaceSend, AllocSend, LockSend, GrantSend, PageInSend, EvictSend,
                                     ReplicateStart, ReleaseSend, DismantleWait}) begin
      // The previous message is still leaving (after a timeout): wait for it.
    end else begin
    unique case (state_q)
      Idle: begin
        status_d     = StOk;
        respond_d    = 1'b1;
        timer_d      = '0;
        partner_done_d = 1'b0;
        local_done_d = 1'b0;
        trim_d       = 1'b0;
        if (trim_wanted && !(trimmed_last_q && request_waiting)) begin
          // Over the quota (see trim_wanted): evict, and answer nobody.
          trim_d         = 1'b1;
          trimmed_last_d = 1'b1;
          respond_d      = 1'b0;
          evict_slot_d   = victim_slot;
          evict_page_d   = victim_page;
          state_d        = EvictVictim;
        end else if (retries_q != '0 && !paging_empty && !hold_i) begin
          // Queued requests first, once each, after every release.
          req_d          = paging_head;
          paging_pop     = 1'b1;
          from_queue_d   = 1'b1;
          retries_d      = retries_q - 1'b1;
          trimmed_last_d = 1'b0;
          state_d        = Check;
        end else begin
          retries_d    = '0;
          preq_ready_o = !hold_i;
          if (preq_valid_i && !hold_i) begin
            req_d          = preq_i;
            from_queue_d   = 1'b0;
            trimmed_last_d = 1'b0;
            state_d        = Check;
          end
        end
      end

      Check: begin
        slot_d  = hit_slot;
        state_d = Respond;
        if (!link_up_i) begin
          status_d = StPartnerDown;
        end else begin
          unique case (req_q.op)
            OpAllocate: begin
              if (req_q.pages == '0 || req_q.pages > 8'(MaxPages)) begin
                status_d = StBadPage;
              end else if (!served(req_q.home)) begin
                status_d = StNotLocal;
              end else if (!free_slot_found) begin
                // Fig. 5 510/550: no local space.
                status_d = req_q.immediate ? StDenied : StNull;
                state_d  = req_q.immediate ? Respond : Requeue;
              end else begin
                slot_d  = free_slot;
                state_d = SpaceSend;
              end
            end
            OpGetRead, OpGetWrite, OpReleasePtr, OpReleaseMem: begin
              if (!hit) begin
                status_d = StUnknownGuid;
              end else if (!served(req_q.guid[GuidW-1])) begin
                status_d = StNotLocal;
              end else if (req_q.op == OpReleaseMem) begin
                scan_d  = '0;
                state_d = DismantleWait;
              end else if (16'(req_q.page) >= 16'(alloc_i[hit_slot].pages)) begin
                status_d = StBadPage;
              end else if (req_q.op == OpReleasePtr) begin
                if (!page_i[hit_slot][vpage].read_owners[owner] &&
                    !(page_i[hit_slot][vpage].write_locked && page_i[hit_slot][vpage].write_owner == owner)) begin
                  status_d = StNotOwner;
                end else begin
                  // Fig. 8 810: a modified page is replicated first.
                  state_d = modified_i[hit_slot][vpage] ? ReplicateStart : ReleaseSend;
                end
              end else if (page_i[hit_slot][vpage].resident) begin
                // Figs. 6/7 615/715: locked here?
                if (conflicts(is_read, page_i[hit_slot][vpage].write_locked, page_i[hit_slot][vpage].write_owner,
                              page_i[hit_slot][vpage].read_owners, owner_bit, owner)) begin
                  status_d = StNull;
                  state_d  = Requeue;
                end else begin
                  state_d = LockSend;
                end
              end else if (!frame_ok) begin
                // Figs. 6/7 620/720: no local space; make some if a page can go.
                if (!replace_empty) begin
                  state_d = EvictSend;
                end else if (victim_found) begin
                  evict_slot_d = victim_slot;
                  evict_page_d = victim_page;
                  state_d      = EvictVictim;
                end else begin
                  status_d = StNull;
                  state_d  = Requeue;
                end
              end else begin
                state_d = SpaceSend;
              end
            end
            default: status_d = StBadRequest;
          endcase
        end
      end

      // -- space request (Figs. 5 515, 6 625, 7 725) ---------------------------
      SpaceSend: begin
        if (req_q.op == OpAllocate) slot_reserved_o[slot_q] = 1'b1;
        if (req_q.op == OpAllocate && alloc_i[slot_q].valid) begin
          // The partner side took this slot meanwhile: choose again.
          state_d = Check;
        end else begin
        emit_start  = 1'b1;
        emit_header = request(MsgSpaceReq, tag_q, req_q.guid, 16'(req_q.page), owner,
                              (req_q.op == OpAllocate) ? 32'd0 : 32'd1, '0, 1'b0);
        timer_d = '0;
        state_d = SpaceWait;
        end
      end

      SpaceWait: begin
        if (req_q.op == OpAllocate) slot_reserved_o[slot_q] = 1'b1;
        if (ans_match && ans_kind == AnsSpaceStatus) begin
          // Enough frames, and (for an allocation) a free slot over there.
          page_in_ok_d = ans_header_i.arg1[0] && (req_q.op != OpAllocate || ans_header_i.arg1[1]);
          state_d      = SpaceWaitComplete;
        end else if (ans_match && ans_kind == AnsComplete) begin
          status_d = ans_status;
          state_d  = Respond;
        end
      end

      SpaceWaitComplete: begin
        if (req_q.op == OpAllocate) slot_reserved_o[slot_q] = 1'b1;
        if (ans_match && ans_kind == AnsComplete) begin
          tag_d = tag_q + 1'b1;
          if (!page_in_ok_q) begin
            // Fig. 5 520/550, Figs. 6/7 630/730: no space on the partner.
            status_d = (req_q.op == OpAllocate && req_q.immediate) ? StDenied : StNull;
            state_d  = (req_q.op == OpAllocate && req_q.immediate) ? Respond : Requeue;
          end else if (req_q.op == OpAllocate) begin
            state_d = AllocSend;
          end else if (!frame_ok) begin
            status_d = StNull;
            state_d  = Requeue;
          end else begin
            state_d = PageInSend;
          end
        end
      end

      // -- allocate memory (Fig. 5 525-545) -------------------------------------
      AllocSend: begin
        slot_reserved_o[slot_q] = 1'b1;
        emit_start  = 1'b1;
        emit_header = request(MsgAllocMem, tag_q, new_guid, '0, owner,
                              32'(req_q.pages), {16'd0, 8'(free_orig), 4'd0, req_q.policy}, 1'b0);
        // Fig. 5 530: the local structures.
        alloc_wr_o.valid           = 1'b1;
        alloc_wr_o.slot            = 8'(slot_q);
        alloc_wr_o.entry.valid     = 1'b1;
        alloc_wr_o.entry.guid      = new_guid;
        alloc_wr_o.entry.pages     = req_q.pages;
        alloc_wr_o.entry.policy    = req_q.policy;
        alloc_wr_o.entry.owner     = owner;
        alloc_wr_o.entry.orig_slot = 8'(free_orig);
        req_d.guid = new_guid;
        timer_d    = '0;
        state_d    = AllocWait;
      end

      AllocWait: begin
        if (ans_match && ans_kind == AnsComplete) begin
          tag_d = tag_q + 1'b1;
          state_d = Respond;
          if (ans_status == StOk) begin
            if (req_q.home == NodeId) guid_counter_d = guid_counter_q + 1'b1;
            else other_counter_d = other_counter_q + 1'b1;
            rec_wr_o      = 1'b1;              // completed: into the record
            rec_wr_node_o = req_q.home;
            rec_wr_data_o = {1'b1, req_q.guid};
          end else begin
            status_d = ans_status;
            alloc_wr_o.valid = 1'b1;        // undo the local structures
            alloc_wr_o.slot  = 8'(slot_q);
            alloc_wr_o.entry = '0;
          end
        end
      end

      // -- resident page: lock request, then allocate read/write ---------------
      LockSend: begin
        emit_start  = 1'b1;
        emit_header = request(MsgLockReq, tag_q, req_q.guid, 16'(req_q.page), owner, '0, '0, 1'b0);
        timer_d = '0;
        state_d = LockWait;
      end

      LockWait: begin
        if (ans_match && ans_kind == AnsLockStatus) begin
          tag_d = tag_q + 1'b1;
          // Figs. 6/7 642/742/744: locked on the partner?
          if (!ans_lock.resident) begin
            status_d = StBadPage;          // the partner lacks a page we hold: not mirrored
            state_d  = Respond;
          end else if (conflicts(is_read, ans_lock.write_locked, ans_lock.write_owner,
                        ans_header_i.arg1[Owners-1:0], owner_bit, owner)) begin
            status_d = StNull;
            state_d  = Requeue;
          end else begin
            state_d = GrantSend;
          end
        end else if (ans_match && ans_kind == AnsComplete) begin
          tag_d    = tag_q + 1'b1;
          status_d = ans_status;
          state_d  = Respond;
        end
      end

      GrantSend: begin
        emit_start  = 1'b1;
        emit_header = request(is_read ? MsgAllocRead : MsgAllocWrite, tag_q, req_q.guid, 16'(req_q.page),
                              owner, '0, '0, 1'b0);
        // Figs. 6/7 670/770: lock it here.
        page_wr_o.valid = 1'b1;
        page_wr_o.slot  = 8'(slot_q);
        page_wr_o.page  = 8'(vpage);
        page_wr_o.entry = lock_page(cur_page, is_read, owner);
        page_wr_o.entry.usage = now_q;
        frame_d = FrameW'(cur_page.frame);
        timer_d = '0;
        state_d = GrantWait;
      end

      GrantWait: begin
        if (ans_match && ans_kind == AnsComplete) begin
          tag_d   = tag_q + 1'b1;
          state_d = Respond;
          if (ans_status != StOk) begin
            status_d = (ans_status == StNull) ? StNull : ans_status;
            if (ans_status == StNull) state_d = Requeue;
            page_wr_o.valid = 1'b1;          // undo the local lock
            page_wr_o.slot  = 8'(slot_q);
            page_wr_o.page  = 8'(vpage);
            page_wr_o.entry = unlock_page(cur_page, is_read, owner);
          end
        end
      end

      // -- not resident: allocate read/write with page-in, page in here too ----
      PageInSend: begin
        // Figs. 6/7 635/735 and 650/750: the message, then the local page-in,
        // both under way together.
        emit_start  = 1'b1;
        emit_header = request(is_read ? MsgAllocRead : MsgAllocWrite, tag_q, req_q.guid, 16'(req_q.page),
                              owner, '0, 32'd1, 1'b0);
        timer_d = '0;
        state_d = PageInStart;
      end

      PageInStart: begin
        if (ans_match && ans_kind == AnsComplete) begin
          tag_d          = tag_q + 1'b1;
          partner_done_d = 1'b1;
          if (ans_status != StOk) status_d = ans_status;
        end
        if (!frame_grant_i) begin
          // The last free frame went to the partner side meanwhile (it has priority).
          status_d     = StNoFrame;
          local_done_d = 1'b1;
          page_in_ok_d = 1'b0;
          state_d      = PageInWait;
        end else begin
          dma_valid_o = 1'b1;
          dma_frame_o = 16'(frame_i);
          if (dma_ready_i) begin
            frame_take_o = 1'b1;
            frame_d      = frame_i;
            state_d      = PageInWait;
          end
        end
      end

      PageInWait: begin
        if (dma_done_i) begin
          local_done_d = 1'b1;
          page_in_ok_d = dma_ok_i;
        end
        if (ans_match && ans_kind == AnsComplete) begin
          tag_d          = tag_q + 1'b1;
          partner_done_d = 1'b1;
          if (ans_status != StOk) status_d = ans_status;
        end
        if ((local_done_q || dma_done_i) && (partner_done_q || (ans_match && ans_kind == AnsComplete))) begin
          state_d = Respond;
          if (status_d == StOk && (dma_done_i ? dma_ok_i : page_in_ok_q)) begin
            // Figs. 6/7 675/775: map, lock, usage.
            page_wr_o.valid = 1'b1;
            page_wr_o.slot  = 8'(slot_q);
            page_wr_o.page  = 8'(vpage);
            page_wr_o.entry = fresh_page(16'(frame_q), now_q, is_read, owner);
          end else begin
            if (status_d == StOk) status_d = StNoFrame;
            frame_free_o     = frame_taken_q;
            frame_free_idx_o = frame_q;
            // The partner had no frame after all: wait for one like Figs. 6/7 630/730.
            if (status_d == StNoFrame && (dma_done_i ? dma_ok_i : page_in_ok_q)) begin
              status_d = StNull;
              state_d  = Requeue;
            end
          end
        end
      end

      // -- make space: evict a page nobody holds, on both nodes -----------------
      EvictSend: begin
        evict_slot_d = replace_head[SlotW+VpW-1:VpW];
        evict_page_d = replace_head[VpW-1:0];
        replace_pop  = 1'b1;
        if (!alloc_i[replace_head[SlotW+VpW-1:VpW]].valid ||
            !page_i[replace_head[SlotW+VpW-1:VpW]][replace_head[VpW-1:0]].resident ||
            page_i[replace_head[SlotW+VpW-1:VpW]][replace_head[VpW-1:0]].write_locked ||
            page_i[replace_head[SlotW+VpW-1:VpW]][replace_head[VpW-1:0]].read_count != '0) begin
          // No longer evictable (released or locked again): try the next one.
          state_d = Check;
        end else if (destage_pending_i[FrameW'(page_i[replace_head[SlotW+VpW-1:VpW]][replace_head[VpW-1:0]].frame)]) begin
          // Not on disk yet: it stays a candidate, and the request waits for
          // the destage (whose landing retries the queued requests).
          replace_push      = 1'b1;
          replace_push_data = replace_head;
          status_d          = StNull;
          state_d           = Requeue;
        end else begin
          emit_start  = 1'b1;
          emit_header = request(MsgReleasePtr, tag_q, alloc_i[replace_head[SlotW+VpW-1:VpW]].guid,
                                16'(replace_head[VpW-1:0]), '0, '0, 32'd2, 1'b0);
          timer_d    = '0;
          state_d    = EvictWait;
        end
      end

      EvictVictim: begin
        emit_start  = 1'b1;
        emit_header = request(MsgReleasePtr, tag_q, alloc_i[evict_slot_q].guid, 16'(evict_page_q), '0, '0, 32'd2, 1'b0);
        timer_d     = '0;
        state_d     = EvictWait;
      end

      EvictWait: begin
        if (ans_match && ans_kind == AnsComplete) begin
          tag_d = tag_q + 1'b1;
          if (ans_status == StOk) begin
            frame_free_o     = 1'b1;
            frame_free_idx_o = FrameW'(page_i[evict_slot_q][evict_page_q].frame);
            page_wr_o.valid  = 1'b1;
            page_wr_o.slot   = 8'(evict_slot_q);
            page_wr_o.page   = 8'(evict_page_q);
            page_wr_o.entry  = '0;
          end
          // Try the request again with the frame made free (a trim is done).
          state_d = trim_q ? Respond : Check;
        end
      end

      // -- release pointer (Fig. 8) ---------------------------------------------
      ReplicateStart: begin
        // Fig. 8 830: copy the page to the partner.
        dma_valid_o = 1'b1;
        dma_send_o  = 1'b1;
        dma_frame_o = cur_page.frame;
        if (dma_ready_i) begin
          emit_start   = 1'b1;
          emit_payload = 1'b1;
          emit_header  = request(MsgWritePage, tag_q, req_q.guid, 16'(req_q.page), owner, '0, '0, 1'b1);
          timer_d      = '0;
          local_done_d = 1'b0;
          state_d      = ReplicateWait;
        end
      end

      ReplicateWait: begin
        if (dma_done_i) local_done_d = 1'b1;
        if (ans_match && ans_kind == AnsComplete) begin
          tag_d = tag_q + 1'b1;
          if (ans_status != StOk) begin
            status_d = ans_status;
            state_d  = Respond;
          end else if (!destage_full_i) begin
            // Fig. 8 840: the partner holds the data; now queue it for disk.
            destage_push_o = 1'b1;
            modified_clr_o = 1'b1;
            state_d        = ReleaseSend;
          end else begin
            status_d = StPartnerTimeout;   // destage queue stuck full: report, keep the page
            state_d  = Respond;
          end
        end
      end

      ReleaseSend: begin
        emit_start  = 1'b1;
        emit_header = request(MsgReleasePtr, tag_q, req_q.guid, 16'(req_q.page), owner, '0, '0, 1'b0);
        timer_d = '0;
        state_d = ReleaseWait;
      end

      ReleaseWait: begin
        if (ans_match && ans_kind == AnsComplete) begin
          tag_d   = tag_q + 1'b1;
          state_d = Respond;
          if (ans_status != StOk) begin
            status_d = ans_status;
          end else begin
            // Fig. 8 860: drop the owner's lock here.
            page_wr_o.valid = 1'b1;
            page_wr_o.slot  = 8'(slot_q);
            page_wr_o.page  = 8'(vpage);
            page_wr_o.entry = unlock_page(cur_page, cur_page.read_owners[owner], owner);
            // Fig. 8 820/850/870: nobody holds it and requests wait: a candidate to replace.
            if (!paging_empty && !replace_full &&
                (cur_page.read_owners & ~owner_bit) == '0 &&
                (cur_page.read_owners[owner] || !cur_page.write_locked || cur_page.write_owner == owner)) begin
              replace_push = 1'b1;
            end
            retries_d = paging_depth_o;
          end
        end
      end

      // -- release memory (Fig. 9) -----------------------------------------------
      DismantleWait: begin
        // A page still on its way to the storage cache keeps its frame until it is there.
        // The partner releases its copy first: a partner lost on the way leaves
        // this node's allocation whole (the request fails with nothing changed
        // here), and an answer can never arrive before it is waited for.
        state_d = MemReleaseWait;
        for (int p = 0; p < MaxPages; p++) begin
          if (page_i[slot_q][p].resident && destage_pending_i[FrameW'(page_i[slot_q][p].frame)]) state_d = DismantleWait;
        end
        if (state_d == MemReleaseWait) begin
          emit_start  = 1'b1;
          emit_header = request(MsgReleaseMem, tag_q, req_q.guid, '0, owner, '0, '0, 1'b0);
          timer_d = '0;
        end
      end

      Dismantle: begin
        // Fig. 9 930: one page per cycle, then the allocation.
        if (page_i[slot_q][scan_q].resident) begin
          frame_free_o     = 1'b1;
          frame_free_idx_o = FrameW'(page_i[slot_q][scan_q].frame);
        end
        page_wr_o.valid = 1'b1;
        page_wr_o.slot  = 8'(slot_q);
        page_wr_o.page  = 8'(scan_q);
        page_wr_o.entry = '0;
        modified_clr_o  = 1'b1;
        modified_clr_page_o = 8'(scan_q);
        scan_d = scan_q + 1'b1;
        if (scan_q == VpW'(MaxPages - 1)) begin
          alloc_wr_o.valid = 1'b1;
          alloc_wr_o.slot  = 8'(slot_q);
          alloc_wr_o.entry = '0;
          rec_wr_o         = 1'b1;             // dismantled: out of the record
          rec_wr_node_o    = alloc_i[slot_q].guid[GuidW-1];
          rec_wr_data_o    = {1'b0, alloc_i[slot_q].guid};
          state_d   = Respond;
          retries_d = paging_depth_o;
        end
      end

      MemReleaseWait: begin
        if (ans_match && ans_kind == AnsComplete) begin
          tag_d    = tag_q + 1'b1;
          status_d = ans_status;
          state_d  = Dismantle;
        end
      end

      // -- answers ---------------------------------------------------------------
      Requeue: begin
        // Null: the request waits in the paging queue. A fresh request is told
        // (StNull); a retried one stays silent until it is granted.
        // A full queue cannot keep the promise of a later grant: denied, at once
        // (a retried request always finds room: it just left the queue).
        if (!paging_full) paging_push = 1'b1;
        respond_d = !from_queue_q;
        if (req_q.op == OpAllocate) respond_d = 1'b0;  // an allocation that may wait just waits
        if (paging_full) begin
          respond_d = 1'b1;
          status_d  = StDenied;
        end
        state_d = Respond;
      end

      Respond: begin
        if (!respond_q) begin
          state_d = Idle;
        end else begin
          presp_valid_o   = 1'b1;
          presp_o.tag     = req_q.tag;
          presp_o.op      = req_q.op;
          presp_o.pid     = req_q.pid;
          presp_o.guid    = req_q.guid;
          presp_o.status  = (status_q == StOk && from_queue_q && req_q.op != OpAllocate) ? StGranted : status_q;
          presp_o.page    = req_q.page;
          presp_o.pointer = (req_q.op inside {OpGetRead, OpGetWrite} && status_q == StOk) ? 16'(frame_q) : '0;
          if (presp_ready_i) state_d = Idle;
        end
      end

      default: state_d = Idle;
    endcase
    end

    // Bounded waits: give up on a silent partner, at once on a dead link.
    if (state_q inside {SpaceWait, SpaceWaitComplete, AllocWait, LockWait, GrantWait,
                        EvictWait, ReplicateWait, ReleaseWait, MemReleaseWait} ||
        (state_q == PageInWait && !partner_done_q)) begin
      if (!link_up_i || timer_q == ($bits(timer_q))'(ReqTimeout)) begin
        status_d = link_up_i ? StPartnerTimeout : StPartnerDown;
        tag_d    = tag_q + 1'b1;    // whatever arrives for the old tag is stale now
        state_d  = (state_q == PageInWait && !local_done_q) ? PageInWait : Respond;
        partner_done_d = 1'b1;
        // Undo what this request did here.
        unique case (state_q)
          AllocWait: begin
            alloc_wr_o.valid = 1'b1;
            alloc_wr_o.slot  = 8'(slot_q);
            alloc_wr_o.entry = '0;
          end
          GrantWait: begin
            page_wr_o.valid = 1'b1;
            page_wr_o.slot  = 8'(slot_q);
            page_wr_o.page  = 8'(vpage);
            page_wr_o.entry = unlock_page(cur_page, is_read, owner);
          end
          PageInWait: begin
            if (local_done_q) begin
              frame_free_o     = frame_taken_q;
              frame_free_idx_o = frame_q;
            end
          end
          default: ;
        endcase
      end
    end
    // A destage reached the disk: requests waiting for its frame get another try.
    if (retry_i) retries_d = paging_depth_o;
    if (abort_i) state_d = Idle;
  end

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      state_q          <= Idle;
      req_q            <= '0;
      from_queue_q     <= 1'b0;
      retries_q        <= '0;
      slot_q           <= '0;
      frame_q          <= '0;
      status_q         <= StOk;
      respond_q        <= 1'b1;
      tag_q            <= '0;
      guid_counter_q   <= '0;
      other_counter_q  <= '0;
      timer_q          <= '0;
      partner_done_q   <= 1'b0;
      local_done_q     <= 1'b0;
      page_in_ok_q     <= 1'b0;
      frame_taken_q    <= 1'b0;
      scan_q           <= '0;
      evict_slot_q     <= '0;
      evict_page_q     <= '0;
      trim_q           <= 1'b0;
      trimmed_last_q   <= 1'b0;
      stat_trims_q     <= '0;
      now_q            <= '0;
      stat_timeouts_q  <= '0;
      stat_evictions_q <= '0;
      stat_messages_q  <= '0;
      for (int i = 0; i < 16; i++) stat_sent_q[i] <= '0;
    end else begin
      state_q          <= state_d;
      req_q            <= req_d;
      from_queue_q     <= from_queue_d;
      retries_q        <= retries_d;
      slot_q           <= slot_d;
      frame_q          <= frame_d;
      status_q         <= status_d;
      respond_q        <= respond_d;
      tag_q            <= tag_d;
      guid_counter_q   <= guid_counter_d;
      other_counter_q  <= other_counter_d;
      timer_q          <= timer_d;
      partner_done_q   <= partner_done_d;
      local_done_q     <= local_done_d;
      page_in_ok_q     <= page_in_ok_d;
      if (frame_take_o) frame_taken_q <= 1'b1;
      else if (state_q == Idle) frame_taken_q <= 1'b0;
      scan_q           <= scan_d;
      evict_slot_q     <= evict_slot_d;
      evict_page_q     <= evict_page_d;
      trim_q           <= trim_d;
      trimmed_last_q   <= trimmed_last_d;
      if (state_q == Idle && trim_d) stat_trims_q <= stat_trims_q + 1;
      now_q            <= now_q + 1'b1;
      if (emit_start) stat_sent_q[header_type(emit_header)] <= stat_sent_q[header_type(emit_header)] + 1;
      if (emit_done) stat_messages_q <= stat_messages_q + 1;
      if (status_d == StPartnerTimeout && status_q != StPartnerTimeout) stat_timeouts_q <= stat_timeouts_q + 1;
      if (state_q == EvictWait && frame_free_o) stat_evictions_q <= stat_evictions_q + 1;
`ifndef SYNTHESIS
      assert (!(emit_start && emit_busy)) else $error("mm_originator: message started while another is being sent");
`endif
    end
  end

  assign guid_counter_o  = guid_counter_q;
  assign other_counter_o = other_counter_q;
  assign stat_sent_o     = stat_sent_q;
  assign stat_timeouts_o = stat_timeouts_q;
  assign stat_messages_o = stat_messages_q;
  assign stat_evictions_o = stat_evictions_q;
  // Idle with nothing to do: a trim due is work (checkpoints wait for it).
  assign idle_o = (state_q == Idle) && !trim_wanted;

`ifndef SYNTHESIS
  // Cover points: the originator's rare answers and flows (user coverage
  // under --coverage; ignored otherwise).
  logic answered;
  assign answered = presp_valid_o && presp_ready_i;
  DeniedAnswer_C: cover property (@(posedge clk_i)
    rst_ni && answered && presp_o.status == StDenied);
  GrantedAnswer_C: cover property (@(posedge clk_i)
    rst_ni && answered && presp_o.status == StGranted);
  PartnerDownAnswer_C: cover property (@(posedge clk_i)
    rst_ni && answered && presp_o.status == StPartnerDown);
  PartnerTimeout_C: cover property (@(posedge clk_i)
    rst_ni && status_d == StPartnerTimeout && status_q != StPartnerTimeout);
  // A null answer that cannot wait: the paging queue is full.
  PagingQueueFull_C: cover property (@(posedge clk_i) rst_ni && state_q == Requeue && paging_full);
  ReplaceQueueFull_C: cover property (@(posedge clk_i) rst_ni && replace_full);
  Eviction_C: cover property (@(posedge clk_i) rst_ni && state_q == EvictWait && frame_free_o);
  // Over the frame quota after a handback: an eviction nobody asked for.
  Trim_C: cover property (@(posedge clk_i) rst_ni && state_q == Idle && trim_d);
`endif
endmodule
