// Sends one message word by word: the four header words, then (optionally)
// the payload forwarded from a word stream (a DMA SEND, or the partner's
// header generator) until its last word.
module mm_msg_emitter
  import mirrorsim_pkg::*;
  import mm_pkg::*;
(
  input  logic             clk_i,
  input  logic             rst_ni,
  input  logic             abort_i,
  // command
  input  logic             start_i,
  input  msg_header_t      header_i,
  input  logic             with_payload_i,
  output logic             busy_o,
  output logic             done_o,      // one-cycle pulse after the last word left
  // payload source
  input  logic             pay_valid_i,
  output logic             pay_ready_o,
  input  logic [WordW-1:0] pay_data_i,
  input  logic             pay_last_i,
  // message out
  output logic             out_valid_o,
  input  logic             out_ready_i,
  output logic [WordW-1:0] out_data_o,
  output logic             out_last_o
);
  typedef enum logic [1:0] {Idle, Header, Payload} state_e;
  state_e state_q, state_d;
  msg_header_t header_q, header_d;
  logic [1:0] index_q, index_d;
  logic payload_q, payload_d;

  always_comb begin
    state_d   = state_q;
    header_d  = header_q;
    index_d   = index_q;
    payload_d = payload_q;
    done_o    = 1'b0;
    out_valid_o = 1'b0;
    out_data_o  = '0;
    out_last_o  = 1'b0;
    pay_ready_o = 1'b0;
    unique case (state_q)
      Idle: begin
        if (start_i) begin
          state_d   = Header;
          header_d  = header_i;
          index_d   = '0;
          payload_d = with_payload_i;
        end
      end
      Header: begin
        out_valid_o = 1'b1;
        unique case (index_q)
          2'd0: out_data_o = header_q.w0;
          2'd1: out_data_o = header_q.w1;
          2'd2: out_data_o = header_q.arg0;
          default: out_data_o = header_q.arg1;
        endcase
        out_last_o = (index_q == 2'd3) && !payload_q;
        if (out_ready_i) begin
          index_d = index_q + 1'b1;
          if (index_q == 2'd3) begin
            if (payload_q) begin
              state_d = Payload;
            end else begin
              state_d = Idle;
              done_o  = 1'b1;
            end
          end
        end
      end
      Payload: begin
        out_valid_o = pay_valid_i;
        out_data_o  = pay_data_i;
        out_last_o  = pay_last_i;
        pay_ready_o = out_ready_i;
        if (pay_valid_i && out_ready_i && pay_last_i) begin
          state_d = Idle;
          done_o  = 1'b1;
        end
      end
      default: state_d = Idle;
    endcase
    if (abort_i) state_d = Idle;
  end

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      state_q   <= Idle;
      header_q  <= '0;
      index_q   <= '0;
      payload_q <= 1'b0;
    end else begin
      state_q   <= state_d;
      header_q  <= header_d;
      index_q   <= index_d;
      payload_q <= payload_d;
    end
  end

  assign busy_o = (state_q != Idle);
endmodule
