// Inter-node link: frame layout, link states and the word-serial CRC-32
// shared by the endpoints, the framer/deframer and the wire model.
// docs/rtl-link.md describes every field; test/rtl/link.test.ts packs and
// checks the same layout in software.
package link_pkg;

  localparam int unsigned WordW = 32;
  // Sequence numbers: 5 bits, so a window of up to 15 frames keeps duplicates
  // (behind the expected number) and gaps (ahead of it) apart.
  localparam int unsigned SeqW  = 5;
  // Free receive slots advertised in every header.
  localparam int unsigned RoomW = 4;
  // Payload words of a DATA frame: 4 + 1024 words (a 4 KiB page) must fit.
  localparam int unsigned LenW  = 11;

  // Standard CRC-32 (IEEE 802.3 / zlib): reflected, polynomial 0xEDB88320,
  // initial value and final XOR all ones.
  localparam logic [WordW-1:0] CrcPoly = 32'hEDB8_8320;
  localparam logic [WordW-1:0] CrcInit = 32'hFFFF_FFFF;

  // Header word 0 [31:30]: the frame's kind. 2'b00 is never sent, so an
  // all-zero word can never pass as a header.
  typedef enum logic [1:0] {
    KindNone = 2'b00,
    KindData = 2'b01,  // header, `len` message words, CRC
    KindAck  = 2'b10,  // header, CRC: carries ack/room/nak only
    KindHb   = 2'b11   // header, CRC: heartbeat (also the link handshake)
  } kind_e;

  // Link state of an endpoint. Every header carries its sender's state
  // (Down/Init/Up) so the two sides can run a three-way handshake
  // (the BFD scheme, RFC 5880); Quiet is never sent: a quiet side is silent.
  typedef enum logic [1:0] {
    LsQuiet = 2'b00,  // declared down, silent for QuietCycles
    LsDown  = 2'b01,  // sequence state fresh, looking for the peer
    LsInit  = 2'b10,  // heard the peer in Down
    LsUp    = 2'b11   // link up: data flows
  } link_state_e;

  typedef struct packed {
    kind_e             kind;   // [31:30]
    link_state_e       state;  // [29:28] sender's link state
    logic [SeqW-1:0]   seq;    // [27:23] DATA: this frame's sequence number; else 0
    logic [SeqW-1:0]   ack;    // [22:18] next sequence number the sender expects (cumulative ack)
    logic [RoomW-1:0]  room;   // [17:14] free receive slots of the sender, counted from `ack`
    logic              nak;    // [13]    the sender saw a gap: go back to `ack` now
    logic              poll;   // [12]    the sender has not heard us for a while: answer at once
    logic              rsvd;   // [11]    0
    logic [LenW-1:0]   len;    // [10:0]  DATA: message words (>= 1); else 0
  } hdr_t;

  // One word on the wire. `sof`/`eof` are the line code's frame delimiters
  // (like control symbols): faults corrupt `data` only, never the delimiters.
  typedef struct packed {
    logic             valid;
    logic             sof;
    logic             eof;
    logic [WordW-1:0] data;
  } wire_word_t;

  // One 32-bit word into the running CRC: the word's bytes go in little-endian
  // order, each least significant bit first (a reflected CRC), so the CRC of a
  // frame equals zlib's crc32 over its words stored little-endian.
  function automatic logic [WordW-1:0] crc32_word(logic [WordW-1:0] crc, logic [WordW-1:0] data);
    logic [WordW-1:0] c;
    c = crc ^ data;
    for (int i = 0; i < 32; i++) begin
      c = c[0] ? ((c >> 1) ^ CrcPoly) : (c >> 1);
    end
    return c;
  endfunction

endpackage
