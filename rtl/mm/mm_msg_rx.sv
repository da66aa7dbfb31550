// Receives whole messages from the link and from the host's injection port,
// one at a time: collects the four header words and the rest of the message,
// then hands requests to the partner side and answers to the originator side.
//
// Only a write page carries a payload to the partner, and it is held here
// until its last word (a page-sized buffer), so its length is known before
// any word of it can reach local memory; then it is replayed to the partner.
// A message of the wrong length (shorter than a header, a payload announced
// but missing or sent but not announced, a payload on any request but write
// page, a write page without exactly one page of payload) and an answer type
// arriving at the injection port (which carries requests for the partner
// side only) are flagged `bad`, never dropped silently: the partner answers
// them with StBadRequest. Whatever follows the header of a flagged message is
// discarded before it is handed on, so its answer never leaves before the
// whole message has been taken.
module mm_msg_rx
  import mirrorsim_pkg::*;
  import mm_pkg::*;
#(
  parameter int unsigned PageWords = 16,
  localparam int unsigned IdxW     = (PageWords > 1) ? $clog2(PageWords) : 1,
  localparam int unsigned CntW     = $clog2(PageWords + 1)
) (
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
  // the payload of the request just taken (write page): exactly PageWords words
  output logic             pay_valid_o,
  input  logic             pay_ready_i,
  output logic [WordW-1:0] pay_data_o,
  output logic             pay_last_o,
  output logic [31:0]      stat_bad_o
);
  typedef enum logic [2:0] {
    Idle,     // waiting for a message on either input
    Header,   // the four header words
    Collect,  // a write page's payload into the buffer, counted
    Drain,    // the rest of a message that is not handed on, discarded
    Deliver,  // the header to the partner (requests) or the originator (answers)
    Replay    // the buffered page to the partner
  } state_e;
  state_e state_q, state_d;
  logic source_q, source_d;            // which input the message comes from
  logic last_source_q, last_source_d;  // round robin between the inputs
  msg_header_t header_q, header_d;
  logic [1:0] index_q, index_d;
  logic bad_q, bad_d;
  logic [CntW-1:0] words_q, words_d;   // payload words stored (Collect), then replayed (Replay)
  logic [31:0] stat_bad_q, stat_bad_d;

  // The write page payload, held until its last word has been counted.
  logic [WordW-1:0] page_q [PageWords];
  logic             page_we;

  logic             cur_valid;
  logic [WordW-1:0] cur_data;
  logic             cur_last;
  assign cur_valid = in_valid_i[source_q];
  assign cur_data  = in_data_i[source_q];
  assign cur_last  = in_last_i[source_q];

  // The header as it stands once its last word is taken (Header, index 3).
  msg_type_e new_kind;
  logic      new_request, new_payload;
  assign new_kind    = header_type(header_d);
  assign new_request = new_kind inside {[MsgNone:MsgReleasePtr]};
  assign new_payload = header_has_payload(header_d);

  logic is_request;
  assign is_request = header_type(header_q) inside {[MsgNone:MsgReleasePtr]} || bad_q;

  always_comb begin
    state_d       = state_q;
    source_d      = source_q;
    last_source_d = last_source_q;
    header_d      = header_q;
    index_d       = index_q;
    bad_d         = bad_q;
    words_d       = words_q;
    stat_bad_d    = stat_bad_q;
    in_ready_o    = '0;
    req_valid_o   = 1'b0;
    ans_valid_o   = 1'b0;
    pay_valid_o   = 1'b0;
    pay_data_o    = page_q[words_q[IdxW-1:0]];
    pay_last_o    = (32'(words_q) == PageWords - 1);
    page_we       = 1'b0;
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
        words_d  = '0;
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
            state_d = Deliver;
          end else if (index_q == 2'd3) begin
            // A payload must be announced, and an announced payload must follow.
            if (cur_last == new_payload) bad_d = 1'b1;
            // Of the requests only a write page carries a payload, and it always does.
            if (new_request && ((new_kind == MsgWritePage) != new_payload)) bad_d = 1'b1;
            // The injection port carries requests for the partner side only.
            if (source_q && !new_request) bad_d = 1'b1;
            if (cur_last) state_d = Deliver;
            else if (!bad_d && new_request) state_d = Collect;   // a write page
            else state_d = Drain;
          end
        end
      end
      Collect: begin
        in_ready_o[source_q] = 1'b1;
        if (cur_valid) begin
          if (32'(words_q) < PageWords) begin
            page_we = 1'b1;
            words_d = words_q + 1'b1;
          end else begin
            bad_d = 1'b1;                 // longer than a page
          end
          if (cur_last) begin
            if (32'(words_d) != PageWords) bad_d = 1'b1;   // shorter than a page
            state_d = Deliver;
          end
        end
      end
      Drain: begin
        in_ready_o[source_q] = 1'b1;
        if (cur_valid && cur_last) state_d = Deliver;
      end
      Deliver: begin
        if (is_request) begin
          req_valid_o = 1'b1;
          if (req_ready_i) begin
            last_source_d = source_q;
            words_d       = '0;
            if (bad_q) stat_bad_d = stat_bad_q + 1;
            // Only a good write page has a payload left to hand on.
            state_d = (header_has_payload(header_q) && !bad_q) ? Replay : Idle;
          end
        end else begin
          ans_valid_o = 1'b1;
          if (ans_ready_i) begin
            last_source_d = source_q;
            state_d = Idle;
          end
        end
      end
      Replay: begin
        pay_valid_o = 1'b1;
        if (pay_ready_i) begin
          words_d = words_q + 1'b1;
          if (pay_last_o) state_d = Idle;
        end
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
      words_q       <= '0;
      stat_bad_q    <= '0;
    end else begin
      state_q       <= state_d;
      source_q      <= source_d;
      last_source_q <= last_source_d;
      header_q      <= header_d;
      index_q       <= index_d;
      bad_q         <= bad_d;
      words_q       <= words_d;
      stat_bad_q    <= stat_bad_d;
    end
  end

  // The page buffer: storage only, no reset.
  always_ff @(posedge clk_i) begin
    if (page_we) page_q[words_q[IdxW-1:0]] <= cur_data;
  end

`ifndef SYNTHESIS
  // Only a write page of exactly one page is handed on with a payload.
  always_ff @(posedge clk_i) begin
    if (rst_ni && req_valid_o && req_ready_i && header_has_payload(header_q) && !bad_q) begin
      assert (header_type(header_q) == MsgWritePage && 32'(words_q) == PageWords)
        else $error("mm_msg_rx: a payload of %0d words handed on with a message of type %0d",
                    words_q, header_type(header_q));
    end
  end
`endif

  assign req_header_o      = header_q;
  assign req_from_inject_o = source_q;
  assign req_bad_o         = bad_q;
  assign ans_header_o      = header_q;
  assign stat_bad_o        = stat_bad_q;
endmodule
