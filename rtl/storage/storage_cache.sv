// A node's storage cache (patent [0039], storage cache memory 250): Lines
// whole pages between the DMA engine (upstream page port, slave) and the
// shared disk (downstream page port, master).
//
// - Read hit: served from the line. Read miss: the line is filled from disk
//   and served while it fills (cut-through); then block+1 is read ahead in
//   the background. A hit on a line that was read ahead (its first use) reads
//   ahead again, so a sequential reader keeps hitting.
// - Write (DESTAGE): the page goes into a line marked dirty and is
//   acknowledged (wack) as soon as the line holds it. Dirty lines go to disk
//   later: before their line is evicted, on flush_i, or in the background once
//   the cache has been quiet (no transaction on either port) for IdleDelay
//   cycles (destage_en_i): lazily, so it never competes with page traffic.
// - A read of a block that is dirty here returns the cached (newest) data.
// - Replacement: an invalid line if any, else the least recently used one.
// - Blocks of the other node's allocations (top block bit != NodeId) are
//   written by that node, through its own cache: a clean line of one here
//   could go stale. They are never read ahead, and the line a read of one
//   filled is dropped once the read is served, so each such read goes to disk.
//   This node writes them only while it serves alone for the other (a
//   takeover); such a line is the newest copy while dirty and is dropped once
//   it is on disk, so after the handback the owner's writes are what it reads.
// - invalidate_i drops every line without writing back (a failed node's cache
//   is lost); it waits for the transactions in flight (docs/rtl-storage.md).
//
// The upstream side (serving the DMA engine) and the downstream side (disk
// transactions) are two FSMs that run concurrently on different lines; a line
// is never written by one side while the other uses it.
module storage_cache
  import storage_pkg::*;
#(
  parameter bit          PerNode   = 1'b0,  // blocks carry their node (the two-node system): see above
  parameter logic        NodeId    = 1'b0,
  parameter int unsigned Lines     = 4,
  parameter int unsigned PageWords = 16,
  parameter int unsigned Blocks    = 256,
  parameter int unsigned IdleDelay = 16
) (
  input  logic              clk_i,
  input  logic              rst_ni,
  input  logic              flush_i,         // pulse: write every dirty line back
  input  logic              invalidate_i,    // pulse: drop every line, no write-back
  input  logic              destage_en_i,    // background destage of dirty lines
  output logic              clean_o,         // no dirty line
  output logic              invalidating_o,  // an invalidate waits for transactions in flight

  // upstream page port (slave), from the DMA engine
  input  logic              up_req_valid_i,
  output logic              up_req_ready_o,
  input  logic              up_req_write_i,
  input  logic [BlockW-1:0] up_req_block_i,
  input  logic              up_wr_valid_i,
  output logic              up_wr_ready_o,
  input  logic [WordW-1:0]  up_wr_data_i,
  output logic              up_rd_valid_o,
  input  logic              up_rd_ready_i,
  output logic [WordW-1:0]  up_rd_data_o,
  output logic              up_wack_o,
  input  logic              up_abort_i,

  // downstream page port (master), to the disk
  output logic              dn_req_valid_o,
  input  logic              dn_req_ready_i,
  output logic              dn_req_write_o,
  output logic [BlockW-1:0] dn_req_block_o,
  output logic              dn_wr_valid_o,
  input  logic              dn_wr_ready_i,
  output logic [WordW-1:0]  dn_wr_data_o,
  input  logic              dn_rd_valid_i,
  output logic              dn_rd_ready_o,
  input  logic [WordW-1:0]  dn_rd_data_i,
  input  logic              dn_wack_i,
  output logic              dn_abort_o,

  // statistics (wrap around)
  output logic [31:0]       stat_hits_o,       // upstream reads served by a line (incl. one still filling by read-ahead)
  output logic [31:0]       stat_misses_o,     // upstream reads that needed a demand fill
  output logic [31:0]       stat_readahead_o,  // read-ahead fills completed
  output logic [31:0]       stat_destaged_o    // dirty lines written to disk (background, eviction, flush)
);
  localparam int unsigned LineW = $clog2(Lines);
  localparam int unsigned CntW  = $clog2(PageWords + 1);
  localparam int unsigned DataW = $clog2(Lines * PageWords);
  localparam int unsigned IdleW = $clog2(IdleDelay + 1);

  typedef enum logic [1:0] {
    UpIdle,    // waiting for a request
    UpLookup,  // request held: hit check, victim choice, waiting for the downstream side
    UpRead,    // streaming a line out (gated by the fill if it is still filling)
    UpWrite    // taking a page into a line
  } up_state_e;

  typedef enum logic [2:0] {
    DnIdle,    // choosing the next disk transaction
    DnReq,     // request on the disk port
    DnWrite,   // write-back: line -> disk
    DnWack,    // write-back: waiting for the disk's acknowledge
    DnRead     // fill: disk -> line
  } dn_state_e;

  // ---------------------------------------------------------------------------
  // State
  // ---------------------------------------------------------------------------
  logic [Lines-1:0]             valid_q, valid_d;
  logic [Lines-1:0]             dirty_q, dirty_d;
  logic [Lines-1:0]             ra_q, ra_d;        // read ahead and not used yet
  logic [Lines-1:0][BlockW-1:0] tag_q, tag_d;
  logic [Lines-1:0][LineW-1:0]  rank_q, rank_d;    // LRU rank, 0 = most recently used
  logic [WordW-1:0]             data_q [Lines * PageWords];

  up_state_e         up_state_q, up_state_d;
  logic              up_write_q, up_write_d;
  logic [BlockW-1:0] up_blk_q, up_blk_d;
  logic [LineW-1:0]  up_line_q, up_line_d;
  logic [CntW-1:0]   up_idx_q, up_idx_d;
  logic              up_wack_q, up_wack_d;

  dn_state_e         dn_state_q, dn_state_d;
  logic              dn_wb_q, dn_wb_d;            // the job is a write-back (else a fill)
  logic              dn_ra_q, dn_ra_d;            // the fill is a read-ahead
  logic [LineW-1:0]  dn_line_q, dn_line_d;
  logic [BlockW-1:0] dn_blk_q, dn_blk_d;
  logic [CntW-1:0]   dn_idx_q, dn_idx_d;

  logic              ra_pend_q, ra_pend_d;        // a read-ahead is wanted
  logic [BlockW-1:0] ra_blk_q, ra_blk_d;
  logic              flush_q, flush_d;
  logic              inv_q, inv_d;
  logic [IdleW-1:0]  idle_q, idle_d;              // quiet cycles, both ports (saturating)
  logic [31:0]       hits_q, hits_d, misses_q, misses_d, ra_cnt_q, ra_cnt_d, destaged_q, destaged_d;

  // ---------------------------------------------------------------------------
  // Line selection
  // ---------------------------------------------------------------------------
  // {found, line}: among `mask`, an invalid line first, else the highest LRU
  // rank (least recently used).
  // Block numbers are {node, slot, page} in the low $clog2(Blocks) bits of BlockW.
  localparam int unsigned NodeBit = (Blocks > 1) ? $clog2(Blocks) - 1 : 0;
  function automatic logic foreign(logic [BlockW-1:0] block);
    return PerNode && block[NodeBit] != NodeId;
  endfunction

  function automatic logic [LineW:0] pick_victim(logic [Lines-1:0] mask, logic [Lines-1:0] valid,
                                                 logic [Lines-1:0][LineW-1:0] rank);
    logic             found = 1'b0;
    logic             found_invalid = 1'b0;
    logic [LineW-1:0] line = '0;
    for (int unsigned i = 0; i < Lines; i++) begin
      if (mask[i] && !found_invalid) begin
        if (!valid[i]) begin
          found_invalid = 1'b1;
          found = 1'b1;
          line = LineW'(i);
        end else if (!found || rank[i] > rank[line]) begin
          found = 1'b1;
          line = LineW'(i);
        end
      end
    end
    return {found, line};
  endfunction

  // Makes `line` the most recently used; the lines that were more recent
  // than it age by one. Keeps the ranks a permutation.
  function automatic logic [Lines-1:0][LineW-1:0] touch(logic [Lines-1:0][LineW-1:0] rank,
                                                        logic [LineW-1:0] line);
    logic [Lines-1:0][LineW-1:0] result = rank;
    for (int unsigned i = 0; i < Lines; i++) begin
      if (rank[i] < rank[line]) result[i] = rank[i] + 1'b1;
    end
    result[line] = '0;
    return result;
  endfunction

  function automatic logic [DataW-1:0] word_addr(logic [LineW-1:0] line, logic [CntW-1:0] idx);
    return DataW'(32'(line) * PageWords + 32'(idx));
  endfunction

  logic [Lines-1:0] dn_busy;    // the downstream side owns the line
  logic [Lines-1:0] up_busy;    // the upstream side streams the line in or out
  logic [Lines-1:0] up_wbusy;   // the upstream side writes the line
  logic [Lines-1:0] hit_vec, ra_hit_vec;
  logic             hit;
  logic [LineW-1:0] hit_line;
  logic             victim_found, ra_victim_found, wb_found;
  logic [LineW-1:0] victim, ra_victim, wb_line;
  logic             filling;    // the line up_line_q is still being filled
  logic             inv_req, inv_apply;

  always_comb begin
    dn_busy  = '0;
    up_busy  = '0;
    up_wbusy = '0;
    if (dn_state_q != DnIdle) dn_busy[dn_line_q] = 1'b1;
    if (up_state_q inside {UpRead, UpWrite}) up_busy[up_line_q] = 1'b1;
    if (up_state_q == UpWrite) up_wbusy[up_line_q] = 1'b1;

    hit      = 1'b0;
    hit_line = '0;
    for (int unsigned i = 0; i < Lines; i++) begin
      hit_vec[i]    = valid_q[i] && (tag_q[i] == up_blk_q);
      ra_hit_vec[i] = valid_q[i] && (tag_q[i] == ra_blk_q);
      if (hit_vec[i]) begin
        hit      = 1'b1;
        hit_line = LineW'(i);
      end
    end
  end

  // Demand victim: any line the downstream side is not using.
  assign {victim_found, victim} = pick_victim(~dn_busy, valid_q, rank_q);
  // Read-ahead victim: never a dirty line (a speculative read is not worth a
  // write-back) and never one in use.
  assign {ra_victim_found, ra_victim} = pick_victim(~(dirty_q | up_busy | dn_busy), valid_q, rank_q);
  // Write-back candidate: the least recently used dirty line not being written.
  assign {wb_found, wb_line} = pick_victim(dirty_q & valid_q & ~up_wbusy & ~dn_busy, valid_q, rank_q);

  assign filling = !dn_wb_q && (dn_state_q inside {DnReq, DnRead}) && (dn_line_q == up_line_q);
  assign inv_req = inv_q || invalidate_i;

  // ---------------------------------------------------------------------------
  // Upstream FSM: serves the DMA engine
  // ---------------------------------------------------------------------------
  logic             up_fill_req, up_wb_req;      // asks the downstream side (line: victim)
  logic             dn_take_fill;                // the downstream side starts that fill now
  logic             ev_rd_hit, ev_claim, ev_wr_done, ev_wr_abort;
  logic             ev_rd_drop;  // a read of a foreign block is served: drop its line
  logic [LineW-1:0] claim_line;
  logic             up_rd_beat, up_wr_beat;

  assign up_rd_beat = up_rd_valid_o && up_rd_ready_i;
  assign up_wr_beat = up_wr_valid_i && up_wr_ready_o;

  always_comb begin
    up_state_d  = up_state_q;
    up_write_d  = up_write_q;
    up_blk_d    = up_blk_q;
    up_line_d   = up_line_q;
    up_idx_d    = up_idx_q;
    up_wack_d   = 1'b0;

    up_req_ready_o = (up_state_q == UpIdle) && !inv_req && !up_abort_i;
    up_rd_valid_o  = 1'b0;
    up_wr_ready_o  = 1'b0;
    up_fill_req    = 1'b0;
    up_wb_req      = 1'b0;
    ev_rd_hit      = 1'b0;
    ev_rd_drop     = 1'b0;
    ev_claim       = 1'b0;
    ev_wr_done     = 1'b0;
    ev_wr_abort    = 1'b0;
    claim_line     = victim;

    unique case (up_state_q)
      UpIdle: begin
        if (up_req_valid_i && up_req_ready_o) begin
          up_write_d = up_req_write_i;
          up_blk_d   = up_req_block_i;
          up_state_d = UpLookup;
        end
      end
      UpLookup: begin
        up_idx_d = '0;
        if (hit) begin
          if (!up_write_q) begin
            ev_rd_hit  = 1'b1;
            up_line_d  = hit_line;
            up_state_d = UpRead;
          end else if (!dn_busy[hit_line]) begin
            // Overwrite in place, once the downstream side is done with it.
            ev_claim   = 1'b1;
            claim_line = hit_line;
            up_line_d  = hit_line;
            up_state_d = UpWrite;
          end
        end else if (victim_found) begin
          if (valid_q[victim] && dirty_q[victim]) begin
            up_wb_req = 1'b1;  // evict: write it back first, then look again
          end else if (!up_write_q) begin
            up_fill_req = 1'b1;
            if (dn_take_fill) begin
              up_line_d  = victim;
              up_state_d = UpRead;
            end
          end else begin
            ev_claim   = 1'b1;
            up_line_d  = victim;
            up_state_d = UpWrite;
          end
        end
      end
      UpRead: begin
        up_rd_valid_o = !filling || (dn_state_q == DnRead && up_idx_q < dn_idx_q);
        if (up_rd_beat) begin
          up_idx_d = up_idx_q + 1'b1;
          if (32'(up_idx_q) == PageWords - 1) begin
            up_state_d = UpIdle;
            ev_rd_drop = foreign(up_blk_q) && !dirty_q[up_line_q];  // a dirty line is the newest copy
          end
        end
      end
      UpWrite: begin
        up_wr_ready_o = 1'b1;
        if (up_wr_beat) begin
          up_idx_d = up_idx_q + 1'b1;
          if (32'(up_idx_q) == PageWords - 1) begin
            ev_wr_done = 1'b1;
            up_wack_d  = 1'b1;
            up_state_d = UpIdle;
          end
        end
      end
      default: up_state_d = UpIdle;
    endcase

    // The DMA engine was aborted: let go of its transaction. A line that was
    // half overwritten holds neither the old nor the new page: drop it.
    if (up_abort_i) begin
      up_rd_valid_o = 1'b0;
      up_wr_ready_o = 1'b0;
      up_fill_req   = 1'b0;
      up_wb_req     = 1'b0;
      ev_rd_hit     = 1'b0;
      ev_rd_drop    = 1'b0;
      ev_claim      = 1'b0;
      ev_wr_done    = 1'b0;
      up_wack_d     = 1'b0;
      ev_wr_abort   = (up_state_q == UpWrite);
      up_state_d    = UpIdle;
    end
  end

  // ---------------------------------------------------------------------------
  // Downstream FSM: disk transactions
  // ---------------------------------------------------------------------------
  logic              dn_start;
  logic              ev_fill;                    // a fill starts: the line now holds dn_blk_d
  logic              ev_wb_done;
  logic              dn_rd_beat, dn_wr_beat;
  logic              ra_in_range;

  assign dn_rd_beat = dn_rd_valid_i && dn_rd_ready_o;
  assign dn_wr_beat = dn_wr_valid_o && dn_wr_ready_i;
  assign ra_in_range = (32'(up_blk_q) + 1) < Blocks;

  always_comb begin
    dn_state_d = dn_state_q;
    dn_wb_d    = dn_wb_q;
    dn_ra_d    = dn_ra_q;
    dn_line_d  = dn_line_q;
    dn_blk_d   = dn_blk_q;
    dn_idx_d   = dn_idx_q;
    ra_pend_d  = ra_pend_q;
    ra_blk_d   = ra_blk_q;
    hits_d     = hits_q;
    misses_d   = misses_q;
    ra_cnt_d   = ra_cnt_q;
    destaged_d = destaged_q;

    dn_start     = 1'b0;
    dn_take_fill = 1'b0;
    ev_fill      = 1'b0;
    ev_wb_done   = 1'b0;

    dn_req_valid_o = (dn_state_q == DnReq);
    dn_req_write_o = dn_wb_q;
    dn_req_block_o = dn_blk_q;
    dn_wr_valid_o  = (dn_state_q == DnWrite);
    dn_rd_ready_o  = (dn_state_q == DnRead);

    unique case (dn_state_q)
      DnIdle: begin
        // Demand work first (eviction, then a miss); the rest only when the
        // upstream side is not choosing a line this very cycle, so the two
        // sides never pick the same line.
        if (up_wb_req) begin
          dn_start  = 1'b1;
          dn_wb_d   = 1'b1;
          dn_line_d = victim;
          dn_blk_d  = tag_q[victim];
        end else if (up_fill_req) begin
          dn_start     = 1'b1;
          dn_take_fill = 1'b1;
          ev_fill      = 1'b1;
          dn_wb_d      = 1'b0;
          dn_ra_d      = 1'b0;
          dn_line_d    = victim;
          dn_blk_d     = up_blk_q;
          misses_d     = misses_q + 1;
          if (ra_in_range) begin
            ra_pend_d = 1'b1;
            ra_blk_d  = up_blk_q + 1'b1;
          end
        end else if (!inv_req && up_state_q != UpLookup) begin
          if (flush_q && wb_found) begin
            dn_start  = 1'b1;
            dn_wb_d   = 1'b1;
            dn_line_d = wb_line;
            dn_blk_d  = tag_q[wb_line];
          end else if (ra_pend_q) begin
            ra_pend_d = 1'b0;
            if (!(|ra_hit_vec) && ra_victim_found && !foreign(ra_blk_q)) begin
              dn_start  = 1'b1;
              ev_fill   = 1'b1;
              dn_wb_d   = 1'b0;
              dn_ra_d   = 1'b1;
              dn_line_d = ra_victim;
              dn_blk_d  = ra_blk_q;
            end
          end else if (destage_en_i && 32'(idle_q) >= IdleDelay && wb_found) begin
            dn_start  = 1'b1;
            dn_wb_d   = 1'b1;
            dn_line_d = wb_line;
            dn_blk_d  = tag_q[wb_line];
          end
        end
        if (dn_start) begin
          dn_idx_d   = '0;
          dn_state_d = DnReq;
        end
      end
      DnReq: if (dn_req_ready_i) dn_state_d = dn_wb_q ? DnWrite : DnRead;
      DnWrite: begin
        if (dn_wr_beat) begin
          dn_idx_d = dn_idx_q + 1'b1;
          if (32'(dn_idx_q) == PageWords - 1) dn_state_d = DnWack;
        end
      end
      DnWack: begin
        if (dn_wack_i) begin
          ev_wb_done = 1'b1;
          destaged_d = destaged_q + 1;
          dn_state_d = DnIdle;
        end
      end
      DnRead: begin
        if (dn_rd_beat) begin
          dn_idx_d = dn_idx_q + 1'b1;
          if (32'(dn_idx_q) == PageWords - 1) begin
            if (dn_ra_q) ra_cnt_d = ra_cnt_q + 1;
            dn_state_d = DnIdle;
          end
        end
      end
      default: dn_state_d = DnIdle;
    endcase

    // A hit on a line brought in by read-ahead: the reader is sequential,
    // keep one page ahead of it.
    if (ev_rd_hit) begin
      hits_d = hits_q + 1;
      if (ra_q[hit_line] && ra_in_range) begin
        ra_pend_d = 1'b1;
        ra_blk_d  = up_blk_q + 1'b1;
      end
    end
  end

  assign dn_wr_data_o = data_q[word_addr(dn_line_q, dn_idx_q)];
  assign dn_abort_o   = 1'b0;  // a started disk transaction is always finished
  assign up_rd_data_o = data_q[word_addr(up_line_q, up_idx_q)];

  // ---------------------------------------------------------------------------
  // Line state, flush, invalidate, idle time
  // ---------------------------------------------------------------------------
  // An invalidate waits until neither side has a transaction in flight (the
  // upstream one ends normally or by up_abort_i; nothing new starts).
  assign inv_apply = inv_req && (up_state_q == UpIdle) && (dn_state_q == DnIdle);

  always_comb begin
    valid_d = valid_q;
    dirty_d = dirty_q;
    ra_d    = ra_q;
    tag_d   = tag_q;
    rank_d  = rank_q;

    if (ev_fill) begin
      valid_d[dn_line_d] = 1'b1;
      dirty_d[dn_line_d] = 1'b0;
      ra_d[dn_line_d]    = dn_ra_d;
      tag_d[dn_line_d]   = dn_blk_d;
      rank_d             = touch(rank_d, dn_line_d);
    end
    if (ev_claim) begin
      valid_d[claim_line] = 1'b1;
      ra_d[claim_line]    = 1'b0;
      tag_d[claim_line]   = up_blk_q;
      rank_d              = touch(rank_d, claim_line);
    end
    if (ev_wr_done) dirty_d[up_line_q] = 1'b1;
    if (ev_wr_abort) begin
      valid_d[up_line_q] = 1'b0;
      dirty_d[up_line_q] = 1'b0;
    end
    if (ev_rd_hit) begin
      ra_d[hit_line] = 1'b0;
      rank_d         = touch(rank_d, hit_line);
    end
    if (ev_wb_done) begin
      dirty_d[dn_line_q] = 1'b0;
      if (foreign(tag_q[dn_line_q])) valid_d[dn_line_q] = 1'b0;
    end
    if (ev_rd_drop) valid_d[up_line_q] = 1'b0;
    if (inv_apply) begin
      valid_d = '0;
      dirty_d = '0;
      ra_d    = '0;
    end
  end

  assign flush_d = (flush_q || flush_i) && (|dirty_d) && !inv_apply;
  assign inv_d   = inv_req && !inv_apply;
  // Any transaction, upstream or downstream, restarts the quiet time.
  assign idle_d  = (dn_state_q != DnIdle || dn_start || up_state_q != UpIdle || up_req_valid_i) ? '0 :
                   (32'(idle_q) >= IdleDelay) ? idle_q : idle_q + 1'b1;

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      valid_q    <= '0;
      dirty_q    <= '0;
      ra_q       <= '0;
      tag_q      <= '0;
      for (int unsigned i = 0; i < Lines; i++) rank_q[i] <= LineW'(i);
      up_state_q <= UpIdle;
      up_write_q <= 1'b0;
      up_blk_q   <= '0;
      up_line_q  <= '0;
      up_idx_q   <= '0;
      up_wack_q  <= 1'b0;
      dn_state_q <= DnIdle;
      dn_wb_q    <= 1'b0;
      dn_ra_q    <= 1'b0;
      dn_line_q  <= '0;
      dn_blk_q   <= '0;
      dn_idx_q   <= '0;
      ra_pend_q  <= 1'b0;
      ra_blk_q   <= '0;
      flush_q    <= 1'b0;
      inv_q      <= 1'b0;
      idle_q     <= '0;
      hits_q     <= '0;
      misses_q   <= '0;
      ra_cnt_q   <= '0;
      destaged_q <= '0;
    end else begin
      valid_q    <= valid_d;
      dirty_q    <= dirty_d;
      ra_q       <= ra_d;
      tag_q      <= tag_d;
      rank_q     <= rank_d;
      up_state_q <= up_state_d;
      up_write_q <= up_write_d;
      up_blk_q   <= up_blk_d;
      up_line_q  <= up_line_d;
      up_idx_q   <= up_idx_d;
      up_wack_q  <= up_wack_d;
      dn_state_q <= dn_state_d;
      dn_wb_q    <= dn_wb_d;
      dn_ra_q    <= dn_ra_d;
      dn_line_q  <= dn_line_d;
      dn_blk_q   <= dn_blk_d;
      dn_idx_q   <= dn_idx_d;
      ra_pend_q  <= inv_apply ? 1'b0 : ra_pend_d;
      ra_blk_q   <= ra_blk_d;
      flush_q    <= flush_d;
      inv_q      <= inv_d;
      idle_q     <= idle_d;
      hits_q     <= hits_d;
      misses_q   <= misses_d;
      ra_cnt_q   <= ra_cnt_d;
      destaged_q <= destaged_d;
`ifndef SYNTHESIS
      assert (Lines >= 2 && (Lines & (Lines - 1)) == 0)
        else $error("storage_cache: Lines (%0d) must be a power of two >= 2", Lines);
      assert (PageWords >= 2 && (PageWords & (PageWords - 1)) == 0)
        else $error("storage_cache: PageWords (%0d) must be a power of two >= 2", PageWords);
      assert ((dirty_q & ~valid_q) == '0) else $error("storage_cache: dirty line %b not valid", dirty_q & ~valid_q);
      for (int unsigned i = 0; i < Lines; i++) begin
        for (int unsigned j = i + 1; j < Lines; j++) begin
          assert (!(valid_q[i] && valid_q[j] && tag_q[i] == tag_q[j]))
            else $error("storage_cache: block %0d held by lines %0d and %0d", tag_q[i], i, j);
          assert (rank_q[i] != rank_q[j]) else $error("storage_cache: LRU ranks %0d and %0d collide", i, j);
        end
      end
      assert (!(up_wr_beat && dn_rd_beat && up_line_q == dn_line_q))
        else $error("storage_cache: both sides write line %0d", up_line_q);
      assert (!(up_state_q == UpWrite && dn_busy[up_line_q]))
        else $error("storage_cache: upstream writes line %0d the disk side uses", up_line_q);
      assert (!(dn_wack_i && dn_state_q != DnWack)) else $error("storage_cache: unexpected write acknowledge");
`endif
    end
  end

  // Line data: no reset (an SRAM). The two sides never write the same line.
  always_ff @(posedge clk_i) begin
    if (up_wr_beat) data_q[word_addr(up_line_q, up_idx_q)] <= up_wr_data_i;
    if (dn_rd_beat) data_q[word_addr(dn_line_q, dn_idx_q)] <= dn_rd_data_i;
  end

  assign clean_o          = !(|dirty_q);
  assign invalidating_o   = inv_q;
  assign up_wack_o        = up_wack_q;
  assign stat_hits_o      = hits_q;
  assign stat_misses_o    = misses_q;
  assign stat_readahead_o = ra_cnt_q;
  assign stat_destaged_o  = destaged_q;

endmodule
