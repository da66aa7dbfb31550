// Frame receiver: follows frames on the wire by their delimiters, checks the
// CRC-32 word by word, and reports each frame at its last word as good
// (well-formed, CRC matches) or not. Payload words are passed on as they
// arrive, still unverified: the endpoint stores them in a free slot and only
// commits the slot when the frame turns out good.
module link_deframer
  import link_pkg::*;
#(
  parameter int unsigned MaxMsgWords = 20,
  localparam int unsigned IdxW       = $clog2(MaxMsgWords)
) (
  input  logic             clk_i,
  input  logic             rst_ni,

  // Forget any partial frame and ignore the wire (quiet or dead endpoint).
  input  logic             flush_i,
  input  wire_word_t       wire_i,

  // A payload word of the frame being received (unverified).
  output logic             pay_we_o,
  output logic [IdxW-1:0]  pay_idx_o,
  output logic [WordW-1:0] pay_data_o,

  // Pulse at the last word of a frame.
  output logic             frame_o,
  output logic             frame_ok_o,   // with frame_o: well-formed and the CRC matches
  output logic             crc_err_o,    // with frame_o: the CRC does not match
  output hdr_t             hdr_o         // with frame_o: the frame's header
);

  // Payload words counted up to MaxMsgWords + 1 (anything longer is bad).
  localparam int unsigned CntW = $clog2(MaxMsgWords + 2);

  logic             in_frame_q, in_frame_d;
  hdr_t             hdr_q, hdr_d;
  logic [WordW-1:0] crc_q, crc_d;
  logic [CntW-1:0]  cnt_q, cnt_d;

  logic crc_match, well_formed;

  assign crc_match = (wire_i.data == ~crc_q);

  // The header must make sense and agree with the words actually received.
  always_comb begin
    well_formed = 1'b0;
    unique case (hdr_q.rsvd ? KindNone : hdr_q.kind)
      KindData: well_formed = (hdr_q.state == LsUp) && (hdr_q.len != '0) &&
                              (hdr_q.len <= LenW'(MaxMsgWords)) && (LenW'(cnt_q) == hdr_q.len);
      KindAck, KindHb: well_formed = (hdr_q.state != LsQuiet) && (hdr_q.len == '0) && (cnt_q == '0) &&
                                     (hdr_q.seq == '0);
      default: well_formed = 1'b0;
    endcase
  end

  always_comb begin
    in_frame_d = in_frame_q;
    hdr_d      = hdr_q;
    crc_d      = crc_q;
    cnt_d      = cnt_q;
    pay_we_o   = 1'b0;
    frame_o    = 1'b0;
    frame_ok_o = 1'b0;
    crc_err_o  = 1'b0;

    if (flush_i) begin
      in_frame_d = 1'b0;
    end else if (wire_i.valid && wire_i.sof) begin
      // A start always begins a new frame: the tail of a frame cut short
      // (cable pulled, sender reset) is abandoned here.
      in_frame_d = !wire_i.eof;
      hdr_d      = wire_i.data;
      crc_d      = crc32_word(CrcInit, wire_i.data);
      cnt_d      = '0;
    end else if (wire_i.valid && in_frame_q) begin
      if (wire_i.eof) begin
        in_frame_d = 1'b0;
        frame_o    = 1'b1;
        frame_ok_o = crc_match && well_formed;
        crc_err_o  = !crc_match;
      end else begin
        pay_we_o = (cnt_q < CntW'(MaxMsgWords));
        crc_d    = crc32_word(crc_q, wire_i.data);
        if (cnt_q != CntW'(MaxMsgWords + 1)) cnt_d = cnt_q + 1'b1;
      end
    end
  end

  assign pay_idx_o  = cnt_q[IdxW-1:0];
  assign pay_data_o = wire_i.data;
  assign hdr_o      = hdr_q;

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      in_frame_q <= 1'b0;
      hdr_q      <= '0;
      crc_q      <= '0;
      cnt_q      <= '0;
    end else begin
      in_frame_q <= in_frame_d;
      hdr_q      <= hdr_d;
      crc_q      <= crc_d;
      cnt_q      <= cnt_d;
    end
  end

`ifndef SYNTHESIS
  always_ff @(posedge clk_i) begin
    if (rst_ni) begin
      // A good frame never claims more words than a message holds.
      assert (!(frame_o && frame_ok_o && hdr_q.len > LenW'(MaxMsgWords)))
        else $error("link_deframer: good frame with len %0d", hdr_q.len);
    end
  end
`endif

endmodule
