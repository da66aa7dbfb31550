// Shared encodings of the mirrored memory system: synchronization messages,
// process requests and their answers. Every field's bit position is listed in
// docs/rtl.md; the TypeScript testbench packs and unpacks the same layout.
package mirrorsim_pkg;

  // ---------------------------------------------------------------------------
  // Words and identifiers
  // ---------------------------------------------------------------------------
  localparam int unsigned WordW   = 32;
  localparam int unsigned GuidW   = 16;  // {node id, 15-bit counter}
  localparam int unsigned OwnerW  = 4;   // {node id, 3-bit process id}
  localparam int unsigned Owners  = 1 << OwnerW;
  localparam int unsigned VpageW  = 8;
  localparam int unsigned TagW    = 8;

  // ---------------------------------------------------------------------------
  // Synchronization messages (originator -> partner) and answers (partner ->
  // originator), patent Fig. 10. A message is four header words, then the page
  // payload (PageWords words) when `has_payload` is set.
  // ---------------------------------------------------------------------------
  typedef enum logic [3:0] {
    MsgNone        = 4'd0,
    MsgSpaceReq    = 4'd1,   // arg0: frames needed
    MsgAllocMem    = 4'd2,   // arg0: pages, arg1[3:0]: policy, arg1[15:8]: originator slot
    MsgReleaseMem  = 4'd3,
    MsgLockReq     = 4'd4,   // page
    MsgReadHeader  = 4'd5,
    MsgWritePage   = 4'd6,   // page, payload: the page's data
    MsgSenseReq    = 4'd7,   // arg0: what (SenseWhat)
    MsgAllocRead   = 4'd8,   // page, owner, arg1[0]: page in
    MsgAllocWrite  = 4'd9,   // page, owner, arg1[0]: page in
    MsgReleasePtr  = 4'd10,  // page, owner, arg1[1]: evict (drop the page, free its frame)
    AnsComplete    = 4'd11,  // arg1[7:0]: status (Status)
    AnsSpaceStatus = 4'd12,  // arg0: free frames, arg1[0]: enough for the request
    AnsLockStatus  = 4'd13,  // arg0: LockState, arg1[Owners-1:0]: read owners
    AnsHeader      = 4'd14,  // payload: HeaderWords words of the allocation's header
    AnsSenseInfo   = 4'd15   // arg0, arg1: the requested information
  } msg_type_e;


  // Word 0 of every message.
  typedef struct packed {
    msg_type_e        msg_type;     // [31:28]
    logic [TagW-1:0]  tag;          // [27:20] transaction tag, echoed by the answer
    logic             src_node;     // [19]
    logic             has_payload;  // [18]
    logic [1:0]       reserved;     // [17:16]
    logic [GuidW-1:0] guid;         // [15:0]
  } msg_word0_t;

  // Word 1.
  typedef struct packed {
    logic [15:0]       page;   // [31:16] virtual page
    logic [11:0]       zero;   // [15:4]
    logic [OwnerW-1:0] owner;  // [3:0]
  } msg_word1_t;
  // Words 2 and 3 are arg0 and arg1, 32 bits each.

  // Outcome of an operation, in AnsComplete and in process responses.
  typedef enum logic [7:0] {
    StOk            = 8'd0,
    StNull          = 8'd1,   // get pointer: locked or no space; the request is queued
    StDenied        = 8'd2,   // allocate with immediate: no space now
    StGranted       = 8'd3,   // a queued request granted later (second response)
    StUnknownGuid   = 8'd4,
    StBadPage       = 8'd5,
    StNotOwner      = 8'd6,   // release/data access without the needed lock
    StNoSlot        = 8'd7,   // allocation table full
    StDuplicate     = 8'd8,   // allocate memory for a GUID that exists
    StPartnerTimeout= 8'd9,   // the partner did not answer within the bound
    StPartnerDown   = 8'd10,  // the link is down
    StNotLocal      = 8'd11,  // the allocation belongs to the other node
    StBadRequest    = 8'd12,  // malformed or unknown message
    StNoFrame       = 8'd13   // a page-in found no free frame
  } status_e;

  // Lock state of one page, as reported by AnsLockStatus (arg0).
  typedef struct packed {
    logic [15:0]       zero;
    logic              resident;     // [15]
    logic              modified;     // [14]
    logic              write_locked; // [13]
    logic [0:0]        pad;          // [12]
    logic [OwnerW-1:0] write_owner;  // [11:8]
    logic [7:0]        read_count;   // [7:0]
  } lock_state_t;

  typedef enum logic [3:0] {
    SenseFreeFrames = 4'd0,  // arg0: free frames, arg1: frames in all
    SenseAllocs     = 4'd1,  // arg0: live allocations, arg1: GUID counter
    SenseQueues     = 4'd2,  // arg0: {paging, destage, replacement} depths
    SenseNode       = 4'd3   // arg0: node id, arg1: link up
  } sense_what_e;

  // ---------------------------------------------------------------------------
  // Process requests (originator side, patent Figs. 4-9)
  // ---------------------------------------------------------------------------
  typedef enum logic [2:0] {
    OpNone       = 3'd0,
    OpAllocate   = 3'd1,
    OpGetRead    = 3'd2,
    OpGetWrite   = 3'd3,
    OpReleasePtr = 3'd4,
    OpReleaseMem = 3'd5
  } proc_op_e;

  // 64-bit process request.
  typedef struct packed {
    logic [TagW-1:0]  tag;        // [63:56] the process's id for this request
    proc_op_e         op;         // [55:53]
    logic [2:0]       pid;        // [52:50] process on this node
    logic             immediate;  // [49] allocate: deny at once instead of waiting
    logic             home;       // [48] allocate: the node whose process asks (the other one only after a takeover)
    logic [GuidW-1:0] guid;       // [47:32] get/release pointer, release memory
    logic [VpageW-1:0] page;      // [31:24]
    logic [7:0]       pages;      // [23:16] allocate: size in pages
    logic [3:0]       policy;     // [15:12] allocate: block-size policy
    logic [11:0]      zero;       // [11:0]
  } proc_req_t;

  // 64-bit process response.
  typedef struct packed {
    logic [TagW-1:0]  tag;        // [63:56]
    proc_op_e         op;         // [55:53]
    logic [2:0]       pid;        // [52:50]
    logic [1:0]       pad;        // [49:48]
    logic [GuidW-1:0] guid;       // [47:32] allocate: the new GUID
    status_e          status;     // [31:24]
    logic [7:0]       page;       // [23:16]
    logic [15:0]      pointer;    // [15:0] get pointer: the local frame
  } proc_resp_t;

  // Data port request (72 bits): a process reads or writes one word of a
  // page it holds a pointer to.
  typedef struct packed {
    logic              write;   // [71]
    logic [2:0]        pid;     // [70:68]
    logic [VpageW-1:0] page;    // [67:60]
    logic [11:0]       offset;  // [59:48] word offset within the page
    logic [GuidW-1:0]  guid;    // [47:32]
    logic [WordW-1:0]  wdata;   // [31:0]
  } data_req_t;

  // Data port response (40 bits).
  typedef struct packed {
    status_e          status;   // [39:32] StOk, or StNotOwner / StUnknownGuid / StBadPage
    logic [WordW-1:0] rdata;    // [31:0]
  } data_resp_t;

endpackage
