// Frame transmitter: turns a header and a payload read port into a frame on
// the wire, one word per cycle: header, `len` payload words, CRC-32.
// Frames go back to back: a new one may start in the cycle after the CRC word.
module link_framer
  import link_pkg::*;
#(
  parameter int unsigned MaxMsgWords = 20,
  localparam int unsigned IdxW       = $clog2(MaxMsgWords)
) (
  input  logic            clk_i,
  input  logic            rst_ni,

  // Stop at once, mid-frame if need be (link declared down, node dead): the
  // receiver throws a frame without its CRC word away.
  input  logic            abort_i,

  // Start a frame with this header; only looked at while !busy_o.
  input  logic            start_i,
  input  hdr_t            hdr_i,
  output logic            busy_o,
  output hdr_t            hdr_o,     // header of the frame being sent

  // Payload word `rd_idx_o` of the message being sent, read combinationally.
  output logic [IdxW-1:0] rd_idx_o,
  input  logic [WordW-1:0] rd_data_i,

  output wire_word_t      wire_o
);

  typedef enum logic [1:0] {
    FrIdle,
    FrBody,
    FrCrc
  } fr_state_e;

  fr_state_e        state_q, state_d;
  hdr_t             hdr_q, hdr_d;
  logic [IdxW-1:0]  idx_q, idx_d;
  logic [WordW-1:0] crc_q, crc_d;
  wire_word_t       wire_q, wire_d;

  always_comb begin
    state_d = state_q;
    hdr_d   = hdr_q;
    idx_d   = idx_q;
    crc_d   = crc_q;
    wire_d  = '0;

    unique case (state_q)
      FrIdle: begin
        if (start_i) begin
          hdr_d       = hdr_i;
          idx_d       = '0;
          crc_d       = crc32_word(CrcInit, hdr_i);
          wire_d      = '{valid: 1'b1, sof: 1'b1, eof: 1'b0, data: hdr_i};
          state_d     = (hdr_i.len != '0) ? FrBody : FrCrc;
        end
      end
      FrBody: begin
        crc_d  = crc32_word(crc_q, rd_data_i);
        wire_d = '{valid: 1'b1, sof: 1'b0, eof: 1'b0, data: rd_data_i};
        idx_d  = idx_q + 1'b1;
        if (LenW'(idx_q) == hdr_q.len - LenW'(1)) state_d = FrCrc;
      end
      FrCrc: begin
        wire_d  = '{valid: 1'b1, sof: 1'b0, eof: 1'b1, data: ~crc_q};
        state_d = FrIdle;
      end
      default: state_d = FrIdle;
    endcase

    if (abort_i) begin
      state_d = FrIdle;
      wire_d  = '0;
    end
  end

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      state_q <= FrIdle;
      hdr_q   <= '0;
      idx_q   <= '0;
      crc_q   <= '0;
      wire_q  <= '0;
    end else begin
      state_q <= state_d;
      hdr_q   <= hdr_d;
      idx_q   <= idx_d;
      crc_q   <= crc_d;
      wire_q  <= wire_d;
    end
  end

  assign busy_o   = (state_q != FrIdle);
  assign hdr_o    = hdr_q;
  assign rd_idx_o = idx_q;
  assign wire_o   = wire_q;

`ifndef SYNTHESIS
  always_ff @(posedge clk_i) begin
    if (rst_ni) begin
      // Only DATA frames carry a payload, and never more than a message.
      if (state_q == FrIdle && start_i && !abort_i) begin
        assert ((hdr_i.kind == KindData) == (hdr_i.len != '0))
          else $error("link_framer: %s frame with len %0d", hdr_i.kind.name(), hdr_i.len);
        assert (hdr_i.len <= LenW'(MaxMsgWords))
          else $error("link_framer: len %0d > MaxMsgWords %0d", hdr_i.len, MaxMsgWords);
      end
      assert (!(state_q == FrBody && LenW'(idx_q) >= hdr_q.len))
        else $error("link_framer: payload index %0d past len %0d", idx_q, hdr_q.len);
    end
  end
`endif

endmodule
