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

// A data signal of a stream, resolved to what the per-beat code needs.
struct Port {
    uint8_t* p;
    Storage storage;
    unsigned nwords;
    uint64_t mask64;
    const Signal* sig;
};

// Items as flat words (all data signals back to back), consumed from the
// front and appended at the back; the consumed front is reclaimed in bulk.
class ItemQueue {
public:
    size_t size() const { return count_; }
    bool empty() const { return count_ == 0; }
    const uint32_t* front() const { return words_.data() + head_; }
    uint64_t front_time() const { return times_[thead_]; }
    void pop(size_t item_words) {
        head_ += item_words;
        ++thead_;
        --count_;
    }
    // Room for one item at the back; the caller fills item_words words.
    uint32_t* append(size_t item_words, uint64_t time) {
        if (tail_ + item_words > words_.size() || ttail_ >= times_.size()) grow(item_words);
        uint32_t* at = words_.data() + tail_;
        tail_ += item_words;
        times_[ttail_++] = time;
        ++count_;
        return at;
    }
    void append_many(const std::vector<uint32_t>& flat, size_t count, size_t item_words);

private:
    void grow(size_t item_words);
    std::vector<uint32_t> words_;
    std::vector<uint64_t> times_;
    size_t head_ = 0, tail_ = 0;    // words
    size_t thead_ = 0, ttail_ = 0;  // times
    size_t count_ = 0;
};

struct Stream {
    std::string name;
    bool is_driver = true;
    const Signal* clock = nullptr;
    const Signal* valid = nullptr;
    const Signal* ready = nullptr;  // may be null: every beat is accepted
    std::vector<const Signal*> data;
    // Resolved by Streams::add.
    uint8_t* valid_p = nullptr;
    uint8_t* ready_p = nullptr;
    std::vector<Port> ports;
    unsigned item_words = 0;

    // driver
    double idle_prob = 0;
    ItemQueue queue;         // waiting, not yet on the bus
    bool busy = false;       // an item is on the bus
    bool idled = false;      // the next item already had its idle cycle
    bool accepted = false;   // sampled before the current edge
    uint64_t done = 0;

    // monitor
    double drive_ready = -1;  // < 0: the monitor only watches `ready`
    ItemQueue captured;       // unread items, with the time of their edge
    uint64_t beats = 0;

    size_t queued() const { return queue.size(); }
    size_t available() const { return captured.size(); }
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
