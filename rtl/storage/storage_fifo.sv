// Small register FIFO with ready/valid on both sides. The DMA engine puts one
// between the local memory's one-cycle read latency and an outgoing stream,
// so it can keep one read in flight per cycle without a combinational path
// from the stream's ready to the memory request.
module storage_fifo #(
  parameter int unsigned Width = 32,
  parameter int unsigned Depth = 3,
  localparam int unsigned CntW = $clog2(Depth + 1)
) (
  input  logic             clk_i,
  input  logic             rst_ni,
  input  logic             clear_i,   // drop every entry (abort)
  input  logic             push_i,
  input  logic [Width-1:0] push_data_i,
  output logic             valid_o,
  input  logic             ready_i,
  output logic [Width-1:0] data_o,
  output logic [CntW-1:0]  count_o
);
  localparam int unsigned PtrW = (Depth > 1) ? $clog2(Depth) : 1;

  logic [Width-1:0] entries_q [Depth];
  logic [PtrW-1:0]  rd_ptr_q, rd_ptr_d, wr_ptr_q, wr_ptr_d;
  logic [CntW-1:0]  count_q, count_d;
  logic             pop;

  function automatic logic [PtrW-1:0] next_ptr(logic [PtrW-1:0] ptr);
    return (32'(ptr) == Depth - 1) ? '0 : ptr + 1'b1;
  endfunction

  assign valid_o = (count_q != '0);
  assign data_o  = entries_q[rd_ptr_q];
  assign count_o = count_q;
  assign pop     = valid_o && ready_i;

  always_comb begin
    rd_ptr_d = rd_ptr_q;
    wr_ptr_d = wr_ptr_q;
    count_d  = count_q;
    if (clear_i) begin
      rd_ptr_d = '0;
      wr_ptr_d = '0;
      count_d  = '0;
    end else begin
      if (push_i) wr_ptr_d = next_ptr(wr_ptr_q);
      if (pop) rd_ptr_d = next_ptr(rd_ptr_q);
      count_d = count_q + CntW'(push_i) - CntW'(pop);
    end
  end

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      rd_ptr_q <= '0;
      wr_ptr_q <= '0;
      count_q  <= '0;
    end else begin
      rd_ptr_q <= rd_ptr_d;
      wr_ptr_q <= wr_ptr_d;
      count_q  <= count_d;
    end
  end

  always_ff @(posedge clk_i) begin
    if (push_i && !clear_i) entries_q[wr_ptr_q] <= push_data_i;
  end

`ifndef SYNTHESIS
  always_ff @(posedge clk_i) begin
    if (rst_ni && !clear_i) begin
      // The writer checks for space before it issues the read that pushes.
      assert (!(push_i && 32'(count_q) == Depth && !pop)) else $error("storage_fifo: push while full");
    end
  end
`endif
endmodule
