// Receives whole messages from the link and from the host's injection port,
// one at a time: collects the four header words, hands requests to the
// partner side and answers to the originator side, then forwards or drains
// the payload. A message of the wrong length is flagged `bad`, never dropped
// silently: the partner answers it with StBadRequest.
module mm_msg_rx
  import mirrorsim_pkg::*;
  import mm_pkg::*;
(
  input  logic             clk_i,
  input  logic             rst_ni,
  input  logic             abort_i,
  // sources: 0 = link, 1 = injection port
  input  logic [1:0]        in_valid_i,
  output logic [1:0]        in_ready_o,
  input  logic [WordW-1:0]  in_data_i [2],
  input  logic [1:0]        in_last_i,
  // requests, to the partner side
  output logic             req_valid_o,
  input  logic             req_ready_i,
  output msg_header_t      req_header_o,
  output logic             req_from_inject_o,
  output logic             req_bad_o,
  // answers, to the originator side
  output logic             ans_valid_o,
  input  logic             ans_ready_i,
  output msg_header_t      ans_header_o,
  // the payload of the request just taken (write page)
  output logic             pay_valid_o,
  input  logic             pay_ready_i,
  output logic [WordW-1:0] pay_data_o,
  output logic             pay_last_o,
  output logic [31:0]      stat_bad_o
);
  typedef enum logic [2:0] {Idle, Header, Deliver, Payload, Drain} state_e;
  state_e state_q, state_d;
  logic source_q, source_d;            // which input the message comes from
  logic last_source_q, last_source_d;  // round robin between the inputs
  msg_header_t header_q, header_d;
  logic [1:0] index_q, index_d;
  logic bad_q, bad_d;
  logic ended_q, ended_d;              // the message's last word has been seen
  logic [31:0] stat_bad_q, stat_bad_d;

  logic             cur_valid;
  logic [WordW-1:0] cur_data;
  logic             cur_last;
  assign cur_valid = in_valid_i[source_q];
  assign cur_data  = in_data_i[source_q];
  assign cur_last  = in_last_i[source_q];

  logic is_request;
  assign is_request = header_type(header_q) inside {[MsgSpaceReq:MsgReleasePtr]} ||
                      header_type(header_q) == MsgNone || bad_q;

  always_comb begin
    state_d       = state_q;
    source_d      = source_q;
    last_source_d = last_source_q;
    header_d      = header_q;
    index_d       = index_q;
    bad_d         = bad_q;
    ended_d       = ended_q;
    stat_bad_d    = stat_bad_q;
    in_ready_o    = '0;
    req_valid_o   = 1'b0;
    ans_valid_o   = 1'b0;
    pay_valid_o   = 1'b0;
    pay_data_o    = cur_data;
    pay_last_o    = cur_last;
    unique case (state_q)
      Idle: begin
        // Alternate between the inputs when both have a message waiting.
        if (in_valid_i[0] && (!in_valid_i[1] || last_source_q)) begin
          source_d = 1'b0;
          state_d  = Header;
        end else if (in_valid_i[1]) begin
          source_d = 1'b1;
          state_d  = Header;
        end
        header_d = '0;
        index_d  = '0;
        bad_d    = 1'b0;
        ended_d  = 1'b0;
      end
      Header: begin
        in_ready_o[source_q] = 1'b1;
        if (cur_valid) begin
          unique case (index_q)
            2'd0: header_d.w0 = cur_data;
            2'd1: header_d.w1 = cur_data;
            2'd2: header_d.arg0 = cur_data;
            default: header_d.arg1 = cur_data;
          endcase
          index_d = index_q + 1'b1;
          if (cur_last && index_q != 2'd3) begin
            // Shorter than a header: deliver what we have, flagged.
            bad_d   = 1'b1;
            ended_d = 1'b1;
            state_d = Deliver;
          end else if (index_q == 2'd3) begin
            ended_d = cur_last;
            // A payload must be announced, and an announced payload must follow.
            if (cur_last == header_has_payload(header_d)) bad_d = 1'b1;
            state_d = Deliver;
          end
        end
      end
      Deliver: begin
        if (is_request) begin
          req_valid_o = 1'b1;
          if (req_ready_i) begin
            last_source_d = source_q;
            if (bad_q) stat_bad_d = stat_bad_q + 1;
            state_d = ended_q ? Idle : ((header_has_payload(header_q) && !bad_q) ? Payload : Drain);
          end
        end else begin
          ans_valid_o = 1'b1;
          if (ans_ready_i) begin
            last_source_d = source_q;
            state_d = ended_q ? Idle : Drain;
          end
        end
      end
      Payload: begin
        pay_valid_o = cur_valid;
        in_ready_o[source_q] = pay_ready_i;
        if (cur_valid && pay_ready_i && cur_last) state_d = Idle;
      end
      Drain: begin
        in_ready_o[source_q] = 1'b1;
        if (cur_valid && cur_last) state_d = Idle;
      end
      default: state_d = Idle;
    endcase
    if (abort_i) state_d = Idle;
  end

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      state_q       <= Idle;
      source_q      <= 1'b0;
      last_source_q <= 1'b1;
      header_q      <= '0;
      index_q       <= '0;
      bad_q         <= 1'b0;
      ended_q       <= 1'b0;
      stat_bad_q    <= '0;
    end else begin
      state_q       <= state_d;
      source_q      <= source_d;
      last_source_q <= last_source_d;
      header_q      <= header_d;
      index_q       <= index_d;
      bad_q         <= bad_d;
      ended_q       <= ended_d;
      stat_bad_q    <= stat_bad_d;
    end
  end

  assign req_header_o      = header_q;
  assign req_from_inject_o = source_q;
  assign req_bad_o         = bad_q;
  assign ans_header_o      = header_q;
  assign stat_bad_o        = stat_bad_q;
endmodule
