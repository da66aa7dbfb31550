// Verilator's makefile appends -Os to user files; this is a hot path.
#pragma GCC optimize("O2")
#include "streams.h"

namespace ms {

namespace {

inline bool bit(const Signal* s) { return (*s->base & 1u) != 0; }

inline bool set_bit(const Signal* s, bool v) {
    uint8_t nv = v ? 1 : 0;
    if (*s->base == nv) return false;
    *s->base = nv;
    return true;
}

}  // namespace

Stream* Streams::find(const std::string& name) {
    int i = index_of(name);
    return i < 0 ? nullptr : &streams_[static_cast<size_t>(i)];
}

int Streams::index_of(const std::string& name) const {
    for (size_t i = 0; i < streams_.size(); ++i) {
        if (streams_[i].name == name) return static_cast<int>(i);
    }
    return -1;
}

int Streams::add(Stream s) {
    s.item_words = 0;
    for (const Signal* d : s.data) s.item_words += d->nwords;
    streams_.push_back(std::move(s));
    return static_cast<int>(streams_.size() - 1);
}

std::vector<int> Streams::on_clock(const Signal* clock) const {
    std::vector<int> ids;
    for (size_t i = 0; i < streams_.size(); ++i) {
        if (streams_[i].clock == clock) ids.push_back(static_cast<int>(i));
    }
    return ids;
}

void Streams::push(Stream& s, const std::vector<uint32_t>& flat_items, size_t count) {
    // Reclaim the consumed front once it dominates, so long runs stay bounded.
    if (s.head > 4096 && s.head * 2 > s.queue.size()) {
        s.queue.erase(s.queue.begin(), s.queue.begin() + static_cast<long>(s.head));
        s.head = 0;
    }
    s.queue.insert(s.queue.end(), flat_items.begin(), flat_items.end());
    s.queued += count;
}

void Streams::sample(const std::vector<int>& ids, uint64_t now) {
    for (int id : ids) {
        Stream& s = streams_[static_cast<size_t>(id)];
        const bool handshake = bit(s.valid) && (!s.ready || bit(s.ready));
        if (s.is_driver) {
            s.accepted = s.busy && handshake;
            continue;
        }
        if (!handshake) continue;
        if (s.read > 4096 && s.read * 2 > s.items.size()) {
            s.items.erase(s.items.begin(), s.items.begin() + static_cast<long>(s.read));
            s.read = 0;
            s.times.erase(s.times.begin(), s.times.begin() + static_cast<long>(s.read_time));
            s.read_time = 0;
        }
        for (const Signal* d : s.data) {
            if (d->narrow()) {
                const uint64_t v = read_u64(d->storage, d->base) & d->mask64;
                s.items.push_back(static_cast<uint32_t>(v));
                if (d->nwords > 1) s.items.push_back(static_cast<uint32_t>(v >> 32));
            } else {
                const size_t at = s.items.size();
                s.items.resize(at + d->nwords);
                read_words(*d, d->base, &s.items[at]);
            }
        }
        s.times.push_back(now);
        ++s.beats;
    }
}

bool Streams::update(const std::vector<int>& ids) {
    bool changed = false;
    for (int id : ids) {
        Stream& s = streams_[static_cast<size_t>(id)];
        if (!s.is_driver) {
            if (s.drive_ready >= 0) changed |= set_bit(s.ready, rng_.chance(s.drive_ready));
            continue;
        }
        if (s.accepted) {
            s.accepted = false;
            s.busy = false;
            ++s.done;
        }
        if (s.busy) continue;  // not accepted yet: hold the item
        if (s.queued == 0) {
            changed |= set_bit(s.valid, false);
            continue;
        }
        if (s.idle_prob > 0 && !s.idled && rng_.chance(s.idle_prob)) {
            s.idled = true;
            changed |= set_bit(s.valid, false);
            continue;
        }
        s.idled = false;
        const uint32_t* item = s.queue.data() + s.head;
        for (const Signal* d : s.data) {
            if (d->narrow()) {
                uint64_t v = item[0];
                if (d->nwords > 1) v |= static_cast<uint64_t>(item[1]) << 32;
                write_u64(d->storage, d->base, v);
            } else {
                write_words(*d, d->base, item);
            }
            item += d->nwords;
        }
        s.head += s.item_words;
        --s.queued;
        s.busy = true;
        *s.valid->base = 1;
        changed = true;
    }
    return changed;
}

}  // namespace ms
