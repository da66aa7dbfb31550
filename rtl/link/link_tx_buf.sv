// Transmit message buffer: takes messages from the node word by word into
// numbered slots, and lets the framer read them back for (re)transmission.
// Which slot is written, and whether there is space, is the endpoint's
// decision (slots follow sequence numbers); this block keeps the node's port
// honest: a message is stored whole or discarded whole.
module link_tx_buf
  import link_pkg::*;
#(
  parameter int unsigned MaxMsgWords = 20,
  parameter int unsigned Slots       = 4,
  localparam int unsigned IdxW       = $clog2(MaxMsgWords),
  localparam int unsigned SlotW      = $clog2(Slots)
) (
  input  logic             clk_i,
  input  logic             rst_ni,

  // From the node.
  input  logic             tx_valid_i,
  output logic             tx_ready_o,
  input  logic [WordW-1:0] tx_data_i,
  input  logic             tx_last_i,

  // Slot wr_slot_i is free for the next message.
  input  logic             space_i,
  input  logic [SlotW-1:0] wr_slot_i,
  // Accept and drop: link not up, or node dead. A message that was partly
  // taken when this rises is dropped to its last word, even if the link comes
  // back before then, so no message is ever stored without its head.
  input  logic             discard_i,
  // The node abandoned the message it was sending (it failed, or dropped its
  // state): forget the part taken, so its next message starts afresh.
  input  logic             forget_i,
  // Pulse: a whole message is now in wr_slot_i.
  output logic             msg_done_o,

  // Read port for the framer.
  input  logic [SlotW-1:0] rd_slot_i,
  input  logic [IdxW-1:0]  rd_idx_i,
  output logic [WordW-1:0] rd_data_o,
  output logic [LenW-1:0]  rd_len_o
);

  logic [WordW-1:0] mem_q [Slots][MaxMsgWords];
  logic [LenW-1:0]  len_q [Slots];

  logic            in_msg_q, in_msg_d;   // the node is part way through a message
  logic            drop_q, drop_d;       // ... and that message is being dropped
  logic [LenW-1:0] idx_q, idx_d;         // words of it taken so far

  logic handshake, drop_now, store, too_long;

  always_comb begin
    if (!in_msg_q) begin
      // First word: store it when a slot is free, drop it when the link is
      // down, otherwise make the node wait.
      drop_now   = discard_i;
      tx_ready_o = discard_i || space_i;
    end else begin
      // Later words: the slot was claimed by the first one.
      drop_now   = drop_q || discard_i;
      tx_ready_o = 1'b1;
    end
    handshake = tx_valid_i && tx_ready_o;
    too_long  = (idx_q >= LenW'(MaxMsgWords));
    store     = handshake && !drop_now && !too_long;

    in_msg_d   = in_msg_q;
    drop_d     = drop_q || (in_msg_q && discard_i);
    idx_d      = idx_q;
    msg_done_o = 1'b0;
    if (forget_i) begin
      in_msg_d = 1'b0;
      drop_d   = 1'b0;
      idx_d    = '0;
    end else if (handshake) begin
      in_msg_d = !tx_last_i;
      drop_d   = !tx_last_i && (drop_now || too_long);
      idx_d    = tx_last_i ? '0 : idx_q + LenW'(1);
      // An over-long message is dropped whole (and flagged by an assertion).
      msg_done_o = tx_last_i && !drop_now && !too_long;
    end
  end

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      in_msg_q <= 1'b0;
      drop_q   <= 1'b0;
      idx_q    <= '0;
    end else begin
      in_msg_q <= in_msg_d;
      drop_q   <= drop_d;
      idx_q    <= idx_d;
    end
  end

  always_ff @(posedge clk_i) begin
    if (store) mem_q[wr_slot_i][idx_q[IdxW-1:0]] <= tx_data_i;
    if (msg_done_o) len_q[wr_slot_i] <= idx_q + LenW'(1);
  end

  assign rd_data_o = mem_q[rd_slot_i][rd_idx_i];
  assign rd_len_o  = len_q[rd_slot_i];

`ifndef SYNTHESIS
  always_ff @(posedge clk_i) begin
    if (rst_ni) begin
      assert (!(handshake && !drop_now && too_long))
        else $error("link_tx_buf: the node sent a message longer than MaxMsgWords (%0d words)", MaxMsgWords);
    end
  end
`endif

endmodule
