// Encodings of the node's storage datapath: DMA (copy module) commands and
// completions. docs/rtl-storage.md lists every field's bit position; the
// TypeScript tests (test/rtl/storage/) pack and unpack the same layout.
package storage_pkg;

  localparam int unsigned WordW  = 32;
  localparam int unsigned FrameW = 16;
  localparam int unsigned BlockW = 16;
  localparam int unsigned TagW   = 8;

  // Value 0 is deliberately not an operation: an all-zero command word is a
  // driver bug and must come back as an error, not as a silent copy.
  typedef enum logic [2:0] {
    DmaOpNone    = 3'd0,
    DmaPageIn    = 3'd1,  // block -> frame, through the storage cache
    DmaDestage   = 3'd2,  // frame -> block, done when the cache holds it
    DmaSend      = 3'd3,  // frame -> send stream (replication to the partner)
    DmaReceive   = 3'd4,  // receive stream -> frame
    DmaZero      = 3'd5   // clear a frame
  } dma_op_e;

  typedef enum logic [2:0] {
    DmaOk        = 3'd0,
    DmaBadFrame  = 3'd1,  // frame >= Frames
    DmaBadBlock  = 3'd2,  // block >= Blocks (PAGE_IN, DESTAGE)
    DmaBadOp     = 3'd3,  // op not in dma_op_e (or DmaOpNone)
    DmaBadLength = 3'd4   // RECEIVE: recv_last_i not on word PageWords-1
  } dma_status_e;

  // 43 bits: op [42:40], frame [39:24], block [23:8], tag [7:0].
  typedef struct packed {
    dma_op_e           op;
    logic [FrameW-1:0] frame;
    logic [BlockW-1:0] block;
    logic [TagW-1:0]   tag;
  } dma_cmd_t;

  // 30 bits: op [29:27], frame [26:11], tag [10:3], status [2:0].
  typedef struct packed {
    dma_op_e           op;
    logic [FrameW-1:0] frame;
    logic [TagW-1:0]   tag;
    dma_status_e       status;
  } dma_done_t;

endpackage
