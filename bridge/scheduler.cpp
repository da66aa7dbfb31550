// Verilator's makefile appends -Os to user files; this is a hot path.
#pragma GCC optimize("O2")
#include "scheduler.h"

#include <algorithm>
#include <ctime>

#include "Vmodel.h"
#include "sim_events.h"
#include "transport.h"
#include "verilated.h"
#include "waves_coverage.h"

namespace ms {

namespace {

inline uint64_t mono_ns() {
    timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return static_cast<uint64_t>(ts.tv_sec) * 1000000000ull + static_cast<uint64_t>(ts.tv_nsec);
}

}  // namespace

const char* phase_name(Phase p) {
    switch (p) {
        case Phase::active: return "active";
        case Phase::readwrite: return "readwrite";
        case Phase::readonly: return "readonly";
    }
    return "active";
}

Scheduler::Scheduler(VerilatedContext* ctx, Vmodel* model, SignalTable& table, Streams& streams,
                     Waves& waves)
    : ctx_(ctx), model_(model), table_(table), streams_(streams), waves_(waves),
      inputs_(ctx, table) {}

void Scheduler::initial_eval() {
    try {
        eval();
    } catch (const FatalUnwind&) {
        g_in_eval = false;
    }
}

inline void Scheduler::model_eval() {
    if (VL_UNLIKELY(inputs_.active())) inputs_.before_eval();
    g_in_eval = true;
    if (profiling_) {
        uint64_t t0 = mono_ns();
        model_->eval();
        eval_ns_ += mono_ns() - t0;
    } else {
        model_->eval();
    }
    g_in_eval = false;
    ++evals_;
}

void Scheduler::eval() {
    pending_eval_ = false;
    if (VL_LIKELY(!table_.any_forces())) {
        model_eval();
        return;
    }
    // Before: a forced input holds against deposits, clocks and stream
    // drivers. After: the design may have overwritten a forced register; one
    // more eval() lets the logic that reads it (Verilator re-runs all input
    // combinational logic on every eval) see the forced value.
    table_.reapply_forces();
    model_eval();
    if (table_.reapply_forces() && !g_finished) {
        model_eval();
        table_.reapply_forces();
    }
}

// ---- clocks --------------------------------------------------------------

void Scheduler::start_clock(const Signal* sig, uint64_t period, uint64_t high, bool start_high,
                            uint64_t phase) {
    Clock c;
    c.sig = sig;
    c.period = period;
    c.high = high;
    c.next = now_ + phase;
    c.next_val = start_high ? 1 : 0;
    c.streams = streams_.on_clock(sig);
    for (auto& existing : clocks_) {
        if (existing.sig == sig) {
            existing = std::move(c);
            return;
        }
    }
    clocks_.push_back(std::move(c));
}

void Scheduler::stop_clock(const Signal* sig) {
    clocks_.erase(std::remove_if(clocks_.begin(), clocks_.end(),
                                 [sig](const Clock& c) { return c.sig == sig; }),
                  clocks_.end());
}

bool Scheduler::has_clock(const Signal* sig) const {
    for (const auto& c : clocks_) {
        if (c.sig == sig) return true;
    }
    return false;
}

void Scheduler::streams_changed() {
    for (auto& c : clocks_) c.streams = streams_.on_clock(c.sig);
}

bool Scheduler::recording() const { return waves_.records(now_); }

bool Scheduler::clock_due() const {
    for (const auto& c : clocks_) {
        if (c.next <= now_) return true;
    }
    return false;
}

uint64_t Scheduler::next_event() const {
    uint64_t t = next_timer_;
    for (const auto& c : clocks_) t = c.next < t ? c.next : t;
    // The trace window's edges get a step of their own, so the trace starts
    // and ends exactly there; they alone never keep a stalled run going.
    if (t == UINT64_MAX) return t;
    return std::min(t, waves_.next_edge(now_));
}

// ---- triggers ------------------------------------------------------------

bool Scheduler::is_armed(long long id) const {
    for (const auto* list : {&watch_, &timers_, &readwrite_, &readonly_, &nexttime_, &stream_trigs_}) {
        for (const auto& t : *list) {
            if (t.id == id) return true;
        }
    }
    return false;
}

bool Scheduler::any_armed() const {
    return !watch_.empty() || !timers_.empty() || !readwrite_.empty() || !readonly_.empty() ||
           !nexttime_.empty() || !stream_trigs_.empty();
}

void Scheduler::prime(Trigger& t) const {
    if (t.sig && t.kind != TrigKind::until) {
        if (t.sig->narrow()) {
            t.prev = read_u64(t.sig->storage, t.p) & t.sig->mask64;
        } else {
            t.prev_wide.assign(t.sig->nwords, 0);
            read_words(*t.sig, t.p, t.prev_wide.data());
        }
    }
    if (t.clk) t.prev = *t.clk->base & 1u;
    if (t.clk) {
        t.bit_p = t.clk->base;
    } else if (t.sig && t.sig->width == 1 && t.sig->storage == Storage::u8) {
        t.bit_p = t.p;
    }
}

void Scheduler::arm(Trigger t) {
    t.seq = ++seq_;
    switch (t.kind) {
        case TrigKind::edge:
        case TrigKind::cycles:
        case TrigKind::until:
            prime(t);
            watch_.push_back(std::move(t));
            break;
        case TrigKind::timer:
            t.at = now_ + t.at;  // `at` arrives as the delay
            timers_.push_back(std::move(t));
            recompute_next_timer();
            break;
        case TrigKind::readwrite: readwrite_.push_back(std::move(t)); break;
        case TrigKind::readonly: readonly_.push_back(std::move(t)); break;
        case TrigKind::nexttime: nexttime_.push_back(std::move(t)); break;
        default: stream_trigs_.push_back(std::move(t)); break;
    }
}

void Scheduler::disarm(long long id) {
    for (auto* list : {&watch_, &timers_, &readwrite_, &readonly_, &nexttime_, &stream_trigs_}) {
        list->erase(std::remove_if(list->begin(), list->end(),
                                   [id](const Trigger& t) { return t.id == id; }),
                    list->end());
    }
    recompute_next_timer();
}

void Scheduler::recompute_next_timer() {
    next_timer_ = UINT64_MAX;
    for (const auto& t : timers_) next_timer_ = std::min(next_timer_, t.at);
}

void Scheduler::fire(const Trigger& t, Fired f) {
    f.id = t.id;
    f.seq = t.seq;
    f.kind = t.kind;
    fired_->push_back(std::move(f));
}

void Scheduler::fire_all(std::vector<Trigger>& list) {
    for (const auto& t : list) fire(t, Fired{});
    list.clear();
}

void Scheduler::fire_timers() {
    for (size_t i = 0; i < timers_.size();) {
        if (timers_[i].at <= now_) {
            fire(timers_[i], Fired{});
            timers_.erase(timers_.begin() + static_cast<long>(i));
        } else {
            ++i;
        }
    }
    recompute_next_timer();
}

bool Scheduler::watcher_fires(Trigger& t, Fired& f) {
    if (t.kind == TrigKind::until) {
        uint64_t c = *t.clk->base & 1u;
        if (c == t.prev) return false;
        t.prev = c;
        if ((t.edge == EdgeKind::rising) != (c == 1)) return false;
        ++t.seen;
        bool match;
        if (t.sig->narrow()) {
            match = ((read_u64(t.sig->storage, t.p) & t.sig->mask64) & t.mask64) == t.value64;
        } else {
            Words cur(t.sig->nwords);
            read_words(*t.sig, t.p, cur.data());
            match = true;
            for (size_t i = 0; i < cur.size(); ++i) match &= (cur[i] & t.mask[i]) == t.value[i];
        }
        if (!match && t.seen < t.budget) return false;
        f.match = match;
        f.number = t.seen;
        return true;
    }
    if (t.sig->narrow()) {
        uint64_t v = read_u64(t.sig->storage, t.p) & t.sig->mask64;
        if (v == t.prev) return false;
        t.prev = v;
        if (t.kind == TrigKind::cycles) {
            if ((t.edge == EdgeKind::rising) != (v == 1)) return false;
            return ++t.seen >= t.count;
        }
        if (t.edge != EdgeKind::any && (t.edge == EdgeKind::rising) != (v == 1)) return false;
        f.value = format_hex_u64(v);
        return true;
    }
    Words cur(t.sig->nwords);
    read_words(*t.sig, t.p, cur.data());
    if (cur == t.prev_wide) return false;
    t.prev_wide = cur;
    f.value = format_hex(cur.data(), cur.size());
    return true;
}

void Scheduler::check_watchers() {
    bool any_fired = false;
    for (Trigger& t : watch_) {
        if (t.done) {  // counted out by quick_watch()
            fire(t, Fired{});
            any_fired = true;
            continue;
        }
        if (t.bit_p) {
            // Most evals change nothing a 1-bit watcher looks at: one byte tells.
            const uint64_t v = *t.bit_p & 1u;
            if (v == t.prev) continue;
            if (t.kind == TrigKind::cycles) {
                t.prev = v;
                if ((v != 0) != (t.edge == EdgeKind::rising) || ++t.seen < t.count) continue;
                fire(t, Fired{});
                t.done = true;
                any_fired = true;
                continue;
            }
        }
        Fired f;
        if (watcher_fires(t, f)) {
            fire(t, std::move(f));
            t.done = true;
            any_fired = true;
        }
    }
    if (any_fired) {
        watch_.erase(std::remove_if(watch_.begin(), watch_.end(),
                                    [](const Trigger& t) { return t.done; }),
                     watch_.end());
    }
}

void Scheduler::check_stream_triggers() {
    for (size_t i = 0; i < stream_trigs_.size();) {
        const Trigger& t = stream_trigs_[i];
        const Stream& s = streams_.at(t.stream);
        uint64_t number;
        bool hit;
        switch (t.kind) {
            case TrigKind::stream_items:
                number = s.available();
                hit = number >= t.count;
                break;
            case TrigKind::stream_done:
                number = s.done;
                hit = number >= t.count;
                break;
            default:  // stream_idle
                number = s.done;
                hit = s.queued() == 0 && !s.busy;
                break;
        }
        if (!hit) {
            ++i;
            continue;
        }
        Fired f;
        f.number = number;
        if (t.take) f.stream = t.stream;
        f.words = t.words;
        fire(t, std::move(f));
        stream_trigs_.erase(stream_trigs_.begin() + static_cast<long>(i));
    }
}

// ---- the time step -------------------------------------------------------

// Toggles every clock due now. Streams on a rising clock sample their bus
// before the edge and present their next beat after it.
void Scheduler::edge_pass() {
    bool streams_rise = false;
    for (auto& c : clocks_) {
        if (c.next <= now_ && c.next_val && !c.streams.empty()) {
            streams_rise = true;
            break;
        }
    }
    if (streams_rise) {
        settle();  // sample settled values
        if (g_finished) return;
    }
    for (auto& c : clocks_) {
        c.rose = false;
        if (c.next > now_) continue;
        if (c.next_val) {
            if (!c.streams.empty()) streams_.sample(c.streams, now_);
            c.rose = true;
        }
        toggle(c);
    }
    eval();
    if (!watch_.empty() && quick_watch()) check_watchers();
    if (!streams_rise || g_finished) return;
    bool changed = false;
    for (auto& c : clocks_) {
        if (c.rose && !c.streams.empty()) changed |= streams_.update(c.streams);
    }
    if (changed) {
        pending_eval_ = true;
        // Without watchers nothing can observe the intermediate state, so the
        // next clock toggle's eval() settles the new beat: two evals per cycle
        // instead of three. Anything that needs the settled step calls
        // settle() first.
        if (!watch_.empty()) settle();
    }
    if (!stream_trigs_.empty()) check_stream_triggers();
}

RunStatus Scheduler::run(uint64_t max_wall_ms, std::vector<Fired>& fired) {
    fired.clear();
    fired_ = &fired;
    if (!any_armed()) return RunStatus::nothing_to_run;
    const uint64_t start = mono_ns();
    const uint64_t budget_ns = max_wall_ms * 1000000ull;
    uint64_t last_check = start;
    uint64_t iterations = 0;
    RunStatus status = RunStatus::fired;
    // Reading the clock costs more than a step of a small design, so it is
    // read every check_every_ steps, tuned to about once a millisecond.
    auto out_of_time = [&]() {
        iterations = 0;
        const uint64_t t = mono_ns();
        const uint64_t span = t - last_check;
        if (span < 500000 && check_every_ < (1u << 20)) check_every_ *= 2;
        else if (span > 2000000 && check_every_ > 1) check_every_ /= 2;
        last_check = t;
        if (g_signal) shutdown_now(exit_status_for_signal());
        return t - start >= budget_ns;
    };

    try {
        // Host writes (and clocks started with phase 0) belong to this step.
        if (phase_ != Phase::readonly) {
            settle();
            if (!g_finished && clock_due()) edge_pass();
            if (!g_finished && !stream_trigs_.empty()) check_stream_triggers();
            if (!fired.empty()) phase_ = Phase::active;
        }
        while (fired.empty() && !g_finished) {
            // ReadWrite and ReadOnly of the current step.
            if (phase_ != Phase::readonly && (!readwrite_.empty() || !readonly_.empty())) {
                settle();
                if (g_finished) break;
                if (!readwrite_.empty() && (!rw_done_ || rw_reopen_)) {
                    phase_ = Phase::readwrite;
                    rw_done_ = true;
                    rw_reopen_ = false;
                    fire_all(readwrite_);
                    break;
                }
                if (!readonly_.empty()) {
                    phase_ = Phase::readonly;
                    fire_all(readonly_);
                    break;
                }
            }
            // End of the step.
            if (!dumped_ && waves_.records(now_)) {
                settle();
                if (g_finished) break;
                waves_.dump(now_);
                dumped_ = true;
            }
            // Plain stepping: while only clocks and watchers matter (no streams,
            // regions, trace or forces), skip the per-step bookkeeping. A due
            // timer or a stall falls through to the full step below.
            if (!clocks_.empty() && plain_stepping()) {
                bool stop = false;
                Clock* const cb = clocks_.data();
                const size_t nc = clocks_.size();
                const bool watching = !watch_.empty();
                // A trace window that opens ahead ends the lean loop there.
                const uint64_t limit = std::min(next_timer_, waves_.next_edge(now_));
                for (;;) {
                    uint64_t t = cb[0].next;
                    for (size_t i = 1; i < nc; ++i) t = cb[i].next < t ? cb[i].next : t;
                    if (t >= limit) break;
                    now_ = t;
                    ctx_->time(t);
                    bool beats = false;
                    for (size_t i = 0; i < nc; ++i) {
                        Clock& c = cb[i];
                        if (c.next != t) continue;
                        c.rose = c.next_val && !c.streams.empty();
                        if (c.rose) {
                            if (pending_eval_) plain_eval(watching);  // sample settled values
                            streams_.sample(c.streams, t);
                            beats = true;
                        }
                        toggle(c);
                    }
                    plain_eval(watching);
                    if (beats && !g_finished) {
                        bool changed = false;
                        for (size_t i = 0; i < nc; ++i) {
                            if (cb[i].rose) changed |= streams_.update(cb[i].streams);
                        }
                        // The next toggle's eval() settles the new beats unless a
                        // watcher must see them at this time.
                        pending_eval_ = changed;
                        if (changed && watching) plain_eval(watching);
                        if (!stream_trigs_.empty()) check_stream_triggers();
                    }
                    if (!fired.empty() || g_finished) {
                        stop = true;
                        break;
                    }
                    if (++iterations >= check_every_ && out_of_time()) {
                        status = RunStatus::yielded;
                        stop = true;
                        break;
                    }
                }
                if (now_ != step_time_) {
                    step_time_ = now_;
                    phase_ = Phase::active;
                    rw_done_ = false;
                    rw_reopen_ = false;
                    dumped_ = false;
                }
                if (stop) break;
            }
            const uint64_t next = next_event();
            if (next == UINT64_MAX) {
                status = RunStatus::stalled;
                break;
            }
            now_ = next;
            step_time_ = next;
            ctx_->time(now_);
            phase_ = Phase::active;
            rw_done_ = false;
            rw_reopen_ = false;
            dumped_ = false;

            // Active region of the new step.
            if (!nexttime_.empty()) fire_all(nexttime_);
            if (clock_due()) edge_pass();
            if (next_timer_ <= now_) fire_timers();

            if (fired.empty() && ++iterations >= check_every_ && out_of_time()) {
                status = RunStatus::yielded;
                break;
            }
        }
        if (!g_finished) settle();
    } catch (const FatalUnwind&) {
        g_in_eval = false;
    }
    if (g_finished) {
        status = RunStatus::finished;
        dump_final_step();
    }
    std::stable_sort(fired.begin(), fired.end(),
                     [](const Fired& a, const Fired& b) { return a.seq < b.seq; });
    fired_ = nullptr;
    return status;
}

void Scheduler::dump_final_step() {
    if (!dumped_ && waves_.records(now_)) {
        try {
            waves_.dump(now_);
        } catch (...) {
        }
        dumped_ = true;
    }
}

}  // namespace ms
