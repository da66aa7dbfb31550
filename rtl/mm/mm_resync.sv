// Failback, the survivor's side: once a node that served alone sees its
// partner again (back from a failure, or fenced after a cut), it rebuilds the
// partner's tables from its own before the partner serves again. By then its
// destage queue is empty and its cache clean, so every page's disk block
// holds what was last released; the partner pages each resident page in from
// the disk itself. Messages carry the resync flag (word 0 bit 16), which lets
// the returning node accept messages about its own GUID space, and page in
// without taking a lock:
//   per allocation: allocate memory;
//   per resident page: allocate read with page-in (no lock), then an allocate
//   read per read owner and an allocate write for the write owner;
//   last: the handback (sense request, what = 4, arg1 = the returning node's
//   GUID counter), after which each node serves its own allocations again.
// The link going down part-way abandons the resync (the message being sent
// drains into the link, which drops it); the returning node drops what it
// had received, and the resync starts over from the beginning once the link
// is back.
module mm_resync
  import mirrorsim_pkg::*;
  import mm_pkg::*;
#(
  parameter logic        NodeId    = 1'b0,
  parameter int unsigned MaxAllocs = 8,
  parameter int unsigned MaxPages  = 8,
  localparam int unsigned SlotW    = (MaxAllocs > 1) ? $clog2(MaxAllocs) : 1,
  localparam int unsigned VpW      = (MaxPages > 1) ? $clog2(MaxPages) : 1
) (
  input  logic             clk_i,
  input  logic             rst_ni,
  input  logic             start_i,        // serving alone, the partner is back, nothing in flight here
  input  logic             link_up_i,
  output logic             busy_o,
  output logic             done_o,         // pulse: the partner has taken its allocations back
  input  alloc_entry_t     alloc_i [MaxAllocs],
  input  page_entry_t      page_i  [MaxAllocs][MaxPages],
  input  logic [14:0]      counter_i,      // the partner's GUID counter, kept while serving it
  // messages to the partner
  output logic             out_valid_o,
  input  logic             out_ready_i,
  output logic [WordW-1:0] out_data_o,
  output logic             out_last_o,
  // its answers
  input  logic             ans_valid_i,
  output logic             ans_ready_o,
  input  msg_header_t      ans_header_i,
  output logic [31:0]      stat_errors_o    // answers other than ok (the partner refused something)
);
  typedef enum logic [3:0] {Idle, Slot, Page, Owner, NextPage, Handback, Send, Wait, Abandon} state_e;
  state_e state_q, state_d, after_q, after_d;
  logic [SlotW-1:0]  slot_q, slot_d;
  logic [VpW-1:0]    page_q, page_d;
  logic [OwnerW:0]   owner_q, owner_d;   // one past the last owner: the write lock
  logic [TagW-1:0]   tag_q, tag_d;
  msg_header_t       header_q, header_d;
  logic              last_slot, last_page;
  logic [31:0]       errors_q;
  alloc_entry_t      alloc;
  // Only a page's residency and locks matter here.
  /* verilator lint_off UNUSEDSIGNAL */
  page_entry_t       page;
  /* verilator lint_on UNUSEDSIGNAL */

  assign alloc     = alloc_i[slot_q];
  assign page      = page_i[slot_q][page_q];
  assign last_slot = 32'(slot_q) == MaxAllocs - 1;
  assign last_page = 32'(page_q) == MaxPages - 1 || 32'(page_q) + 1 >= 32'(alloc.pages);

  function automatic msg_header_t resync_message(msg_type_e kind, logic [GuidW-1:0] guid, logic [15:0] vpage,
                                                 logic [OwnerW-1:0] who, logic [WordW-1:0] arg0,
                                                 logic [WordW-1:0] arg1);
    msg_header_t h;
    h = make_header(kind, tag_q, NodeId, 1'b0, guid, vpage, who, arg0, arg1);
    h.w0[16] = 1'b1;  // the resync flag
    return h;
  endfunction

  logic emit_start, emit_done, emit_busy, no_payload;
  mm_msg_emitter u_emitter (
    .clk_i          (clk_i),
    .rst_ni         (rst_ni),
    .abort_i        (1'b0),
    .start_i        (emit_start),
    .header_i       (header_q),
    .with_payload_i (1'b0),
    .busy_o         (emit_busy),
    .done_o         (emit_done),
    .pay_valid_i    (1'b0),
    .pay_ready_o    (no_payload),
    .pay_data_i     ('0),
    .pay_last_i     (1'b0),
    .out_valid_o    (out_valid_o),
    .out_ready_i    (out_ready_i),
    .out_data_o     (out_data_o),
    .out_last_o     (out_last_o)
  );

  always_comb begin
    state_d     = state_q;
    after_d     = after_q;
    slot_d      = slot_q;
    page_d      = page_q;
    owner_d     = owner_q;
    tag_d       = tag_q;
    header_d    = header_q;
    emit_start  = 1'b0;
    ans_ready_o = 1'b0;
    done_o      = 1'b0;

    unique case (state_q)
      Idle: begin
        slot_d = '0;
        if (start_i) state_d = Slot;
      end

      // Each allocation, then its resident pages.
      Slot: begin
        page_d = '0;
        if (alloc.valid) begin
          header_d = resync_message(MsgAllocMem, alloc.guid, '0, alloc.owner, 32'(alloc.pages),
                                    {16'd0, alloc.orig_slot, 4'd0, alloc.policy});
          after_d  = Page;
          state_d  = Send;
        end else if (last_slot) begin
          state_d = Handback;
        end else begin
          slot_d = slot_q + 1'b1;
        end
      end

      Page: begin
        owner_d = '0;
        if (32'(page_q) < 32'(alloc.pages) && page.resident) begin
          header_d = resync_message(MsgAllocRead, alloc.guid, 16'(page_q), '0, '0, 32'd1);
          after_d  = Owner;
          state_d  = Send;
        end else begin
          state_d = NextPage;
        end
      end

      // The page's locks, one owner at a time; the write lock last.
      Owner: begin
        owner_d = owner_q + 1'b1;
        if (owner_q[OwnerW]) begin
          if (page.write_locked) begin
            header_d = resync_message(MsgAllocWrite, alloc.guid, 16'(page_q), page.write_owner, '0, '0);
            after_d  = NextPage;
            state_d  = Send;
          end else begin
            state_d = NextPage;
          end
        end else if (page.read_owners[owner_q[OwnerW-1:0]]) begin
          header_d = resync_message(MsgAllocRead, alloc.guid, 16'(page_q), owner_q[OwnerW-1:0], '0, '0);
          after_d  = Owner;
          state_d  = Send;
        end
      end

      NextPage: begin
        if (last_page) begin
          slot_d  = slot_q + 1'b1;
          state_d = last_slot ? Handback : Slot;
        end else begin
          page_d  = page_q + 1'b1;
          state_d = Page;
        end
      end

      Handback: begin
        header_d = resync_message(MsgSenseReq, '0, '0, '0, 32'd4, 32'(counter_i));
        after_d  = Idle;
        state_d  = Send;
      end

      Send: begin
        emit_start = 1'b1;
        state_d    = Wait;
      end

      // Every message is answered by one complete (the handback too).
      Wait: begin
        ans_ready_o = 1'b1;
        if (ans_valid_i && header_tag(ans_header_i) == tag_q && !emit_busy) begin
          tag_d   = tag_q + 1'b1;
          state_d = after_q;
          if (after_q == Idle) done_o = 1'b1;
        end
      end

      // The link went down: let the message being sent finish into it (it drops it), then stop.
      Abandon: begin
        if (!emit_busy) state_d = Idle;
      end

      default: state_d = Idle;
    endcase
    if (!link_up_i && !(state_q inside {Idle, Abandon})) begin
      emit_start = 1'b0;
      done_o     = 1'b0;
      state_d    = Abandon;
    end
  end

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      state_q  <= Idle;
      after_q  <= Idle;
      slot_q   <= '0;
      page_q   <= '0;
      owner_q  <= '0;
      tag_q    <= '0;
      header_q <= '0;
      errors_q <= '0;
    end else begin
      state_q  <= state_d;
      after_q  <= after_d;
      slot_q   <= slot_d;
      page_q   <= page_d;
      owner_q  <= owner_d;
      tag_q    <= tag_d;
      header_q <= header_d;
      if (state_q == Wait && ans_valid_i && header_tag(ans_header_i) == tag_q &&
          !(header_type(ans_header_i) == AnsComplete && ans_header_i.arg1[7:0] == 8'(StOk))) begin
        errors_q <= errors_q + 1'b1;
      end
    end
  end

  assign busy_o        = state_q != Idle;
  assign stat_errors_o = errors_q;
  /* verilator lint_off UNUSEDSIGNAL */
  logic unused;
  assign unused = emit_done || no_payload;
  /* verilator lint_on UNUSEDSIGNAL */

`ifndef SYNTHESIS
  // Cover points: the failback's start, its rare contents, its end and its
  // abandonment (user coverage under --coverage; ignored otherwise).
  ResyncStart_C: cover property (@(posedge clk_i) rst_ni && state_q == Idle && start_i);
  ResyncWriteLock_C: cover property (@(posedge clk_i)
    rst_ni && state_q == Owner && owner_q[OwnerW] && page.write_locked);
  ResyncHandback_C: cover property (@(posedge clk_i) rst_ni && state_q == Handback);
  ResyncAbort_C: cover property (@(posedge clk_i)
    rst_ni && !link_up_i && !(state_q inside {Idle, Abandon}));
`endif
endmodule
