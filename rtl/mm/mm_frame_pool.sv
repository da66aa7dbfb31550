// The free frame pool of one node. Two allocation ports (originator and
// partner side work concurrently) never receive the same frame in one cycle;
// a frame is never handed out twice and never freed twice (assertions).
module mm_frame_pool #(
  parameter int unsigned Frames = 8,
  localparam int unsigned FrameW = (Frames > 1) ? $clog2(Frames) : 1
) (
  input  logic              clk_i,
  input  logic              rst_ni,
  input  logic              clear_i,        // node failure: every frame free again
  // allocation ports: `grant` says a frame is available; `take` claims it
  input  logic [1:0]        take_i,
  output logic [1:0]        grant_o,
  output logic [FrameW-1:0] frame_o [2],
  // free ports
  input  logic [1:0]        free_i,
  input  logic [FrameW-1:0] free_frame_i [2],
  output logic [Frames-1:0] free_mask_o,
  output logic [FrameW:0]   free_count_o
);
  logic [Frames-1:0] free_q, free_d;

  // Port 0 takes the lowest free frame, port 1 the highest: distinct whenever
  // two or more are free.
  always_comb begin
    grant_o = '0;
    frame_o[0] = '0;
    frame_o[1] = '0;
    for (int i = Frames - 1; i >= 0; i--) begin
      if (free_q[i]) begin
        grant_o[0] = 1'b1;
        frame_o[0] = FrameW'(i);
      end
    end
    for (int i = 0; i < Frames; i++) begin
      if (free_q[i] && (!grant_o[0] || FrameW'(i) != frame_o[0])) begin
        grant_o[1] = 1'b1;
        frame_o[1] = FrameW'(i);
      end
    end
  end

  always_comb begin
    free_d = free_q;
    for (int p = 0; p < 2; p++) begin
      if (take_i[p] && grant_o[p]) free_d[frame_o[p]] = 1'b0;
      if (free_i[p]) free_d[free_frame_i[p]] = 1'b1;
    end
  end

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      free_q <= '1;
    end else if (clear_i) begin
      free_q <= '1;
    end else begin
      free_q <= free_d;
`ifndef SYNTHESIS
      for (int p = 0; p < 2; p++) begin
        assert (!(take_i[p] && !grant_o[p])) else $error("frame pool: port %0d took a frame while none was free", p);
        assert (!(free_i[p] && free_q[free_frame_i[p]])) else $error("frame pool: frame %0d freed twice", free_frame_i[p]);
      end
      assert (!(free_i[0] && free_i[1] && free_frame_i[0] == free_frame_i[1]))
        else $error("frame pool: frame %0d freed by both ports at once", free_frame_i[0]);
`endif
    end
  end

  always_comb begin
    free_count_o = '0;
    for (int i = 0; i < Frames; i++) free_count_o += (FrameW+1)'(free_q[i]);
  end
  assign free_mask_o = free_q;

endmodule
