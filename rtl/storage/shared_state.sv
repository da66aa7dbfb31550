// The shared storage's small control area (patent [0030]: node state kept
// where the partner can read it): a reservation both nodes race for when
// they lose sight of each other, and one record per node of what it owns.
//
// - Reservation: a node that sees the link go down claims it; the first claim
//   wins (node A on a tie), and the holder keeps it until it releases it. A
//   failed node never claims, so its survivor always wins; with a cut link
//   both claim and exactly one wins: the loser stops serving (split brain).
// - Records: per node, its GUID counter and, per allocation table slot of
//   its own, {valid, GUID}. Written a word at a time whenever the node
//   creates or dismantles one of its allocations; read by the partner when
//   it takes the node over.
module shared_state #(
  parameter int unsigned MaxAllocs = 8,
  localparam int unsigned SlotW    = (MaxAllocs > 1) ? $clog2(MaxAllocs) : 1
) (
  input  logic             clk_i,
  input  logic             rst_ni,
  // reservation
  input  logic [1:0]       claim_i,      // per node: claim (held high until granted or given up)
  input  logic [1:0]       release_i,    // per node: give the reservation back
  output logic             held_o,
  output logic             holder_o,     // which node holds it (valid with held_o)
  // records: one writer per node (its own record, or the one it has taken over)
  input  logic [1:0]       rec_wr_valid_i,
  input  logic             rec_wr_node_i [2],   // whose record
  input  logic [SlotW-1:0] rec_wr_slot_i [2],
  input  logic [16:0]      rec_wr_data_i [2],   // {valid, GUID}: a new GUID is also the counter
  input  logic             rec_rd_node_i [2],
  input  logic [SlotW-1:0] rec_rd_slot_i [2],
  output logic [16:0]      rec_rd_entry_o [2],
  output logic [14:0]      rec_rd_counter_o [2]
);
  logic        held_q, holder_q;
  logic [16:0] entry_q   [2][MaxAllocs];
  logic [14:0] counter_q [2];

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      held_q   <= 1'b0;
      holder_q <= 1'b0;
      for (int n = 0; n < 2; n++) begin
        counter_q[n] <= '0;
        for (int s = 0; s < MaxAllocs; s++) entry_q[n][s] <= '0;
      end
    end else begin
      if (held_q && release_i[holder_q]) begin
        held_q <= 1'b0;
      end else if (!held_q && claim_i != 2'b00) begin
        held_q   <= 1'b1;
        holder_q <= !claim_i[0];  // node A first on a tie
      end
      for (int n = 0; n < 2; n++) begin
        if (rec_wr_valid_i[n]) begin
          entry_q[rec_wr_node_i[n]][rec_wr_slot_i[n]] <= rec_wr_data_i[n];
          if (rec_wr_data_i[n][16]) counter_q[rec_wr_node_i[n]] <= rec_wr_data_i[n][14:0];
        end
      end
    end
  end

  assign held_o   = held_q;
  assign holder_o = holder_q;
  always_comb begin
    for (int n = 0; n < 2; n++) begin
      rec_rd_entry_o[n]   = entry_q[rec_rd_node_i[n]][rec_rd_slot_i[n]];
      rec_rd_counter_o[n] = counter_q[rec_rd_node_i[n]];
    end
  end

`ifndef SYNTHESIS
  // Each record has one writer at a time: its node, or the node that took it over.
  always_ff @(posedge clk_i) begin
    if (rst_ni) begin
      assert (!(rec_wr_valid_i == 2'b11 && rec_wr_node_i[0] == rec_wr_node_i[1]))
        else $error("shared_state: both nodes wrote the record of node %0d at once", rec_wr_node_i[0]);
    end
  end
`endif
endmodule
