// The memory manager's internal table entries and the requests its two
// state machines (partner side, originator side) make of the shared tables.
package mm_pkg;
  import mirrorsim_pkg::*;

  // One allocation (patent: GUID, size, block-size policy, owner).
  typedef struct packed {
    logic              valid;
    logic [GuidW-1:0]  guid;
    logic [7:0]        pages;
    logic [3:0]        policy;
    logic [OwnerW-1:0] owner;
    logic [7:0]        orig_slot;  // slot on the originating node: names the disk blocks
  } alloc_entry_t;

  // One page of an allocation: page map entry and page attributes.
  typedef struct packed {
    logic              resident;
    logic [15:0]       frame;
    logic [7:0]        read_count;
    logic [Owners-1:0] read_owners;
    logic              write_locked;
    logic [OwnerW-1:0] write_owner;
    logic [15:0]       usage;       // cycle stamp of the last grant (replacement history)
  } page_entry_t;

  // A write to the allocation table.
  typedef struct packed {
    logic         valid;
    logic [7:0]   slot;
    alloc_entry_t entry;
  } alloc_write_t;

  // A write to one page entry.
  typedef struct packed {
    logic        valid;
    logic [7:0]  slot;
    logic [7:0]  page;
    page_entry_t entry;
  } page_write_t;

  // A message header as the state machines see it.
  typedef struct packed {
    logic [WordW-1:0] w0;
    logic [WordW-1:0] w1;
    logic [WordW-1:0] arg0;
    logic [WordW-1:0] arg1;
  } msg_header_t;

  // A queued paging request: a get pointer (or allocation) that got null.
  typedef struct packed {
    proc_req_t req;
  } paging_entry_t;

  function automatic msg_header_t make_header(msg_type_e kind, logic [TagW-1:0] tag, logic src_node,
                                              logic has_payload, logic [GuidW-1:0] guid,
                                              logic [15:0] page, logic [OwnerW-1:0] owner,
                                              logic [WordW-1:0] arg0, logic [WordW-1:0] arg1);
    msg_word0_t w0;
    msg_word1_t w1;
    msg_header_t h;
    w0.msg_type    = kind;
    w0.tag         = tag;
    w0.src_node    = src_node;
    w0.has_payload = has_payload;
    w0.reserved    = '0;
    w0.guid        = guid;
    w1.page        = page;
    w1.zero        = '0;
    w1.owner       = owner;
    h.w0   = w0;
    h.w1   = w1;
    h.arg0 = arg0;
    h.arg1 = arg1;
    return h;
  endfunction

  // Field extractors: each reads one field of a wider header, so the rest of
  // its argument is unused by design.
  /* verilator lint_off UNUSEDSIGNAL */
  function automatic msg_type_e header_type(msg_header_t h);
    msg_word0_t w0;
    w0 = h.w0;
    return w0.msg_type;
  endfunction

  function automatic logic [GuidW-1:0] header_guid(msg_header_t h);
    msg_word0_t w0;
    w0 = h.w0;
    return w0.guid;
  endfunction

  function automatic logic [TagW-1:0] header_tag(msg_header_t h);
    msg_word0_t w0;
    w0 = h.w0;
    return w0.tag;
  endfunction

  function automatic logic header_has_payload(msg_header_t h);
    msg_word0_t w0;
    w0 = h.w0;
    return w0.has_payload;
  endfunction

  function automatic logic [15:0] header_page(msg_header_t h);
    msg_word1_t w1;
    w1 = h.w1;
    return w1.page;
  endfunction

  function automatic logic [OwnerW-1:0] header_owner(msg_header_t h);
    msg_word1_t w1;
    w1 = h.w1;
    return w1.owner;
  endfunction

  // The lock changes both sides make: a read lock adds an owner (counted
  // once), a write lock is exclusive; unlocking undoes exactly that.
  function automatic page_entry_t lock_page(page_entry_t p, logic read, logic [OwnerW-1:0] owner);
    page_entry_t r;
    r = p;
    if (read) begin
      if (!p.read_owners[owner]) r.read_count = p.read_count + 1'b1;
      r.read_owners[owner] = 1'b1;
    end else begin
      r.write_locked = 1'b1;
      r.write_owner  = owner;
    end
    return r;
  endfunction

  function automatic page_entry_t unlock_page(page_entry_t p, logic read, logic [OwnerW-1:0] owner);
    page_entry_t r;
    r = p;
    if (read) begin
      if (p.read_owners[owner]) r.read_count = p.read_count - 1'b1;
      r.read_owners[owner] = 1'b0;
    end else begin
      r.write_locked = 1'b0;
      r.write_owner  = '0;
    end
    return r;
  endfunction

  // A page just paged in, locked for its first owner.
  function automatic page_entry_t fresh_page(logic [15:0] frame, logic [15:0] usage, logic read,
                                             logic [OwnerW-1:0] owner);
    page_entry_t r;
    r = '0;
    r.resident = 1'b1;
    r.frame    = frame;
    r.usage    = usage;
    return lock_page(r, read, owner);
  endfunction

  // Lock state of a page, as AnsLockStatus reports it.
  function automatic logic [WordW-1:0] lock_state_word(page_entry_t p, logic modified);
    lock_state_t s;
    s.zero         = '0;
    s.resident     = p.resident;
    s.modified     = modified;
    s.write_locked = p.write_locked;
    s.pad          = '0;
    s.write_owner  = p.write_owner;
    s.read_count   = p.read_count;
    return s;
  endfunction
  /* verilator lint_on UNUSEDSIGNAL */
endpackage
