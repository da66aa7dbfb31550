// Serving alone (the partner has failed or lost the split-brain race and
// this node took its allocations over): there is no partner to mirror to, so
// the originator's messages are taken here instead of by the link and
// answered as a partner with nothing to object would answer — space
// granted, the page resident and unlocked over there, everything else
// complete/ok. The originator's flows run unchanged; only this node's
// tables change.
module mm_solo_answers
  import mirrorsim_pkg::*;
  import mm_pkg::*;
#(
  parameter int unsigned Frames = 8,
  localparam int unsigned FrameW = (Frames > 1) ? $clog2(Frames) : 1
) (
  input  logic             clk_i,
  input  logic             rst_ni,
  input  logic             enable_i,
  // the originator's messages
  input  logic             in_valid_i,
  output logic             in_ready_o,
  input  logic [WordW-1:0] in_data_i,
  input  logic             in_last_i,
  input  logic [FrameW:0]  free_count_i,
  // their answers
  output logic             ans_valid_o,
  input  logic             ans_ready_i,
  output msg_header_t      ans_header_o
);
  // Word 0 of the message being taken (its source and payload flags are not needed).
  /* verilator lint_off UNUSEDSIGNAL */
  msg_word0_t first_q;
  /* verilator lint_on UNUSEDSIGNAL */
  logic       in_message_q;   // past its first word
  logic       pending_q;      // an answer waits to be taken
  logic       second_q;       // a space request's complete follows its space status

  assign in_ready_o = enable_i && !pending_q;

  always_comb begin
    ans_header_o = make_header(AnsComplete, first_q.tag, 1'b0, 1'b0, first_q.guid, '0, '0, '0, 32'(StOk));
    if (first_q.msg_type == MsgSpaceReq && !second_q) begin
      ans_header_o = make_header(AnsSpaceStatus, first_q.tag, 1'b0, 1'b0, first_q.guid, '0, '0, 32'(free_count_i), 32'd3);
    end else if (first_q.msg_type == MsgLockReq) begin
      ans_header_o = make_header(AnsLockStatus, first_q.tag, 1'b0, 1'b0, first_q.guid, '0, '0, 32'h8000, '0);
    end
  end
  assign ans_valid_o = pending_q;

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      first_q      <= '0;
      in_message_q <= 1'b0;
      pending_q    <= 1'b0;
      second_q     <= 1'b0;
    end else if (!enable_i) begin
      in_message_q <= 1'b0;
      pending_q    <= 1'b0;
      second_q     <= 1'b0;
    end else begin
      if (in_valid_i && in_ready_o) begin
        if (!in_message_q) first_q <= in_data_i;
        in_message_q <= !in_last_i;
        if (in_last_i) pending_q <= 1'b1;
      end
      if (ans_valid_o && ans_ready_i) begin
        if (first_q.msg_type == MsgSpaceReq && !second_q) begin
          second_q <= 1'b1;
        end else begin
          pending_q <= 1'b0;
          second_q  <= 1'b0;
        end
      end
    end
  end
endmodule
