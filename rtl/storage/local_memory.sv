// A node's local memory (patent Fig. 2, local memory 230): Frames page frames
// of PageWords words. Two word ports with the same req/gnt/rvalid shape: one
// for the DMA engine (copy module), one for the memory manager's data port.
// A granted request completes at the clock edge that takes it: a write is in
// `mem_q` after that edge, read data comes in the next cycle with rvalid.
//
// `mem_q` is a plain unpacked array so the testbench can read it through the
// bridge's backdoor access: frame f word w is mem_q[f*PageWords + w].
//
// wipe_i models the loss of a failed node's memory: the array is cleared one
// word per cycle (Frames*PageWords cycles; clearing it in one cycle would need
// a loop of non-blocking array writes, which Verilator cannot unroll for 4 KiB
// pages). While wiping_o is high neither port is granted.
module local_memory
  import storage_pkg::*;
#(
  parameter int unsigned Frames    = 8,
  parameter int unsigned PageWords = 16,
  localparam int unsigned Words    = Frames * PageWords,
  localparam int unsigned AddrW    = $clog2(Words)
) (
  input  logic             clk_i,
  input  logic             rst_ni,
  input  logic             wipe_i,
  output logic             wiping_o,

  // DMA engine word port
  input  logic             dma_req_i,
  output logic             dma_gnt_o,
  input  logic             dma_we_i,
  input  logic [AddrW-1:0] dma_addr_i,
  input  logic [WordW-1:0] dma_wdata_i,
  output logic             dma_rvalid_o,
  output logic [WordW-1:0] dma_rdata_o,

  // memory manager word port
  input  logic             mm_req_i,
  output logic             mm_gnt_o,
  input  logic             mm_we_i,
  input  logic [AddrW-1:0] mm_addr_i,
  input  logic [WordW-1:0] mm_wdata_i,
  output logic             mm_rvalid_o,
  output logic [WordW-1:0] mm_rdata_o
);
  logic [WordW-1:0] mem_q [Words];

  logic             wiping_q, wiping_d;
  logic [AddrW-1:0] wipe_q, wipe_d;      // next word to clear
  logic             dma_rvalid_q, mm_rvalid_q;
  logic [WordW-1:0] dma_rdata_q, mm_rdata_q;
  logic             dma_go, mm_go;

  // Neither port is granted in the cycle a wipe starts: the wipe would clear
  // the word anyway, and a read would return data that is about to vanish.
  assign dma_gnt_o = !wiping_q && !wipe_i;
  assign mm_gnt_o  = !wiping_q && !wipe_i;
  assign dma_go    = dma_req_i && dma_gnt_o;
  assign mm_go     = mm_req_i && mm_gnt_o;

  always_comb begin
    wiping_d = wiping_q;
    wipe_d   = wipe_q;
    if (wipe_i) begin
      wiping_d = 1'b1;
      wipe_d   = '0;
    end else if (wiping_q) begin
      wipe_d = wipe_q + 1'b1;
      if (32'(wipe_q) == Words - 1) wiping_d = 1'b0;
    end
  end

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      wiping_q     <= 1'b0;
      wipe_q       <= '0;
      dma_rvalid_q <= 1'b0;
      mm_rvalid_q  <= 1'b0;
    end else begin
      wiping_q     <= wiping_d;
      wipe_q       <= wipe_d;
      dma_rvalid_q <= dma_go && !dma_we_i;
      mm_rvalid_q  <= mm_go && !mm_we_i;
    end
  end

  // Storage and read data: no reset (an SRAM). Both ports read the old word
  // when the other writes it in the same cycle; when both write the same
  // word, the DMA's write wins (it is the later assignment).
  always_ff @(posedge clk_i) begin
    if (mm_go && !mm_we_i) mm_rdata_q <= mem_q[mm_addr_i];
    if (dma_go && !dma_we_i) dma_rdata_q <= mem_q[dma_addr_i];
    if (wiping_q) begin
      mem_q[wipe_q] <= '0;
    end else begin
      if (mm_go && mm_we_i) mem_q[mm_addr_i] <= mm_wdata_i;
      if (dma_go && dma_we_i) mem_q[dma_addr_i] <= dma_wdata_i;
    end
  end

`ifndef SYNTHESIS
  // A node powers up with cleared memory (Verilator may otherwise pick any
  // initial value); reset leaves the contents alone, only wipe_i clears them.
  initial begin
    for (int unsigned i = 0; i < Words; i++) mem_q[i] = '0;
  end
`endif

  assign wiping_o     = wiping_q;
  assign dma_rvalid_o = dma_rvalid_q;
  assign dma_rdata_o  = dma_rdata_q;
  assign mm_rvalid_o  = mm_rvalid_q;
  assign mm_rdata_o   = mm_rdata_q;

`ifndef SYNTHESIS
  always_ff @(posedge clk_i) begin
    if (rst_ni) begin
      assert (!(dma_req_i && 32'(dma_addr_i) >= Words)) else $error("local_memory: DMA address %0d out of range", dma_addr_i);
      assert (!(mm_req_i && 32'(mm_addr_i) >= Words)) else $error("local_memory: MM address %0d out of range", mm_addr_i);
    end
  end
`endif
endmodule
