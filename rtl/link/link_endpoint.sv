// One end of the inter-node link (the same block sits in node A and node B).
//
//   node tx ──► link_tx_buf ──► link_framer ──► wire out
//   node rx ◄── link_rx_buf ◄── link_deframer ◄── wire in
//                     ▲  control (this module) ▲
//
// Control, all here:
//  - the link FSM (Quiet/Down/Init/Up) and its three-way handshake: every
//    header carries the sender's state; Down+Down->Init, Down+Init->Up,
//    Init+Init/Up->Up; Up hearing Down (the peer restarted) declares the link
//    down (the BFD scheme, RFC 5880);
//  - heartbeats (HbPeriod idle cycles) and the peer-silence timeout (HbTimeout);
//    a side that has not heard its peer for PollAfter cycles polls it (the
//    poll bit, and heartbeats every PollPeriod idle cycles) and the peer
//    answers at once, so a few lost frames do not take a quiet link down;
//  - go-back-N sending with a window of TxSlots frames, bounded by the room
//    the peer advertises, retransmission on AckTimeout or on the peer's NAK,
//    MaxRetries;
//  - in-order receiving: cumulative acks, duplicates re-acked, a gap NAKed
//    once, a message committed only into a free slot (flow control).
module link_endpoint
  import link_pkg::*;
#(
  parameter int unsigned MaxMsgWords = 20,
  parameter int unsigned TxSlots     = 4,
  parameter int unsigned RxSlots     = 4,
  parameter int unsigned HbPeriod    = 32,
  parameter int unsigned HbTimeout   = 128,
  parameter int unsigned AckTimeout  = 68,
  parameter int unsigned MaxRetries  = 8,
  parameter int unsigned QuietCycles = 144
) (
  input  logic             clk_i,
  input  logic             rst_ni,

  // The node is powered. While low the endpoint is silent, deaf, drops what
  // the node sends; when it rises the endpoint starts as from reset.
  input  logic             alive_i,
  // The node abandoned the message it was sending (pulse, or level while it is down).
  input  logic             abandon_i,

  // Messages from the node.
  input  logic             tx_valid_i,
  output logic             tx_ready_o,
  input  logic [WordW-1:0] tx_data_i,
  input  logic             tx_last_i,

  // Messages to the node.
  output logic             rx_valid_o,
  input  logic             rx_ready_i,
  output logic [WordW-1:0] rx_data_o,
  output logic             rx_last_o,

  output logic             link_up_o,
  output link_state_e      state_o,

  output wire_word_t       wire_o,
  input  wire_word_t       wire_i,

  // One-cycle events for the statistics.
  output logic             ev_data_o,       // a DATA frame starts on the wire
  output logic             ev_retx_o,       // ... and it is a retransmission
  output logic             ev_crc_err_o,    // a received frame failed its CRC
  output logic             ev_dup_o,        // a received duplicate was discarded
  output logic             ev_delivered_o,  // a message went to the node
  output logic             ev_down_o        // this side declared the link down
);

  localparam int unsigned IdxW    = $clog2(MaxMsgWords);
  localparam int unsigned TxSlotW = $clog2(TxSlots);
  localparam int unsigned QuietW  = $clog2(QuietCycles + 1);
  localparam int unsigned SilW    = $clog2(HbTimeout + 1);
  localparam int unsigned HbW     = $clog2(HbPeriod + 1);
  localparam int unsigned AtW     = $clog2(AckTimeout + 1);
  localparam int unsigned RtW     = (MaxRetries > 0) ? $clog2(MaxRetries + 1) : 1;
  // Polling starts just past the longest normal gap between the peer's good
  // frames (a heartbeat period after a full frame), leaving the rest of the
  // timeout for polls and their answers.
  localparam int unsigned PollAfter  = HbPeriod + MaxMsgWords + 2 + 8;
  localparam int unsigned PollPeriod = (HbPeriod >= 16) ? HbPeriod / 4 : 4;

  // ---------------------------------------------------------------------------
  // State
  // ---------------------------------------------------------------------------
  // Link FSM and its timers.
  link_state_e       state_q, state_d;
  logic [QuietW-1:0] quiet_cnt_q, quiet_cnt_d;  // cycles spent quiet
  logic [SilW-1:0]   silence_q, silence_d;      // cycles since the last good frame
  logic [HbW-1:0]    hb_cnt_q, hb_cnt_d;        // idle cycles of our transmitter
  logic              hb_now_q, hb_now_d;        // announce a state change / answer a poll at once
  logic              last_hb_q, last_hb_d;      // the last frame we started was a heartbeat
  logic              peer_poll_q, peer_poll_d;  // the peer's last good header polled us
  logic              rx_slot_ok_q, rx_slot_ok_d;  // the arriving frame has a free slot

  // Sender (sequence numbers modulo 2^SeqW):
  //   snd_una <= snd_nxt <= snd_max <= snd_end, snd_end - snd_una <= TxSlots.
  logic [SeqW-1:0]   snd_una_q, snd_una_d;      // oldest frame not acked
  logic [SeqW-1:0]   snd_nxt_q, snd_nxt_d;      // next frame to (re)send
  logic [SeqW-1:0]   snd_max_q, snd_max_d;      // one past the highest frame ever sent
  logic [SeqW-1:0]   snd_end_q, snd_end_d;      // one past the newest stored message
  logic [SeqW-1:0]   peer_edge_q, peer_edge_d;  // first seq the peer has no room for
  logic [AtW-1:0]    ack_timer_q, ack_timer_d;
  logic [RtW-1:0]    retry_q, retry_d;

  // Receiver.
  logic [SeqW-1:0]   rcv_nxt_q, rcv_nxt_d;      // next seq expected
  logic [SeqW-1:0]   adv_edge_q, adv_edge_d;    // room edge last told to the peer
  logic              ack_pending_q, ack_pending_d;
  logic              nak_pending_q, nak_pending_d;
  logic              nak_sent_q, nak_sent_d;    // one NAK per gap

  // ---------------------------------------------------------------------------
  // Sub-blocks
  // ---------------------------------------------------------------------------
  logic             fr_start, fr_busy, fr_abort;
  hdr_t             fr_hdr_next;
  // The framer reports the whole header of the frame it is sending; only its
  // kind and sequence number matter here.
  /* verilator lint_off UNUSEDSIGNAL */
  hdr_t             fr_hdr;
  /* verilator lint_on UNUSEDSIGNAL */
  logic [IdxW-1:0]  fr_rd_idx;
  logic [WordW-1:0] tx_rd_data;
  logic [LenW-1:0]  tx_rd_len;
  logic [TxSlotW-1:0] tx_rd_slot;
  logic             tx_space, tx_discard, tx_msg_done;

  logic             df_flush, df_pay_we, df_frame, df_ok, df_crc_err;
  logic [IdxW-1:0]  df_pay_idx;
  logic [WordW-1:0] df_pay_data;
  hdr_t             df_hdr;

  logic             rx_commit, rx_delivered;
  logic [RoomW-1:0] rx_room;
  logic             rx_buf_valid;

  link_tx_buf #(
    .MaxMsgWords (MaxMsgWords),
    .Slots       (TxSlots)
  ) u_tx_buf (
    .clk_i,
    .rst_ni,
    .tx_valid_i,
    .tx_ready_o,
    .tx_data_i,
    .tx_last_i,
    .space_i     (tx_space),
    .wr_slot_i   (snd_end_q[TxSlotW-1:0]),
    .discard_i   (tx_discard),
    .forget_i    (!alive_i || abandon_i),
    .msg_done_o  (tx_msg_done),
    .rd_slot_i   (tx_rd_slot),
    .rd_idx_i    (fr_rd_idx),
    .rd_data_o   (tx_rd_data),
    .rd_len_o    (tx_rd_len)
  );

  link_framer #(
    .MaxMsgWords (MaxMsgWords)
  ) u_framer (
    .clk_i,
    .rst_ni,
    .abort_i   (fr_abort),
    .start_i   (fr_start),
    .hdr_i     (fr_hdr_next),
    .busy_o    (fr_busy),
    .hdr_o     (fr_hdr),
    .rd_idx_o  (fr_rd_idx),
    .rd_data_i (tx_rd_data),
    .wire_o    (wire_o)
  );

  link_deframer #(
    .MaxMsgWords (MaxMsgWords)
  ) u_deframer (
    .clk_i,
    .rst_ni,
    .flush_i    (df_flush),
    .wire_i     (wire_i),
    .pay_we_o   (df_pay_we),
    .pay_idx_o  (df_pay_idx),
    .pay_data_o (df_pay_data),
    .frame_o    (df_frame),
    .frame_ok_o (df_ok),
    .crc_err_o  (df_crc_err),
    .hdr_o      (df_hdr)
  );

  link_rx_buf #(
    .MaxMsgWords (MaxMsgWords),
    .Slots       (RxSlots)
  ) u_rx_buf (
    .clk_i,
    .rst_ni,
    .clear_i      (!alive_i),
    .pay_we_i     (df_pay_we && rx_slot_ok_q),
    .pay_idx_i    (df_pay_idx),
    .pay_data_i   (df_pay_data),
    .commit_i     (rx_commit),
    .commit_len_i (df_hdr.len),
    .room_o       (rx_room),
    .rx_valid_o   (rx_buf_valid),
    .rx_ready_i   (rx_ready_i && alive_i),
    .rx_data_o,
    .rx_last_o,
    .delivered_o  (rx_delivered)
  );

  // ---------------------------------------------------------------------------
  // Received frames
  // ---------------------------------------------------------------------------
  logic        listening, rx_evt, rx_good;
  link_state_e ps;             // the peer's state, from the header
  logic        acc_hdr, is_data, in_seq, dup, gap;
  logic [SeqW-1:0] seq_off, ack_off;
  logic        progress, nak_req;

  assign listening = alive_i && (state_q != LsQuiet);
  assign df_flush  = !listening;
  assign rx_evt    = df_frame && listening;
  assign rx_good   = rx_evt && df_ok;
  assign ps        = df_hdr.state;

  // ---------------------------------------------------------------------------
  // Sending
  // ---------------------------------------------------------------------------
  logic outstanding, sending_data, timeout, go_back, retry_exhausted;
  logic silence_timeout, declare_down;
  logic data_avail, window_open, wnd_update, need_ack, hb_due, hb_first, can_start, polling;
  logic [SeqW-1:0] window_left;
  kind_e start_kind;

  assign outstanding  = (snd_max_q != snd_una_q);
  assign sending_data = fr_busy && (fr_hdr.kind == KindData);
  assign data_avail   = (snd_nxt_q != snd_end_q);
  assign window_left  = peer_edge_q - snd_nxt_q;
  assign window_open  = (window_left != '0) && !window_left[SeqW-1];
  // The peer may have used all the room we told it of: tell it about new room.
  assign wnd_update   = (adv_edge_q == rcv_nxt_q) && (rx_room != '0);
  assign need_ack     = ack_pending_q || nak_pending_q || wnd_update;
  assign polling      = (state_q == LsInit || state_q == LsUp) && (silence_q >= SilW'(PollAfter));
  // While either side polls, heartbeats come every PollPeriod idle cycles.
  assign hb_due       = hb_cnt_q >= ((polling || peer_poll_q) ? HbW'(PollPeriod) : HbW'(HbPeriod));
  // A short heartbeat goes ahead of data when it is urgent: a state change or
  // the answer to a poll (hb_now), or our own poll (every other frame while
  // polling). Behind a long DATA frame the peer would see it a frame later.
  assign hb_first     = hb_now_q || (polling && !last_hb_q);

  // Slot of a sequence number.
  assign tx_rd_slot = fr_busy ? fr_hdr.seq[TxSlotW-1:0] : snd_nxt_q[TxSlotW-1:0];
  // A slot freed by an ack may still be on its way out in a retransmission.
  assign tx_space   = ((snd_end_q - snd_una_q) < SeqW'(TxSlots)) &&
                      !(sending_data && fr_hdr.seq[TxSlotW-1:0] == snd_end_q[TxSlotW-1:0]);
  assign tx_discard = !alive_i || (state_q != LsUp);

  always_comb begin
    // ---- defaults: hold ----
    state_d       = state_q;
    quiet_cnt_d   = '0;
    silence_d     = silence_q;
    hb_cnt_d      = hb_cnt_q;
    hb_now_d      = hb_now_q;
    last_hb_d     = last_hb_q;
    peer_poll_d   = peer_poll_q;
    rx_slot_ok_d  = rx_slot_ok_q;
    snd_una_d     = snd_una_q;
    snd_nxt_d     = snd_nxt_q;
    snd_max_d     = snd_max_q;
    snd_end_d     = snd_end_q;
    peer_edge_d   = peer_edge_q;
    ack_timer_d   = ack_timer_q;
    retry_d       = retry_q;
    rcv_nxt_d     = rcv_nxt_q;
    adv_edge_d    = adv_edge_q;
    ack_pending_d = ack_pending_q;
    nak_pending_d = nak_pending_q;
    nak_sent_d    = nak_sent_q;

    declare_down  = 1'b0;
    fr_start      = 1'b0;
    start_kind    = KindHb;
    fr_hdr_next   = '0;
    rx_commit     = 1'b0;
    dup           = 1'b0;
    ev_data_o     = 1'b0;
    ev_retx_o     = 1'b0;

    // ---- timers ----
    if (state_q == LsQuiet) quiet_cnt_d = quiet_cnt_q + 1'b1;
    if (state_q == LsQuiet || state_q == LsDown || rx_good) begin
      silence_d = '0;
    end else if (silence_q != SilW'(HbTimeout)) begin
      silence_d = silence_q + 1'b1;
    end
    silence_timeout = (state_q == LsInit || state_q == LsUp) && !rx_good &&
                      (silence_q == SilW'(HbTimeout));

    // Does the arriving frame have a free slot? Decided at its first word:
    // room can only grow until the frame ends, and the free slot stays put.
    if (wire_i.valid && wire_i.sof) rx_slot_ok_d = (rx_room != '0);

    // ---- acks (from any good header once we are, or are becoming, up) ----
    ack_off  = df_hdr.ack - snd_una_q;
    progress = 1'b0;
    nak_req  = 1'b0;

    // ---- link FSM ----
    unique case (state_q)
      LsQuiet: if (quiet_cnt_q == QuietW'(QuietCycles - 1)) state_d = LsDown;
      LsDown: begin
        if (rx_good && ps == LsDown) state_d = LsInit;
        else if (rx_good && ps == LsInit) state_d = LsUp;
      end
      LsInit: begin
        if (rx_good && (ps == LsInit || ps == LsUp)) state_d = LsUp;
        else if (silence_timeout) state_d = LsDown;
      end
      LsUp: begin
        // The peer restarted (it is Down again), or it has gone silent.
        if ((rx_good && ps == LsDown) || silence_timeout) declare_down = 1'b1;
      end
      default: state_d = LsDown;
    endcase

    acc_hdr = rx_good && (state_d == LsUp) && !declare_down && (ps == LsInit || ps == LsUp);
    is_data = acc_hdr && (df_hdr.kind == KindData);
    seq_off = df_hdr.seq - rcv_nxt_q;
    in_seq  = is_data && (seq_off == '0);
    gap     = is_data && (seq_off != '0) && !seq_off[SeqW-1];

    if (acc_hdr && ack_off <= (snd_max_q - snd_una_q)) begin
      progress    = (ack_off != '0);
      snd_una_d   = df_hdr.ack;
      peer_edge_d = df_hdr.ack + SeqW'(df_hdr.room);
      // Acked past what we were about to resend: carry on after it.
      if ((snd_nxt_q - snd_una_q) < ack_off) snd_nxt_d = df_hdr.ack;
      nak_req = df_hdr.nak && (snd_nxt_d != df_hdr.ack);
    end
    if (progress) retry_d = '0;

    // ---- retransmission ----
    timeout = (state_q == LsUp) && outstanding && !sending_data && !progress &&
              (ack_timer_q == AtW'(AckTimeout - 1));
    go_back = timeout || nak_req;
    retry_exhausted = go_back && !progress && (retry_q == RtW'(MaxRetries));
    if (go_back) begin
      snd_nxt_d = snd_una_d;
      retry_d   = retry_d + 1'b1;
    end
    if (!outstanding || sending_data || progress || go_back) ack_timer_d = '0;
    else ack_timer_d = ack_timer_q + 1'b1;
    if (state_q == LsUp && retry_exhausted) declare_down = 1'b1;
    if (declare_down) state_d = LsQuiet;

    // ---- receiving ----
    if (in_seq && rx_slot_ok_q) begin
      rx_commit     = 1'b1;
      rcv_nxt_d     = rcv_nxt_q + 1'b1;
      ack_pending_d = 1'b1;
      nak_sent_d    = 1'b0;
    end
    if (is_data && seq_off[SeqW-1]) begin
      // Seen before (its ack got lost): ack again, deliver nothing.
      dup           = 1'b1;
      ack_pending_d = 1'b1;
    end
    if (gap && !nak_sent_q) begin
      nak_pending_d = 1'b1;
      nak_sent_d    = 1'b1;
    end

    // ---- node's messages ----
    if (tx_msg_done) snd_end_d = snd_end_q + 1'b1;

    // ---- transmitter ----
    // Headers are built from settled state: not while a received frame or a
    // go-back is changing it, nor across a state change.
    can_start = alive_i && !fr_busy && !rx_evt && !go_back && (state_q != LsQuiet) &&
                (state_d == state_q);
    if (can_start) begin
      if (hb_first) begin
        fr_start   = 1'b1;
        start_kind = KindHb;
      end else if (state_q == LsUp && data_avail && window_open && !peer_poll_q) begin
        // (A peer that polls has not heard us for long: short heartbeats,
        // each checkable at once, reach it sooner than a long DATA frame.)
        fr_start   = 1'b1;
        start_kind = KindData;
      end else if (state_q == LsUp && need_ack) begin
        fr_start   = 1'b1;
        start_kind = KindAck;
      end else if (hb_due) begin
        fr_start   = 1'b1;
        start_kind = KindHb;
      end
    end
    fr_hdr_next.kind  = start_kind;
    fr_hdr_next.state = state_q;
    fr_hdr_next.seq   = (start_kind == KindData) ? snd_nxt_q : '0;
    fr_hdr_next.ack   = rcv_nxt_q;
    fr_hdr_next.room  = rx_room;
    fr_hdr_next.nak   = nak_pending_q;
    fr_hdr_next.poll  = polling;
    fr_hdr_next.rsvd  = 1'b0;
    fr_hdr_next.len   = (start_kind == KindData) ? tx_rd_len : '0;

    if (fr_start) begin
      hb_now_d      = 1'b0;
      last_hb_d     = (start_kind == KindHb);
      ack_pending_d = 1'b0;
      nak_pending_d = 1'b0;
      adv_edge_d    = rcv_nxt_q + SeqW'(rx_room);
      if (start_kind == KindData) begin
        ev_data_o = 1'b1;
        snd_nxt_d = snd_nxt_q + 1'b1;
        if (snd_nxt_q == snd_max_q) snd_max_d = snd_max_q + 1'b1;
        else ev_retx_o = 1'b1;
      end
    end
    if (fr_busy || fr_start || state_q == LsQuiet) hb_cnt_d = '0;
    else if (hb_cnt_q != HbW'(HbPeriod)) hb_cnt_d = hb_cnt_q + 1'b1;

    // Every change of state is announced at once, to speed up the handshake,
    // and a poll is answered at once: both with a heartbeat ahead of data.
    if (state_d != state_q && state_d != LsQuiet) hb_now_d = 1'b1;
    if (rx_good && df_hdr.poll && state_d != LsQuiet) hb_now_d = 1'b1;
    if (rx_good) peer_poll_d = df_hdr.poll;
    if (state_d == LsQuiet || state_d == LsDown) peer_poll_d = 1'b0;

    // ---- a dead node starts over, as from reset ----
    if (!alive_i) begin
      state_d      = LsDown;
      quiet_cnt_d  = '0;
      silence_d    = '0;
      hb_cnt_d     = '0;
      hb_now_d     = 1'b1;
      last_hb_d    = 1'b0;
      peer_poll_d  = 1'b0;
      rx_slot_ok_d = 1'b0;
    end

    // ---- sequence state lives only while up ----
    if (state_d != LsUp) begin
      snd_una_d     = '0;
      snd_nxt_d     = '0;
      snd_max_d     = '0;
      snd_end_d     = '0;
      peer_edge_d   = '0;
      ack_timer_d   = '0;
      retry_d       = '0;
      rcv_nxt_d     = '0;
      adv_edge_d    = '0;
      ack_pending_d = 1'b0;
      nak_pending_d = 1'b0;
      nak_sent_d    = 1'b0;
    end
  end

  assign fr_abort = !alive_i || declare_down || (state_q == LsQuiet);

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      state_q       <= LsDown;
      quiet_cnt_q   <= '0;
      silence_q     <= '0;
      hb_cnt_q      <= '0;
      hb_now_q      <= 1'b1;
      last_hb_q     <= 1'b0;
      peer_poll_q   <= 1'b0;
      rx_slot_ok_q  <= 1'b0;
      snd_una_q     <= '0;
      snd_nxt_q     <= '0;
      snd_max_q     <= '0;
      snd_end_q     <= '0;
      peer_edge_q   <= '0;
      ack_timer_q   <= '0;
      retry_q       <= '0;
      rcv_nxt_q     <= '0;
      adv_edge_q    <= '0;
      ack_pending_q <= 1'b0;
      nak_pending_q <= 1'b0;
      nak_sent_q    <= 1'b0;
    end else begin
      state_q       <= state_d;
      quiet_cnt_q   <= quiet_cnt_d;
      silence_q     <= silence_d;
      hb_cnt_q      <= hb_cnt_d;
      hb_now_q      <= hb_now_d;
      last_hb_q     <= last_hb_d;
      peer_poll_q   <= peer_poll_d;
      rx_slot_ok_q  <= rx_slot_ok_d;
      snd_una_q     <= snd_una_d;
      snd_nxt_q     <= snd_nxt_d;
      snd_max_q     <= snd_max_d;
      snd_end_q     <= snd_end_d;
      peer_edge_q   <= peer_edge_d;
      ack_timer_q   <= ack_timer_d;
      retry_q       <= retry_d;
      rcv_nxt_q     <= rcv_nxt_d;
      adv_edge_q    <= adv_edge_d;
      ack_pending_q <= ack_pending_d;
      nak_pending_q <= nak_pending_d;
      nak_sent_q    <= nak_sent_d;
    end
  end

  assign link_up_o      = alive_i && (state_q == LsUp);
  assign state_o        = state_q;
  assign rx_valid_o     = alive_i && rx_buf_valid;
  assign ev_crc_err_o   = rx_evt && df_crc_err;
  assign ev_dup_o       = dup;
  assign ev_delivered_o = alive_i && rx_delivered;
  assign ev_down_o      = declare_down;

  // The deframer has already rejected any header with the reserved bit set.
  logic unused_rsvd;
  assign unused_rsvd = df_hdr.rsvd;

`ifndef SYNTHESIS
  initial begin
    assert (TxSlots >= 2 && (TxSlots & (TxSlots - 1)) == 0 && TxSlots < (1 << (SeqW - 1)))
      else $fatal(1, "link_endpoint: TxSlots must be a power of two in [2, %0d]", (1 << (SeqW - 1)) / 2);
    assert (RxSlots >= 2 && (RxSlots & (RxSlots - 1)) == 0 && RxSlots < (1 << RoomW))
      else $fatal(1, "link_endpoint: RxSlots must be a power of two in [2, 8]");
    assert (MaxMsgWords >= 2 && MaxMsgWords < (1 << LenW))
      else $fatal(1, "link_endpoint: MaxMsgWords must be in [2, %0d]", (1 << LenW) - 1);
    // After PollAfter there must be time for one poll and its answer, each
    // possibly behind a full frame.
    assert (PollAfter + 2 * (MaxMsgWords + 2) + 2 * PollPeriod < HbTimeout)
      else $fatal(1, "link_endpoint: HbTimeout %0d leaves no time to poll after %0d (HbPeriod + a full frame)",
                  HbTimeout, PollAfter);
    assert (QuietCycles >= HbTimeout) else $fatal(1, "link_endpoint: QuietCycles must be >= HbTimeout");
    assert (AckTimeout >= 2 * (MaxMsgWords + 2) + 8)
      else $fatal(1, "link_endpoint: AckTimeout %0d below the round trip of a full frame", AckTimeout);
  end

  logic [SeqW-1:0] nxt_off, max_off, end_off;
  assign nxt_off = snd_nxt_q - snd_una_q;
  assign max_off = snd_max_q - snd_una_q;
  assign end_off = snd_end_q - snd_una_q;

  always_ff @(posedge clk_i) begin
    if (rst_ni) begin
      // Sender pointers stay ordered and within the window of slots.
      assert (nxt_off <= max_off && max_off <= end_off && end_off <= SeqW'(TxSlots))
        else $error("link_endpoint: sender pointers una=%0d nxt=%0d max=%0d end=%0d",
                    snd_una_q, snd_nxt_q, snd_max_q, snd_end_q);
      // Sequence state exists only while the link is up.
      assert (state_q == LsUp || (snd_end_q == '0 && rcv_nxt_q == '0 && !ack_pending_q))
        else $error("link_endpoint: sequence state outside Up");
      // Never send a message the peer has no room for, nor one we do not have.
      assert (!(fr_start && start_kind == KindData && !(window_open && data_avail)))
        else $error("link_endpoint: DATA frame outside the window");
      // Only whole messages, and only into a free slot.
      assert (!(rx_commit && !(rx_room != '0 && df_hdr.len != '0)))
        else $error("link_endpoint: commit without room or payload");
      // A quiet side says nothing.
      assert (!(state_q == LsQuiet && wire_o.valid && wire_o.sof))
        else $error("link_endpoint: frame started while quiet");
      assert (!(link_up_o && !alive_i)) else $error("link_endpoint: up while dead");
    end
  end
`endif

`ifndef SYNTHESIS
  // Cover points: recovery from every link fault, flow control, and the link
  // going down (user coverage under --coverage; ignored otherwise).
  Retransmit_C: cover property (@(posedge clk_i) rst_ni && ev_retx_o);
  AckTimeout_C: cover property (@(posedge clk_i) rst_ni && timeout);
  NakGoBack_C: cover property (@(posedge clk_i) rst_ni && nak_req);
  CrcError_C: cover property (@(posedge clk_i) rst_ni && ev_crc_err_o);
  Duplicate_C: cover property (@(posedge clk_i) rst_ni && dup);
  NoRxRoom_C: cover property (@(posedge clk_i)
    rst_ni && wire_i.valid && wire_i.sof && rx_room == '0);
  WindowClosed_C: cover property (@(posedge clk_i)
    rst_ni && state_q == LsUp && data_avail && !window_open);
  RetriesExhausted_C: cover property (@(posedge clk_i)
    rst_ni && state_q == LsUp && retry_exhausted);
  PeerRestarted_C: cover property (@(posedge clk_i)
    rst_ni && state_q == LsUp && rx_good && ps == LsDown);
  LinkDown_C: cover property (@(posedge clk_i) rst_ni && declare_down);
`endif
endmodule
