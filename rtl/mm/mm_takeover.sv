// Failover (patent [0030]-[0031]): when this node loses sight of its partner
// (the link went down: the partner failed, or the link was cut), it races
// for the shared storage's reservation.
// - Won: it takes the partner's allocations over. Its tables already mirror
//   them; the partner's own record in shared storage says which of them the
//   partner had completed — one missing there was still being allocated when
//   the partner went down and is dropped (its frames freed), so nothing
//   half-applied remains. The partner's processes held pointers into the
//   partner's memory, which is gone: their locks are dropped (their
//   unreleased writes were never acknowledged). Every kept page is queued for
//   destage, since the partner's own destage of it may have died in its
//   cache. The partner's GUID counter comes back from its record. Then the
//   node serves both nodes' allocations alone (`solo_o`).
// - Lost (both alive, link cut: split brain): it stops serving (`fenced_o`):
//   it behaves as a failed node, so the winner alone changes the allocations.
// A node that comes back after a failure (`fail_i` falls), or a fenced one
// (after its memory was wiped), holds its processes off (`returned_o`) until
// the survivor has rebuilt its tables and handed its allocations back
// (`handback_i`, mm_resync on the survivor); the survivor then serves only its
// own again and gives the reservation back.
module mm_takeover
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
  input  logic             fail_i,
  input  logic             link_up_i,
  input  logic             quiet_i,          // originator and partner side idle
  input  alloc_entry_t     alloc_i [MaxAllocs],
  input  page_entry_t      page_i  [MaxAllocs][MaxPages],
  // shared storage: reservation and the partner's record
  output logic             claim_o,
  output logic             release_o,        // pulse: the partner has taken its allocations back
  input  logic             held_i,
  input  logic             holder_i,
  output logic [SlotW-1:0] rec_slot_o,
  input  logic [16:0]      rec_entry_i,      // {valid, GUID}
  input  logic [14:0]      rec_counter_i,
  // table changes while taking over (the other writers are idle then)
  output alloc_write_t     alloc_wr_o,
  output page_write_t      page_wr_o,
  output logic             frame_free_o,
  output logic [FrameW-1:0] frame_free_idx_o,
  output logic             destage_push_o,
  output logic [15:0]      destage_frame_o,
  output logic [15:0]      destage_block_o,
  input  logic             destage_full_i,
  output logic             counter_load_o,   // the partner's GUID counter, for its processes here
  output logic [14:0]      counter_o,
  // failback
  input  logic             resync_done_i,    // serving alone: the partner took its allocations back
  input  logic             handback_i,       // returned: the partner handed this node's allocations back
  output logic             busy_o,           // taking over: no new requests
  output logic             solo_o,           // serving both nodes' allocations alone
  output logic             fenced_o,         // lost the race: not serving until handed back
  output logic             wipe_o,           // lost the race just now: drop everything, as a failure does
  output logic             returned_o,       // back from a failure, not yet resynchronized
  output logic [31:0]      stat_takeovers_o
);
  typedef enum logic [2:0] {Watch, Claim, Scan, Load, Solo, Fenced, Returned} state_e;
  logic lost_q, lost_d;  // lost the race: fenced until handed back
  state_e state_q, state_d;
  logic             was_up_q, was_up_d;
  logic             failed_q;
  logic             rejoined_q;   // returned, and the link came up since: a resync may be arriving
  logic [SlotW-1:0] slot_q, slot_d;
  logic [VpW-1:0]   page_q, page_d;
  logic [31:0]      takeovers_q;

  localparam logic [Owners-1:0] OwnMask = NodeId ? {8'hff, 8'h00} : {8'h00, 8'hff};

  // The allocation's pages and policy do not matter to a takeover.
  /* verilator lint_off UNUSEDSIGNAL */
  alloc_entry_t alloc;
  /* verilator lint_on UNUSEDSIGNAL */
  page_entry_t  page, kept;
  logic         theirs, keep;
  assign alloc      = alloc_i[slot_q];
  assign page       = page_i[slot_q][page_q];
  assign theirs     = alloc.valid && alloc.guid[GuidW-1] != NodeId;
  assign rec_slot_o = alloc.orig_slot[SlotW-1:0];
  assign keep       = rec_entry_i[16] && rec_entry_i[15:0] == alloc.guid;

  // The page with the partner's processes' locks dropped.
  always_comb begin
    kept = page;
    kept.read_owners = page.read_owners & OwnMask;
    kept.read_count  = 8'($countones(kept.read_owners));
    if (page.write_locked && page.write_owner[OwnerW-1] != NodeId) begin
      kept.write_locked = 1'b0;
      kept.write_owner  = '0;
    end
  end

  logic advance;  // Scan: done with this page entry
  always_comb begin
    advance          = 1'b0;
    state_d          = state_q;
    was_up_d         = was_up_q || link_up_i;
    slot_d           = slot_q;
    page_d           = page_q;
    claim_o          = 1'b0;
    alloc_wr_o       = '0;
    page_wr_o        = '0;
    frame_free_o     = 1'b0;
    frame_free_idx_o = FrameW'(page.frame);
    destage_push_o   = 1'b0;
    destage_frame_o  = page.frame;
    destage_block_o  = 16'({alloc.guid[GuidW-1], alloc.orig_slot[SlotW-1:0], page_q});
    counter_load_o   = 1'b0;
    counter_o        = rec_counter_i;
    release_o        = 1'b0;
    lost_d           = lost_q;

    unique case (state_q)
      Watch: begin
        if (was_up_q && !link_up_i) state_d = Claim;
      end

      Claim: begin
        claim_o = 1'b1;
        if (held_i && quiet_i) begin
          slot_d  = '0;
          page_d  = '0;
          state_d = (holder_i == NodeId) ? Scan : Fenced;
        end else if (held_i && holder_i != NodeId) begin
          state_d = Fenced;
        end
      end

      // One page entry per cycle over the whole table.
      Scan: begin
        advance = 1'b1;
        if (theirs && 32'(page_q) < 32'(alloc.pages) && page.resident) begin
          if (keep) begin
            if (destage_full_i) begin
              advance = 1'b0;
            end else begin
              page_wr_o.valid = 1'b1;
              page_wr_o.slot  = 8'(slot_q);
              page_wr_o.page  = 8'(page_q);
              page_wr_o.entry = kept;
              destage_push_o  = 1'b1;
            end
          end else begin
            page_wr_o.valid = 1'b1;
            page_wr_o.slot  = 8'(slot_q);
            page_wr_o.page  = 8'(page_q);
            page_wr_o.entry = '0;
            frame_free_o    = 1'b1;
          end
        end
        if (advance) begin
          page_d = page_q + 1'b1;
          if (32'(page_q) == MaxPages - 1) begin
            if (theirs && !keep) begin
              alloc_wr_o.valid = 1'b1;
              alloc_wr_o.slot  = 8'(slot_q);
              alloc_wr_o.entry = '0;
            end
            page_d = '0;
            slot_d = slot_q + 1'b1;
            if (32'(slot_q) == MaxAllocs - 1) state_d = Load;
          end
        end
      end

      Load: begin
        counter_load_o = 1'b1;
        state_d        = Solo;
      end

      Solo: begin
        if (resync_done_i) begin
          release_o = 1'b1;
          state_d   = Watch;
        end
      end

      // Wiped (this state is `down`), then back as a returned node.
      Fenced: begin
        lost_d  = 1'b1;
        state_d = Returned;
      end

      Returned: begin
        if (handback_i) begin
          lost_d   = 1'b0;
          was_up_d = 1'b1;
          state_d  = Watch;
        end else if (rejoined_q && !link_up_i) begin
          // The link went down part-way through the resync: what arrived of
          // it is dropped (wiped, as a fence does) and the next one starts afresh.
          state_d = Fenced;
        end
      end

      default: state_d = Watch;
    endcase

    if (fail_i) begin
      state_d  = Watch;
      was_up_d = 1'b0;
    end else if (failed_q) begin
      state_d = Returned;
      lost_d  = 1'b0;
    end
  end

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      state_q     <= Watch;
      was_up_q    <= 1'b0;
      failed_q    <= 1'b0;
      slot_q      <= '0;
      page_q      <= '0;
      takeovers_q <= '0;
      lost_q      <= 1'b0;
      rejoined_q  <= 1'b0;
    end else begin
      rejoined_q <= state_d == Returned && (rejoined_q || (state_q == Returned && link_up_i));
      lost_q   <= lost_d;
      state_q  <= state_d;
      was_up_q <= was_up_d;
      failed_q <= fail_i;
      slot_q   <= slot_d;
      page_q   <= page_d;
      if (state_q == Load) takeovers_q <= takeovers_q + 1'b1;
    end
  end

  assign busy_o           = state_q inside {Claim, Scan, Load};
  assign solo_o           = state_q == Solo;
  assign fenced_o         = state_q == Fenced || lost_q;
  assign wipe_o           = state_q == Fenced;
  assign returned_o       = state_q == Returned;
  assign stat_takeovers_o = takeovers_q;

`ifndef SYNTHESIS
  // Cover points: the failover paths a regression must reach. Counted as user
  // coverage by a model built with --coverage; other builds ignore them.
  // The reservation race won (the survivor takes over) and lost (split brain: fenced).
  TakeoverWon_C: cover property (@(posedge clk_i)
    rst_ni && state_q == Claim && held_i && quiet_i && holder_i == NodeId);
  TakeoverLost_C: cover property (@(posedge clk_i)
    rst_ni && state_q == Claim && held_i && holder_i != NodeId);
  TakeoverDone_C: cover property (@(posedge clk_i) rst_ni && state_q == Load);
  // An allocation the partner had not completed is dropped, not kept.
  TakeoverDropsAlloc_C: cover property (@(posedge clk_i)
    rst_ni && state_q == Scan && advance && 32'(page_q) == MaxPages - 1 && theirs && !keep);
  // The scan waits for room in a full destage queue.
  TakeoverDestageFull_C: cover property (@(posedge clk_i) rst_ni && state_q == Scan && !advance);
  // The survivor itself fails while it serves alone.
  FailWhileSolo_C: cover property (@(posedge clk_i) rst_ni && state_q == Solo && fail_i);
  // Returned: handed back, or the link dropped part-way through the resync.
  HandedBack_C: cover property (@(posedge clk_i) rst_ni && state_q == Returned && handback_i);
  ResyncCutOnReturn_C: cover property (@(posedge clk_i)
    rst_ni && state_q == Returned && !handback_i && rejoined_q && !link_up_i && !fail_i);
`endif
endmodule
