// Verilator's makefile appends -Os to user files; this is a hot path.
#pragma GCC optimize("O2")
#include "streams.h"

#include <algorithm>
#include <cstring>

namespace ms {

namespace {

inline bool set_bit(uint8_t* p, bool v) {
    const uint8_t nv = v ? 1 : 0;
    if (*p == nv) return false;
    *p = nv;
    return true;
}

}  // namespace

void ItemQueue::grow(size_t item_words) {
    // Slide the unread items to the front first; grow only if still short.
    const size_t used = tail_ - head_;
    const size_t items = ttail_ - thead_;
    if (head_ > 0) {
        std::memmove(words_.data(), words_.data() + head_, used * sizeof(uint32_t));
        std::memmove(times_.data(), times_.data() + thead_, items * sizeof(uint64_t));
        head_ = 0;
        tail_ = used;
        thead_ = 0;
        ttail_ = items;
    }
    if (tail_ + item_words > words_.size() || ttail_ + 1 > times_.size()) {
        const size_t want_items = std::max<size_t>(64, (items + 1) * 2);
        words_.resize(std::max(want_items * std::max<size_t>(item_words, 1), tail_ + item_words));
        times_.resize(want_items);
    }
}

void ItemQueue::append_many(const std::vector<uint32_t>& flat, size_t count, size_t item_words) {
    const uint32_t* src = flat.data();
    for (size_t i = 0; i < count; ++i) {
        uint32_t* dst = append(item_words, 0);
        std::copy(src, src + item_words, dst);
        src += item_words;
    }
}

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
    s.valid_p = s.valid->base;
    s.ready_p = s.ready ? s.ready->base : nullptr;
    s.item_words = 0;
    for (const Signal* d : s.data) {
        s.ports.push_back(Port{d->base, d->storage, d->nwords, d->mask64, d});
        s.item_words += d->nwords;
    }
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
    s.queue.append_many(flat_items, count, s.item_words);
}

void Streams::sample(const std::vector<int>& ids, uint64_t now) {
    for (int id : ids) {
        Stream& s = streams_[static_cast<size_t>(id)];
        const bool handshake = (*s.valid_p & 1u) && (!s.ready_p || (*s.ready_p & 1u));
        if (s.is_driver) {
            s.accepted = s.busy && handshake;
            continue;
        }
        if (!handshake) continue;
        uint32_t* out = s.captured.append(s.item_words, now);
        for (const Port& d : s.ports) {
            if (d.storage == Storage::wide) {
                read_words(*d.sig, d.p, out);
            } else {
                const uint64_t v = read_u64(d.storage, d.p) & d.mask64;
                out[0] = static_cast<uint32_t>(v);
                if (d.nwords > 1) out[1] = static_cast<uint32_t>(v >> 32);
            }
            out += d.nwords;
        }
        ++s.beats;
    }
}

bool Streams::update(const std::vector<int>& ids) {
    bool changed = false;
    for (int id : ids) {
        Stream& s = streams_[static_cast<size_t>(id)];
        if (!s.is_driver) {
            if (s.drive_ready >= 0) changed |= set_bit(s.ready_p, rng_.chance(s.drive_ready));
            continue;
        }
        if (s.accepted) {
            s.accepted = false;
            s.busy = false;
            ++s.done;
        }
        if (s.busy) continue;  // not accepted yet: hold the item
        if (s.queue.empty()) {
            changed |= set_bit(s.valid_p, false);
            continue;
        }
        if (s.idle_prob > 0 && !s.idled && rng_.chance(s.idle_prob)) {
            s.idled = true;
            changed |= set_bit(s.valid_p, false);
            continue;
        }
        s.idled = false;
        const uint32_t* item = s.queue.front();
        for (const Port& d : s.ports) {
            if (d.storage == Storage::wide) {
                write_words(*d.sig, d.p, item);
            } else {
                uint64_t v = item[0];
                if (d.nwords > 1) v |= static_cast<uint64_t>(item[1]) << 32;
                write_u64(d.storage, d.p, v);
            }
            item += d.nwords;
        }
        s.queue.pop(s.item_words);
        s.busy = true;
        *s.valid_p = 1;
        changed = true;
    }
    return changed;
}

}  // namespace ms
