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
  input  logic              want1_i,        // port 1 is in the state where it takes a frame
  input  logic              take0_i,
  input  logic              take1_i,
  output logic              grant0_o,
  output logic              grant1_o,
  output logic [FrameW-1:0] frame0_o,
  output logic [FrameW-1:0] frame1_o,
  // free ports
  input  logic [1:0]        free_i,
  input  logic [FrameW-1:0] free_frame_i [2],
  output logic [Frames-1:0] free_mask_o,
  output logic [FrameW:0]   free_count_o
);
  logic [Frames-1:0] free_q, free_d;

  // Port 0 offers the lowest free frame, port 1 the highest: distinct
  // whenever two or more are free. The last frame goes to port 1 (the partner
  // side, whose work unblocks the other node) while it wants one; `want1_i`
  // is a state, not the take itself, so port 0's grant never waits on port 1's
  // combinational decision.
  logic any_free;
  assign any_free = (free_q != '0);
  always_comb begin
    frame0_o = '0;
    frame1_o = '0;
    for (int i = Frames - 1; i >= 0; i--) begin
      if (free_q[i]) frame0_o = FrameW'(i);
    end
    for (int i = 0; i < Frames; i++) begin
      if (free_q[i]) frame1_o = FrameW'(i);
    end
  end
  assign grant1_o = any_free;
  assign grant0_o = any_free && !(want1_i && frame0_o == frame1_o);

  always_comb begin
    free_d = free_q;
    if (take0_i && grant0_o) free_d[frame0_o] = 1'b0;
    if (take1_i && grant1_o) free_d[frame1_o] = 1'b0;
    for (int p = 0; p < 2; p++) begin
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
      assert (!(take0_i && !grant0_o)) else $error("frame pool: port 0 took a frame it was not granted");
      assert (!(take1_i && !grant1_o)) else $error("frame pool: port 1 took a frame while none was free");
      for (int p = 0; p < 2; p++) begin
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
