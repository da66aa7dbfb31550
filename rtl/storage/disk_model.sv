// Shared disk: the persistent storage both nodes reach (patent Fig. 2, disk
// memory 262). Two identical page ports (p0 for node A, p1 for node B); one
// transaction at a time, round-robin between the ports when both request, as
// a single spindle would serve them.
//
// The array `blocks_q` is deliberately a plain unpacked array of words: the
// testbench preloads and checks it through the bridge's backdoor access
// (block b word w is blocks_q[b*PageWords + w]). It is not reset: a disk keeps
// its contents across a controller reset; only wipe_i clears it.
//
// Write words go into `blocks_q` as they arrive (a whole-page buffer with a
// one-cycle commit is not possible: Verilator 5.006 cannot unroll a loop of
// PageWords = 1024 non-blocking array writes, BLKLOOPINIT). So an aborted
// write leaves a torn page, as a controller dying mid-transfer would; wack
// says the whole page is durable.
module disk_model
  import storage_pkg::*;
#(
  parameter int unsigned Blocks    = 256,
  parameter int unsigned PageWords = 16,
  // Cycles from a request's acceptance to the first read word, and to the
  // earliest write commit.
  parameter int unsigned Latency   = 20
) (
  input  logic              clk_i,
  input  logic              rst_ni,
  input  logic              wipe_i,      // pulse: clear every block (after the transaction in flight)
  output logic              wiping_o,    // a wipe is pending or running (one word per cycle); no request is accepted

  // page port 0 (slave)
  input  logic              p0_req_valid_i,
  output logic              p0_req_ready_o,
  input  logic              p0_req_write_i,
  input  logic [BlockW-1:0] p0_req_block_i,
  input  logic              p0_wr_valid_i,
  output logic              p0_wr_ready_o,
  input  logic [WordW-1:0]  p0_wr_data_i,
  output logic              p0_rd_valid_o,
  input  logic              p0_rd_ready_i,
  output logic [WordW-1:0]  p0_rd_data_o,
  output logic              p0_wack_o,
  input  logic              p0_abort_i,

  // page port 1 (slave)
  input  logic              p1_req_valid_i,
  output logic              p1_req_ready_o,
  input  logic              p1_req_write_i,
  input  logic [BlockW-1:0] p1_req_block_i,
  input  logic              p1_wr_valid_i,
  output logic              p1_wr_ready_o,
  input  logic [WordW-1:0]  p1_wr_data_i,
  output logic              p1_rd_valid_o,
  input  logic              p1_rd_ready_i,
  output logic [WordW-1:0]  p1_rd_data_o,
  output logic              p1_wack_o,
  input  logic              p1_abort_i
);
  localparam int unsigned Words    = Blocks * PageWords;
  localparam int unsigned AddrW    = $clog2(Words);
  localparam int unsigned CntW     = $clog2(PageWords + 1);
  localparam int unsigned LatW     = $clog2(Latency + 1);

  typedef enum logic [1:0] {
    DkIdle,   // waiting for a request
    DkRead,   // read: counting Latency, then streaming PageWords words
    DkWrite,  // write: taking PageWords words; complete once Latency has passed
    DkWipe    // clearing the array, one word per cycle
  } disk_state_e;

  disk_state_e       state_q, state_d;
  logic              port_q, port_d;    // port of the transaction in flight
  logic              rr_q, rr_d;        // port that wins the next tie
  logic [BlockW-1:0] blk_q, blk_d;
  logic [CntW-1:0]   idx_q, idx_d;      // words moved so far
  logic [LatW-1:0]   lat_q, lat_d;      // edges since acceptance (saturating)
  logic [1:0]        wack_q, wack_d;
  logic [AddrW-1:0]  wipe_q, wipe_d;    // next word to clear
  logic              wipe_pend_q, wipe_pend_d;

  logic [WordW-1:0]  blocks_q [Words];

  // Ports as vectors so the FSM is written once.
  logic [1:0]             req_valid, req_write, wr_valid, rd_ready, abort;
  logic [1:0][BlockW-1:0] req_block;
  logic [1:0][WordW-1:0]  wr_data;
  assign req_valid = {p1_req_valid_i, p0_req_valid_i};
  assign req_write = {p1_req_write_i, p0_req_write_i};
  assign req_block = {p1_req_block_i, p0_req_block_i};
  assign wr_valid  = {p1_wr_valid_i, p0_wr_valid_i};
  assign wr_data   = {p1_wr_data_i, p0_wr_data_i};
  assign rd_ready  = {p1_rd_ready_i, p0_rd_ready_i};
  assign abort     = {p1_abort_i, p0_abort_i};

  logic              grant;        // port the idle disk would accept
  logic              accept;
  logic              blk_ok;       // block in range: out-of-range reads give zeros, writes are dropped
  logic              rd_valid, wr_ready, rd_beat, wr_beat, commit;
  logic [AddrW-1:0]  addr;
  logic [WordW-1:0]  rd_data;

  assign grant  = (req_valid == 2'b11) ? rr_q : req_valid[1];
  assign accept = (state_q == DkIdle) && req_valid[grant] && !abort[grant] && !wipe_i && !wipe_pend_q;
  assign blk_ok = 32'(blk_q) < Blocks;

  assign addr     = AddrW'(32'(blk_q) * PageWords + 32'(idx_q));
  assign rd_data  = blk_ok ? blocks_q[addr] : '0;
  assign rd_valid = (state_q == DkRead) && (32'(lat_q) >= Latency);
  assign wr_ready = (state_q == DkWrite) && (32'(idx_q) < PageWords);
  assign rd_beat  = rd_valid && rd_ready[port_q];
  assign wr_beat  = wr_ready && wr_valid[port_q];
  // Complete once every word is stored and the latency has run out.
  assign commit   = (state_q == DkWrite) && (32'(idx_q) == PageWords) && (32'(lat_q) >= Latency)
                    && !abort[port_q];

  always_comb begin
    state_d = state_q;
    port_d  = port_q;
    rr_d    = rr_q;
    blk_d   = blk_q;
    idx_d   = idx_q;
    lat_d   = (32'(lat_q) >= Latency) ? lat_q : lat_q + 1'b1;
    wack_d  = '0;
    wipe_d  = wipe_q;
    // A wipe waits for the transaction in flight, so its master is not left
    // waiting for data or an acknowledge that would never come.
    wipe_pend_d = wipe_pend_q || wipe_i;

    unique case (state_q)
      DkIdle: begin
        if (wipe_pend_d) begin
          state_d     = DkWipe;
          wipe_d      = '0;
          wipe_pend_d = 1'b0;
        end else if (accept) begin
          state_d = req_write[grant] ? DkWrite : DkRead;
          port_d  = grant;
          rr_d    = !grant;
          blk_d   = req_block[grant];
          idx_d   = '0;
          lat_d   = LatW'(1);
        end
      end
      DkRead: begin
        if (rd_beat) begin
          idx_d = idx_q + 1'b1;
          if (32'(idx_q) == PageWords - 1) state_d = DkIdle;
        end
      end
      DkWrite: begin
        if (wr_beat) idx_d = idx_q + 1'b1;
        if (commit) begin
          wack_d[port_q] = 1'b1;
          state_d        = DkIdle;
        end
      end
      DkWipe: begin
        wipe_d = wipe_q + 1'b1;
        if (32'(wipe_q) == Words - 1) state_d = DkIdle;
        // Another wipe during a wipe starts it over.
        if (wipe_i) begin
          wipe_d      = '0;
          wipe_pend_d = 1'b0;
          state_d     = DkWipe;
        end
      end
      default: state_d = DkIdle;
    endcase

    // The master of the transaction in flight went away (node failure).
    if ((state_q inside {DkRead, DkWrite}) && abort[port_q]) state_d = DkIdle;
  end

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      state_q <= DkIdle;
      port_q  <= 1'b0;
      rr_q    <= 1'b0;
      blk_q   <= '0;
      idx_q   <= '0;
      lat_q   <= '0;
      wack_q  <= '0;
      wipe_q  <= '0;
      wipe_pend_q <= 1'b0;
    end else begin
      state_q <= state_d;
      port_q  <= port_d;
      rr_q    <= rr_d;
      blk_q   <= blk_d;
      idx_q   <= idx_d;
      lat_q   <= lat_d;
      wack_q  <= wack_d;
      wipe_q  <= wipe_d;
      wipe_pend_q <= wipe_pend_d;
    end
  end

  // Storage: no reset (persistent).
  always_ff @(posedge clk_i) begin
    if (state_q == DkWipe) begin
      blocks_q[wipe_q] <= '0;
    end else if (wr_beat && blk_ok) begin
      blocks_q[addr] <= wr_data[port_q];
    end
  end

`ifndef SYNTHESIS
  // A new disk holds zeros (Verilator would otherwise be free to pick its
  // initial values); reset does not touch it afterwards.
  initial begin
    for (int unsigned i = 0; i < Words; i++) blocks_q[i] = '0;
  end
`endif

  assign p0_req_ready_o = accept && !grant;
  assign p1_req_ready_o = accept &&  grant;
  assign p0_rd_valid_o  = rd_valid && !port_q;
  assign p1_rd_valid_o  = rd_valid &&  port_q;
  assign p0_rd_data_o   = rd_data;
  assign p1_rd_data_o   = rd_data;
  assign p0_wr_ready_o  = wr_ready && !port_q;
  assign p1_wr_ready_o  = wr_ready &&  port_q;
  assign wiping_o       = (state_q == DkWipe) || wipe_pend_q;
  assign p0_wack_o      = wack_q[0];
  assign p1_wack_o      = wack_q[1];

`ifndef SYNTHESIS
  // Round-robin fairness: a port passed over while it requested is served
  // before the other port is served again (if it still requests).
  logic [1:0] passed_q;
  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      passed_q <= '0;
    end else begin
      for (int p = 0; p < 2; p++) begin
        if (!req_valid[p] || (accept && grant == 1'(p))) passed_q[p] <= 1'b0;
        else if (accept) passed_q[p] <= 1'b1;
      end
      assert (!(accept && passed_q[!grant] && req_valid[!grant]))
        else $error("disk_model: port %0d passed over twice", !grant);
      assert (PageWords >= 2 && (PageWords & (PageWords - 1)) == 0)
        else $error("disk_model: PageWords (%0d) must be a power of two >= 2", PageWords);
      assert (Latency >= 1) else $error("disk_model: Latency must be at least 1");
      assert (32'(idx_q) <= PageWords) else $error("disk_model: word index %0d past the page", idx_q);
      // The page port carries one transaction at a time: no write data on the
      // port that is not being served, none past the end of the page.
      assert (!(state_q == DkWrite && wr_valid[!port_q])) else $error("disk_model: write data on an idle port");
      assert (!(state_q == DkWrite && 32'(idx_q) == PageWords && wr_valid[port_q]))
        else $error("disk_model: more than PageWords write words");
    end
  end
`endif
endmodule
