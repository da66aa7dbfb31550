// Receive message buffer: a ring of message slots. The deframer writes the
// payload of an arriving frame into the first free slot while it is still
// unverified; the slot is committed (becomes deliverable) only when the frame
// turned out good and in sequence. Committed messages go to the node whole,
// in order, word by word with `last` on the final word.
module link_rx_buf
  import link_pkg::*;
#(
  parameter int unsigned MaxMsgWords = 20,
  parameter int unsigned Slots       = 4,
  localparam int unsigned IdxW       = $clog2(MaxMsgWords),
  localparam int unsigned SlotW      = $clog2(Slots)
) (
  input  logic             clk_i,
  input  logic             rst_ni,

  // Forget everything (the node is dead).
  input  logic             clear_i,

  // Payload words into the free slot (only while room_o != 0).
  input  logic             pay_we_i,
  input  logic [IdxW-1:0]  pay_idx_i,
  input  logic [WordW-1:0] pay_data_i,
  // The free slot now holds a verified message of commit_len_i words.
  input  logic             commit_i,
  input  logic [LenW-1:0]  commit_len_i,
  // Free slots.
  output logic [RoomW-1:0] room_o,

  // To the node.
  output logic             rx_valid_o,
  input  logic             rx_ready_i,
  output logic [WordW-1:0] rx_data_o,
  output logic             rx_last_o,
  // Pulse: the last word of a message went to the node.
  output logic             delivered_o
);

  logic [WordW-1:0] mem_q [Slots][MaxMsgWords];
  logic [LenW-1:0]  len_q [Slots];

  logic [SlotW-1:0] rd_slot_q;
  logic [IdxW-1:0]  rd_idx_q;
  logic [SlotW:0]   cnt_q;      // committed messages not yet fully delivered
  logic [SlotW-1:0] wr_slot;
  logic             pop;

  assign wr_slot     = rd_slot_q + cnt_q[SlotW-1:0];
  assign room_o      = RoomW'(Slots) - RoomW'(cnt_q);
  assign rx_valid_o  = (cnt_q != '0);
  assign rx_data_o   = mem_q[rd_slot_q][rd_idx_q];
  assign rx_last_o   = (LenW'(rd_idx_q) == len_q[rd_slot_q] - LenW'(1));
  assign pop         = rx_valid_o && rx_ready_i && rx_last_o;
  assign delivered_o = pop;

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      rd_slot_q <= '0;
      rd_idx_q  <= '0;
      cnt_q     <= '0;
    end else if (clear_i) begin
      rd_slot_q <= '0;
      rd_idx_q  <= '0;
      cnt_q     <= '0;
    end else begin
      if (rx_valid_o && rx_ready_i) begin
        rd_idx_q <= rx_last_o ? '0 : rd_idx_q + 1'b1;
        if (rx_last_o) rd_slot_q <= rd_slot_q + 1'b1;
      end
      cnt_q <= cnt_q + (SlotW + 1)'(commit_i) - (SlotW + 1)'(pop);
    end
  end

  always_ff @(posedge clk_i) begin
    if (pay_we_i && room_o != '0) mem_q[wr_slot][pay_idx_i] <= pay_data_i;
    if (commit_i) len_q[wr_slot] <= commit_len_i;
  end

`ifndef SYNTHESIS
  always_ff @(posedge clk_i) begin
    if (rst_ni && !clear_i) begin
      // The buffer never overflows: a message is only committed into a free slot.
      assert (!(commit_i && cnt_q == (SlotW + 1)'(Slots)))
        else $error("link_rx_buf: commit with no free slot");
      assert (cnt_q <= (SlotW + 1)'(Slots)) else $error("link_rx_buf: %0d messages in %0d slots", cnt_q, Slots);
      // Only whole messages are committed.
      assert (!(commit_i && (commit_len_i == '0 || commit_len_i > LenW'(MaxMsgWords))))
        else $error("link_rx_buf: commit of a %0d-word message", commit_len_i);
      // Delivery never runs past the message it is reading.
      assert (!(rx_valid_o && LenW'(rd_idx_q) >= len_q[rd_slot_q]))
        else $error("link_rx_buf: read index %0d past length %0d", rd_idx_q, len_q[rd_slot_q]);
    end
  end
`endif

endmodule
