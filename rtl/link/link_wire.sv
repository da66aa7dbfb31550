// One direction of the inter-node cable: a delay line with fault injection.
// This is a simulation model of the wire, not logic that would be built: it
// keeps every word in flight in an array with the cycle it is due out.
//
// A word entering at rising edge t leaves so that the receiver samples it at
// edge t + Latency (+ the frame's extra delay). Fault decisions are taken per
// frame on its first word (sof) and held for the whole frame, so a frame is
// either dropped whole or passes whole; only fault_cut_i can cut a frame
// short, like a cable pulled mid-frame. A duplicated frame (fault_dup_i at
// its first word) leaves twice, the copy right behind the original; the
// words behind it wait for the copy (the exit runs `lag_q` cycles late) and
// catch up again in the cycles the wire has nothing to send.
module link_wire
  import link_pkg::*;
#(
  parameter int unsigned Latency       = 4,
  // Longest frame: a full message plus header and CRC.
  parameter int unsigned MaxFrameWords = 22,
  // Words the wire can hold in flight; a frame that would not fit is dropped
  // (counted in dropped_o). Must cover Latency + the largest fault delay
  // times the words sent per cycle (one).
  parameter int unsigned Depth         = 512,
  // Seed of the LFSR that picks which bit fault_corrupt_i flips.
  parameter logic [15:0] LfsrSeed      = 16'hACE1
) (
  input  logic        clk_i,
  input  logic        rst_ni,

  input  wire_word_t  in_i,
  output wire_word_t  out_o,

  input  logic        fault_drop_i,
  input  logic        fault_corrupt_i,
  input  logic [15:0] fault_delay_i,
  input  logic        fault_cut_i,
  input  logic        fault_dup_i,

  // Pulse: a frame was lost (dropped on entry, or cut short).
  output logic        dropped_o,
  // Pulse: the copy of a duplicated frame started out.
  output logic        duplicated_o
);

  localparam int unsigned PtrW = (Depth > 1) ? $clog2(Depth) : 1;
  localparam int unsigned CntW = $clog2(Depth + 1);

  typedef struct packed {
    logic             sof;
    logic             eof;
    logic             dup;   // (first word) the frame leaves twice
    logic [WordW-1:0] data;
    logic [31:0]      due;   // value of now_q + lag_q when the word is on out_o
  } entry_t;

  // ---------------------------------------------------------------------------
  // Time and the corruption LFSR
  // ---------------------------------------------------------------------------
  logic [31:0] now_q;
  logic [15:0] lfsr_q;

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      now_q  <= '0;
      lfsr_q <= LfsrSeed;
    end else begin
      now_q  <= now_q + 32'd1;
      // x^16 + x^14 + x^13 + x^11 + 1, maximal length.
      lfsr_q <= {lfsr_q[14:0], lfsr_q[15] ^ lfsr_q[13] ^ lfsr_q[12] ^ lfsr_q[10]};
    end
  end

  // ---------------------------------------------------------------------------
  // Storage
  // ---------------------------------------------------------------------------
  entry_t          mem_q [Depth];
  logic [PtrW-1:0] wr_ptr_q, rd_ptr_q;
  logic [CntW-1:0] count_q;
  logic [31:0]     last_due_q;   // due time of the newest entry: order is kept

  // ---------------------------------------------------------------------------
  // Entry side: per-frame fault decisions
  // ---------------------------------------------------------------------------
  logic        in_frame_q;
  logic        in_drop_q, in_corrupt_q, in_flipped_q, in_dup_q;
  logic [15:0] in_delay_q;
  logic [2:0]  flip_idx_q;   // word of the frame that gets the flipped bit
  logic [4:0]  flip_bit_q;
  logic [3:0]  in_idx_q;     // index of the next word of the frame (saturates)

  logic        cur_drop, cur_corrupt, cur_flip, cur_dup;
  logic [15:0] cur_delay;
  logic [2:0]  cur_flip_idx;
  logic [4:0]  cur_flip_bit;
  logic [3:0]  cur_idx;
  logic        entry_dropped;
  logic        push;
  logic [31:0] base_due, push_due;
  logic [WordW-1:0] push_data;
  logic        room_for_frame;

  assign room_for_frame = (CntW'(Depth) - count_q) >= CntW'(MaxFrameWords);

  always_comb begin
    entry_dropped = 1'b0;
    if (in_i.sof) begin
      // A new frame: take the fault inputs as they are now, for all its words.
      cur_drop     = fault_drop_i || fault_cut_i || !room_for_frame;
      cur_corrupt  = fault_corrupt_i;
      cur_dup      = fault_dup_i;
      cur_delay    = fault_delay_i;
      cur_flip_idx = lfsr_q[2:0];
      cur_flip_bit = lfsr_q[7:3];
      cur_idx      = '0;
      entry_dropped = in_i.valid && cur_drop;
    end else begin
      // A cut while a frame enters cuts the rest of it off.
      cur_drop     = in_drop_q || fault_cut_i || !in_frame_q;
      cur_corrupt  = in_corrupt_q;
      cur_dup      = in_dup_q;
      cur_delay    = in_delay_q;
      cur_flip_idx = flip_idx_q;
      cur_flip_bit = flip_bit_q;
      cur_idx      = in_idx_q;
      entry_dropped = in_i.valid && in_frame_q && !in_drop_q && fault_cut_i;
    end
    // Exactly one bit per corrupted frame: at the chosen word, or at the last
    // word when the frame is shorter than that.
    cur_flip = cur_corrupt && !(in_i.sof ? 1'b0 : in_flipped_q) &&
               ((cur_idx == {1'b0, cur_flip_idx}) || in_i.eof);
    push_data = in_i.data;
    if (cur_flip) push_data[cur_flip_bit] = ~push_data[cur_flip_bit];

    push     = in_i.valid && !cur_drop;
    base_due = now_q + 32'(Latency) + 32'(cur_delay);
    // Never overtake the word ahead: a shorter delay waits behind it.
    push_due = (count_q != '0 && $signed(last_due_q + 32'd1 - base_due) > 0) ? last_due_q + 32'd1
                                                                             : base_due;
  end

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      in_frame_q   <= 1'b0;
      in_drop_q    <= 1'b0;
      in_corrupt_q <= 1'b0;
      in_dup_q     <= 1'b0;
      in_flipped_q <= 1'b0;
      in_delay_q   <= '0;
      flip_idx_q   <= '0;
      flip_bit_q   <= '0;
      in_idx_q     <= '0;
    end else if (in_i.valid) begin
      in_frame_q   <= !in_i.eof && (in_i.sof || in_frame_q);
      in_drop_q    <= cur_drop;
      in_corrupt_q <= cur_corrupt;
      in_dup_q     <= cur_dup;
      in_flipped_q <= (in_i.sof ? 1'b0 : in_flipped_q) || cur_flip;
      in_delay_q   <= cur_delay;
      flip_idx_q   <= cur_flip_idx;
      flip_bit_q   <= cur_flip_bit;
      in_idx_q     <= (cur_idx == 4'hf) ? cur_idx : cur_idx + 4'd1;
    end
  end

  // ---------------------------------------------------------------------------
  // Exit side
  // ---------------------------------------------------------------------------
  localparam int unsigned CapW = $clog2(MaxFrameWords + 1);

  entry_t head;
  logic   pop;
  logic   out_frame_q, out_kill_q;
  logic   kill_now, exit_dropped;
  // Duplication: the frame is captured as it leaves and sent again from the
  // capture; the words behind it leave lag_q cycles after their due time,
  // and lag_q shrinks by one in each cycle nothing leaves, as long as the
  // word waiting next is not made due in the past by it.
  logic [31:0]      lag_q, lag_d;
  wire_word_t       cap_q [MaxFrameWords];
  logic [CapW-1:0]  cap_len_q, cap_len_d;
  logic             capturing_q, capturing_d;
  logic             replay_q, replay_d;
  logic [CapW-1:0]  replay_idx_q, replay_idx_d;
  logic             cap_write;
  logic [CapW-1:0]  frame_len;     // words of the frame leaving, with this one
  wire_word_t       replay_word;
  logic             unused_replay_valid;

  assign head        = mem_q[rd_ptr_q];
  assign pop         = (count_q != '0) && (head.due + lag_q == now_q) && !replay_q;
  assign replay_word = cap_q[replay_idx_q];
  assign frame_len   = (head.sof ? '0 : cap_len_q) + 1'b1;
  // Every captured word is valid: the flag is only part of the word's type.
  assign unused_replay_valid = replay_word.valid;

  always_comb begin
    exit_dropped = 1'b0;
    if (head.sof) begin
      kill_now     = fault_cut_i;
      exit_dropped = pop && fault_cut_i;
    end else begin
      // The rest of a frame that started out before a cut is lost with it.
      kill_now     = out_kill_q || fault_cut_i;
      exit_dropped = pop && out_frame_q && !out_kill_q && fault_cut_i;
    end
  end

  always_comb begin
    capturing_d  = capturing_q;
    cap_len_d    = cap_len_q;
    replay_d     = replay_q;
    replay_idx_d = replay_idx_q;
    lag_d        = lag_q;
    cap_write    = 1'b0;
    if (replay_q) begin
      // A cut ends the copy too (it is not a lost message: the original got out).
      replay_idx_d = replay_idx_q + 1'b1;
      if (replay_word.eof || fault_cut_i) replay_d = 1'b0;
    end else if (pop) begin
      if (head.sof) begin
        capturing_d = head.dup && !kill_now;
        cap_len_d   = '0;
      end
      if ((head.sof ? head.dup : capturing_q) && !kill_now) begin
        cap_write = 1'b1;
        cap_len_d = frame_len;
        if (head.eof) begin
          capturing_d  = 1'b0;
          replay_d     = 1'b1;
          replay_idx_d = '0;
          // Every word still in the wire leaves one frame later.
          lag_d        = lag_q + 32'(frame_len);
        end
      end else if (!head.sof && kill_now) begin
        capturing_d = 1'b0;
      end
    end else if (lag_q != '0 && (count_q == '0 || $signed(head.due + lag_q - now_q - 32'd2) >= 0)) begin
      // An idle cycle: the wire catches up by one.
      lag_d = lag_q - 32'd1;
    end
  end

  always_comb begin
    out_o = '0;
    if (replay_q) begin
      out_o.valid = !fault_cut_i;
      out_o.sof   = replay_word.sof;
      out_o.eof   = replay_word.eof;
      out_o.data  = replay_word.data;
    end else begin
      out_o.valid = pop && !kill_now;
      out_o.sof   = head.sof;
      out_o.eof   = head.eof;
      out_o.data  = head.data;
    end
  end

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      out_frame_q  <= 1'b0;
      out_kill_q   <= 1'b0;
      lag_q        <= '0;
      cap_len_q    <= '0;
      capturing_q  <= 1'b0;
      replay_q     <= 1'b0;
      replay_idx_q <= '0;
    end else begin
      if (pop) begin
        out_frame_q <= !head.eof;
        out_kill_q  <= kill_now && !head.eof;
      end
      lag_q        <= lag_d;
      cap_len_q    <= cap_len_d;
      capturing_q  <= capturing_d;
      replay_q     <= replay_d;
      replay_idx_q <= replay_idx_d;
    end
  end

  always_ff @(posedge clk_i) begin
    if (cap_write) cap_q[head.sof ? '0 : cap_len_q] <= '{valid: 1'b1, sof: head.sof, eof: head.eof, data: head.data};
  end

  assign duplicated_o = replay_q && replay_idx_q == '0 && !fault_cut_i;

  // ---------------------------------------------------------------------------
  // Pointers
  // ---------------------------------------------------------------------------
  function automatic logic [PtrW-1:0] next_ptr(logic [PtrW-1:0] ptr);
    return (ptr == PtrW'(Depth - 1)) ? '0 : ptr + 1'b1;
  endfunction

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      wr_ptr_q   <= '0;
      rd_ptr_q   <= '0;
      count_q    <= '0;
      last_due_q <= '0;
    end else begin
      if (push) begin
        wr_ptr_q   <= next_ptr(wr_ptr_q);
        last_due_q <= push_due;
      end
      if (pop) rd_ptr_q <= next_ptr(rd_ptr_q);
      count_q <= count_q + CntW'(push) - CntW'(pop);
    end
  end

  always_ff @(posedge clk_i) begin
    if (push) mem_q[wr_ptr_q] <= '{sof: in_i.sof, eof: in_i.eof, dup: cur_dup, data: push_data, due: push_due};
  end

  assign dropped_o = entry_dropped || exit_dropped;

`ifndef SYNTHESIS
  initial begin
    assert (Latency >= 1) else $fatal(1, "link_wire: Latency must be at least 1");
    assert (Depth >= MaxFrameWords + Latency) else $fatal(1, "link_wire: Depth %0d cannot hold one frame in flight", Depth);
  end
  always_ff @(posedge clk_i) begin
    if (rst_ni) begin
      // A frame is only let in when all of it fits, so the array never overflows.
      assert (!(push && count_q == CntW'(Depth))) else $error("link_wire: push into a full wire");
      // Words leave at their due time: none is ever late (order and timing kept).
      assert (!(count_q != '0 && !replay_q && $signed(head.due + lag_q - now_q) < 0)) else $error("link_wire: word overdue");
      // A frame's copy is the whole frame: it starts with its first word and fits the capture.
      assert (!(cap_write && cap_len_d > CapW'(MaxFrameWords))) else $error("link_wire: duplicated frame longer than MaxFrameWords");
    end
  end
`endif

endmodule
