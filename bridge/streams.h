// Ready/valid stream drivers and monitors: whole transactions move inside
// the bridge, on the rising edges of a clock the bridge generates, without a
// round trip per beat.
#ifndef MIRRORSIM_STREAMS_H
#define MIRRORSIM_STREAMS_H

#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include "signal_table.h"

namespace ms {

// All random choices come from one generator seeded by --seed, so a run is
// reproducible.
class Rng {
public:
    explicit Rng(uint64_t seed) : gen_(seed) {}
    bool chance(double p) {
        if (p <= 0.0) return false;
        if (p >= 1.0) return true;
        return static_cast<double>(gen_() >> 11) * 0x1.0p-53 < p;
    }

private:
    std::mt19937_64 gen_;
};

struct Stream {
    std::string name;
    bool is_driver = true;
    const Signal* clock = nullptr;
    const Signal* valid = nullptr;
    const Signal* ready = nullptr;  // may be null: every beat is accepted
    std::vector<const Signal*> data;
    unsigned item_words = 0;  // words of one item: all data signals back to back

    // driver
    double idle_prob = 0;
    std::vector<uint32_t> queue;  // flat items; [head, end) not yet presented
    size_t head = 0;
    size_t queued = 0;
    bool busy = false;       // an item is on the bus
    bool idled = false;      // the next item already had its idle cycle
    bool accepted = false;   // sampled before the current edge
    uint64_t done = 0;

    // monitor
    double drive_ready = -1;  // < 0: the monitor only watches `ready`
    std::vector<uint32_t> items;  // flat captured items; [read, end) unread
    std::vector<uint64_t> times;
    size_t read = 0;
    size_t read_time = 0;
    uint64_t beats = 0;

    size_t available() const { return times.size() - read_time; }
};

class Streams {
public:
    explicit Streams(Rng& rng) : rng_(rng) {}

    Stream* find(const std::string& name);
    int index_of(const std::string& name) const;
    Stream& at(int i) { return streams_[static_cast<size_t>(i)]; }
    int add(Stream s);
    size_t size() const { return streams_.size(); }
    // Streams bound to this clock signal.
    std::vector<int> on_clock(const Signal* clock) const;

    // Just before a rising edge: what was handed over on this edge.
    void sample(const std::vector<int>& ids, uint64_t now);
    // Just after the edge: present the next items, drive `ready`. Returns
    // true if any signal changed (the model needs another eval()).
    bool update(const std::vector<int>& ids);

    void push(Stream& s, const std::vector<uint32_t>& flat_items, size_t count);

private:
    Rng& rng_;
    std::vector<Stream> streams_;
};

}  // namespace ms

#endif
