// A node's DMA copy engine (patent [0037]-[0038], copy module 240): moves
// whole pages between the storage cache (page port), the local memory (word
// port) and the replication link (send/receive streams). One command at a
// time; one completion per command, in order. When nothing stalls it moves
// one word per cycle.
module dma_engine
  import storage_pkg::*;
#(
  parameter int unsigned PageWords = 16,
  parameter int unsigned Frames    = 8,
  parameter int unsigned Blocks    = 256,
  localparam int unsigned AddrW    = $clog2(Frames * PageWords)
) (
  input  logic              clk_i,
  input  logic              rst_ni,
  // Node failure: drop the command in flight (and its completion), return to
  // idle. Also passed to the page port as pp_abort_o so the slave lets go.
  input  logic              abort_i,
  output logic              busy_o,

  // commands in, completions out (one per command, in order)
  input  logic              cmd_valid_i,
  output logic              cmd_ready_o,
  input  dma_cmd_t          cmd_i,
  output logic              done_valid_o,
  input  logic              done_ready_i,
  output dma_done_t         done_o,

  // page port (master) towards the storage cache
  output logic              pp_req_valid_o,
  input  logic              pp_req_ready_i,
  output logic              pp_req_write_o,
  output logic [BlockW-1:0] pp_req_block_o,
  output logic              pp_wr_valid_o,
  input  logic              pp_wr_ready_i,
  output logic [WordW-1:0]  pp_wr_data_o,
  input  logic              pp_rd_valid_i,
  output logic              pp_rd_ready_o,
  input  logic [WordW-1:0]  pp_rd_data_i,
  input  logic              pp_wack_i,
  output logic              pp_abort_o,

  // local memory word port (master)
  output logic              mem_req_o,
  input  logic              mem_gnt_i,
  output logic              mem_we_o,
  output logic [AddrW-1:0]  mem_addr_o,
  output logic [WordW-1:0]  mem_wdata_o,
  input  logic              mem_rvalid_i,
  input  logic [WordW-1:0]  mem_rdata_i,

  // SEND payload out (to the inter-node link)
  output logic              send_valid_o,
  input  logic              send_ready_i,
  output logic [WordW-1:0]  send_data_o,
  output logic              send_last_o,

  // RECEIVE payload in (from the inter-node link)
  input  logic              recv_valid_i,
  output logic              recv_ready_o,
  input  logic [WordW-1:0]  recv_data_i,
  input  logic              recv_last_i
);
  localparam int unsigned CntW      = $clog2(PageWords + 1);
  localparam int unsigned FifoDepth = 3;
  localparam int unsigned FifoCntW  = $clog2(FifoDepth + 1);

  typedef enum logic [3:0] {
    EngIdle,     // waiting for a command
    EngRdReq,    // PAGE_IN: read request on the page port
    EngRdData,   // PAGE_IN: page port read data -> local memory
    EngWrReq,    // DESTAGE: write request on the page port (memory reads start)
    EngWrData,   // DESTAGE: local memory -> page port write data
    EngWack,     // DESTAGE: waiting for the cache to acknowledge the page
    EngSend,     // SEND: local memory -> send stream
    EngRecv,     // RECEIVE: receive stream -> local memory
    EngDrain,    // RECEIVE: discard the rest of a bad payload up to its last word
    EngZero,     // ZERO: write zeros into the frame
    EngDone      // completion presented until taken
  } dma_state_e;

  dma_state_e  state_q, state_d;
  dma_cmd_t    cmd_q, cmd_d;
  dma_status_e status_q, status_d;
  logic [CntW-1:0] idx_q, idx_d;      // words completed (written to memory, or sent)
  logic [CntW-1:0] issue_q, issue_d;  // memory reads issued (DESTAGE, SEND)
  logic            inflight_q;        // a memory read was granted last cycle

  logic [AddrW-1:0] base;
  logic             frame_ok, block_ok;
  logic             reading;          // the memory -> stream pipeline runs
  logic             rd_issue;
  logic             fifo_valid, fifo_ready;
  logic [WordW-1:0] fifo_data;
  logic [FifoCntW-1:0] fifo_count;
  logic             mem_go;
  logic             last_word;

  assign base      = AddrW'(32'(cmd_q.frame) * PageWords);
  assign frame_ok  = 32'(cmd_i.frame) < Frames;
  assign block_ok  = 32'(cmd_i.block) < Blocks;
  assign last_word = 32'(idx_q) == PageWords - 1;

  // Memory read pipeline for DESTAGE and SEND: at most FifoDepth words read
  // and not yet sent, so a granted read always finds room in the FIFO.
  assign reading  = state_q inside {EngWrReq, EngWrData, EngSend};
  assign rd_issue = reading && (32'(issue_q) < PageWords)
                    && (32'(fifo_count) + 32'(inflight_q) < FifoDepth);

  always_comb begin
    mem_req_o   = 1'b0;
    mem_we_o    = 1'b0;
    mem_addr_o  = base + AddrW'(idx_q);
    mem_wdata_o = '0;
    unique case (state_q)
      EngRdData: begin
        mem_req_o   = pp_rd_valid_i;
        mem_we_o    = 1'b1;
        mem_wdata_o = pp_rd_data_i;
      end
      EngRecv: begin
        mem_req_o   = recv_valid_i;
        mem_we_o    = 1'b1;
        mem_wdata_o = recv_data_i;
      end
      EngZero: begin
        mem_req_o   = 1'b1;
        mem_we_o    = 1'b1;
      end
      EngWrReq, EngWrData, EngSend: begin
        mem_req_o  = rd_issue;
        mem_addr_o = base + AddrW'(issue_q);
      end
      default: ;
    endcase
    // Nothing leaves the engine in the cycle it is aborted.
    if (abort_i) mem_req_o = 1'b0;
  end
  assign mem_go = mem_req_o && mem_gnt_i;

  storage_fifo #(
    .Width (WordW),
    .Depth (FifoDepth)
  ) u_fifo (
    .clk_i       (clk_i),
    .rst_ni      (rst_ni),
    .clear_i     (abort_i),
    // A read granted before an abort answers after it: inflight_q is
    // cleared by the abort, so that stray word is not pushed.
    .push_i      (mem_rvalid_i && inflight_q),
    .push_data_i (mem_rdata_i),
    .valid_o     (fifo_valid),
    .ready_i     (fifo_ready),
    .data_o      (fifo_data),
    .count_o     (fifo_count)
  );

  assign fifo_ready = !abort_i && (((state_q == EngWrData) && pp_wr_ready_i) ||
                                   ((state_q == EngSend) && send_ready_i));

  assign pp_req_valid_o = !abort_i && (state_q inside {EngRdReq, EngWrReq});
  assign pp_req_write_o = (state_q == EngWrReq);
  assign pp_req_block_o = cmd_q.block;
  assign pp_wr_valid_o  = !abort_i && (state_q == EngWrData) && fifo_valid;
  assign pp_wr_data_o   = fifo_data;
  assign pp_rd_ready_o  = !abort_i && (state_q == EngRdData) && mem_gnt_i;
  assign pp_abort_o     = abort_i;

  assign send_valid_o   = !abort_i && (state_q == EngSend) && fifo_valid;
  assign send_data_o    = fifo_data;
  assign send_last_o    = last_word;

  assign recv_ready_o   = !abort_i && (((state_q == EngRecv) && mem_gnt_i) || (state_q == EngDrain));

  assign cmd_ready_o    = !abort_i && (state_q == EngIdle);
  assign done_valid_o   = !abort_i && (state_q == EngDone);
  assign done_o         = '{op: cmd_q.op, frame: cmd_q.frame, tag: cmd_q.tag, status: status_q};
  assign busy_o         = (state_q != EngIdle);

  always_comb begin
    state_d  = state_q;
    cmd_d    = cmd_q;
    status_d = status_q;
    idx_d    = idx_q;
    issue_d  = issue_q;
    if (rd_issue && mem_gnt_i && !abort_i) issue_d = issue_q + 1'b1;

    unique case (state_q)
      EngIdle: begin
        if (cmd_valid_i && cmd_ready_o) begin
          cmd_d    = cmd_i;
          status_d = DmaOk;
          idx_d    = '0;
          issue_d  = '0;
          state_d  = EngDone;
          unique case (cmd_i.op)
            DmaPageIn, DmaDestage: begin
              if (!frame_ok) status_d = DmaBadFrame;
              else if (!block_ok) status_d = DmaBadBlock;
              else state_d = (cmd_i.op == DmaPageIn) ? EngRdReq : EngWrReq;
            end
            DmaSend, DmaZero: begin
              if (!frame_ok) status_d = DmaBadFrame;
              else state_d = (cmd_i.op == DmaSend) ? EngSend : EngZero;
            end
            DmaReceive: begin
              // A bad frame still consumes its payload so the link stream
              // stays aligned on page boundaries.
              if (!frame_ok) begin
                status_d = DmaBadFrame;
                state_d  = EngDrain;
              end else begin
                state_d = EngRecv;
              end
            end
            default: status_d = DmaBadOp;
          endcase
        end
      end
      EngRdReq: if (pp_req_valid_o && pp_req_ready_i) state_d = EngRdData;
      EngRdData: begin
        if (pp_rd_valid_i && pp_rd_ready_o) begin
          idx_d = idx_q + 1'b1;
          if (last_word) state_d = EngDone;
        end
      end
      EngWrReq: if (pp_req_valid_o && pp_req_ready_i) state_d = EngWrData;
      EngWrData: begin
        if (fifo_valid && fifo_ready) begin
          idx_d = idx_q + 1'b1;
          if (last_word) state_d = EngWack;
        end
      end
      EngWack: if (pp_wack_i) state_d = EngDone;
      EngSend: begin
        if (fifo_valid && fifo_ready) begin
          idx_d = idx_q + 1'b1;
          if (last_word) state_d = EngDone;
        end
      end
      EngRecv: begin
        if (recv_valid_i && recv_ready_o) begin
          idx_d = idx_q + 1'b1;
          if (recv_last_i) begin
            if (!last_word) status_d = DmaBadLength;
            state_d = EngDone;
          end else if (last_word) begin
            status_d = DmaBadLength;
            state_d  = EngDrain;
          end
        end
      end
      EngDrain: if (recv_valid_i && recv_last_i) state_d = EngDone;
      EngZero: begin
        if (mem_go) begin
          idx_d = idx_q + 1'b1;
          if (last_word) state_d = EngDone;
        end
      end
      EngDone: if (done_ready_i) state_d = EngIdle;
      default: state_d = EngIdle;
    endcase

    if (abort_i) state_d = EngIdle;
  end

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      state_q    <= EngIdle;
      cmd_q      <= '0;
      status_q   <= DmaOk;
      idx_q      <= '0;
      issue_q    <= '0;
      inflight_q <= 1'b0;
    end else begin
      state_q    <= state_d;
      cmd_q      <= cmd_d;
      status_q   <= status_d;
      idx_q      <= idx_d;
      issue_q    <= issue_d;
      inflight_q <= mem_go && !mem_we_o && !abort_i;
    end
  end

`ifndef SYNTHESIS
  always_ff @(posedge clk_i) begin
    if (rst_ni) begin
      assert (PageWords >= 2 && (PageWords & (PageWords - 1)) == 0)
        else $error("dma_engine: PageWords (%0d) must be a power of two >= 2", PageWords);
      assert (32'(idx_q) <= PageWords) else $error("dma_engine: word index %0d past the page", idx_q);
      assert (32'(issue_q) <= PageWords) else $error("dma_engine: %0d reads issued for one page", issue_q);
      // A word can only be sent after it was read from memory.
      assert (!(reading && idx_q > issue_q)) else $error("dma_engine: sent more words than read");
      // Local memory answers every granted read in the next cycle.
      assert (!(inflight_q && !abort_i && !mem_rvalid_i)) else $error("dma_engine: memory read data missing");
    end
  end
`endif
endmodule
