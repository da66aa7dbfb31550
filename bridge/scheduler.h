// Simulation time, generated clocks, triggers and the `run` loop, worked in
// cocotb's region order: Active, ReadWrite, ReadOnly, then the next step.
#ifndef MIRRORSIM_SCHEDULER_H
#define MIRRORSIM_SCHEDULER_H

#include <cstdint>
#include <string>
#include <vector>

#include "input_recorder.h"
#include "signal_table.h"
#include "streams.h"
#include "values.h"

class Vmodel;
class VerilatedContext;

namespace ms {

class Waves;

enum class Phase : uint8_t { active, readwrite, readonly };
const char* phase_name(Phase p);

enum class TrigKind : uint8_t {
    edge, timer, cycles, until, readwrite, readonly, nexttime,
    stream_items, stream_done, stream_idle
};
enum class EdgeKind : uint8_t { rising, falling, any };

struct Trigger {
    long long id = 0;
    TrigKind kind = TrigKind::timer;
    uint64_t seq = 0;  // arm order, so `fired` lists triggers in that order

    // edge, cycles, until: the watched signal (for until, `sig` is compared
    // on edges of `clk`)
    const Signal* sig = nullptr;
    uint8_t* p = nullptr;
    EdgeKind edge = EdgeKind::rising;
    uint64_t prev = 0;      // last seen value (narrow signals, and `clk`)
    uint8_t* bit_p = nullptr;  // 1-bit byte whose change is worth a full check
    bool done = false;         // fired; removed after the check pass
    Words prev_wide;        // last seen value of a wide signal (edge any)
    uint64_t count = 0;     // cycles: edges wanted; stream: items wanted
    uint64_t seen = 0;      // cycles/until: edges seen so far
    const Signal* clk = nullptr;
    Words value, mask;      // until
    uint64_t value64 = 0, mask64 = 0;
    uint64_t budget = 0;

    uint64_t at = 0;  // timer: fire time
    int stream = -1;  // stream triggers
    bool take = false;  // stream_items: deliver (and consume) the items with the report
    bool words = false; // ... as base64 words (encoding "words") rather than JSON items
};

struct Fired {
    long long id = 0;
    uint64_t seq = 0;
    TrigKind kind = TrigKind::timer;
    std::string value;    // edge
    bool match = false;   // until
    uint64_t number = 0;  // until: cycles; stream_*: available / done
    int stream = -1;      // stream_items with take: whose items go with the report
    bool words = false;   // ... as base64 words
};

struct Clock {
    const Signal* sig = nullptr;
    uint64_t period = 0, high = 0;
    uint64_t next = 0;     // time of the next toggle
    uint8_t next_val = 1;  // value it toggles to
    bool rose = false;     // rose in the current edge pass
    std::vector<int> streams;
};

enum class RunStatus { fired, yielded, finished, nothing_to_run, stalled };

class Scheduler {
public:
    Scheduler(VerilatedContext* ctx, Vmodel* model, SignalTable& table, Streams& streams,
              Waves& waves);

    // The model's first evaluation (initial blocks, settling) at time 0.
    void initial_eval();

    uint64_t now() const { return now_; }
    Phase phase() const { return phase_; }
    bool in_readonly() const { return phase_ == Phase::readonly; }
    // A host write: evaluated at the start of the next `run`.
    void note_write() {
        pending_eval_ = true;
        if (phase_ == Phase::readwrite) rw_reopen_ = true;
    }

    void start_clock(const Signal* sig, uint64_t period, uint64_t high, bool start_high,
                     uint64_t phase);
    void stop_clock(const Signal* sig);
    bool has_clock(const Signal* sig) const;
    void streams_changed();

    bool is_armed(long long id) const;
    bool any_armed() const;
    void arm(Trigger t);  // validated by the caller
    void disarm(long long id);
    // Prepares a watched trigger's remembered values from the current state.
    void prime(Trigger& t) const;

    RunStatus run(uint64_t max_wall_ms, std::vector<Fired>& fired);

    // Called once simulation ended, so the trace holds the last step.
    void dump_final_step();

    uint64_t evals() const { return evals_; }
    uint64_t eval_ns() const { return eval_ns_; }
    bool profiling() const { return profiling_; }
    void set_profiling(bool on) { profiling_ = on; }
    InputRecorder& inputs() { return inputs_; }  // record_inputs: written before every eval()
    bool finished_reported = false;

private:
    void model_eval();
    void eval();
    // Evaluates inputs changed since the last eval() (host writes, or beats
    // a stream presented without an eval of their own).
    void settle() {
        if (pending_eval_) {
            eval();
            if (!watch_.empty() && quick_watch()) check_watchers();
        }
    }
    void edge_pass();
    static void toggle(Clock& c) {
        *c.sig->base = c.next_val;
        if (c.next_val) {
            c.next += c.high;
            c.next_val = 0;
        } else {
            c.next += c.period - c.high;
            c.next_val = 1;
        }
    }
    // The lean loop applies while no step needs regions, a trace or forces.
    bool plain_stepping() const {
        return !recording() && !table_.any_forces() && readwrite_.empty() &&
               readonly_.empty() && nexttime_.empty();
    }
    void plain_eval(bool watching) {
        model_eval();
        pending_eval_ = false;
        if (watching && quick_watch()) check_watchers();
    }
    bool recording() const;  // the current step goes into the trace (Waves is only forward-declared here)
    void check_watchers();
    // The per-eval test, inline: counts `cycles` edges itself and says
    // whether check_watchers() has anything to do.
    bool quick_watch() {
        bool slow = false;
        for (Trigger& t : watch_) {
            if (!t.bit_p) {
                slow = true;
                continue;
            }
            const uint64_t v = *t.bit_p & 1u;
            if (v == t.prev) continue;
            if (t.kind != TrigKind::cycles) {
                slow = true;
                continue;
            }
            t.prev = v;
            if ((v != 0) == (t.edge == EdgeKind::rising) && ++t.seen >= t.count) {
                t.done = true;
                slow = true;
            }
        }
        return slow;
    }
    bool watcher_fires(Trigger& t, Fired& f);
    void check_stream_triggers();
    void fire_timers();
    void fire_all(std::vector<Trigger>& list);
    void fire(const Trigger& t, Fired f);
    void recompute_next_timer();
    uint64_t next_event() const;
    bool clock_due() const;

    VerilatedContext* ctx_;
    Vmodel* model_;
    SignalTable& table_;
    Streams& streams_;
    Waves& waves_;

    uint64_t now_ = 0;
    uint64_t step_time_ = 0;  // time whose step the region flags describe
    Phase phase_ = Phase::active;
    bool pending_eval_ = false;  // inputs changed since the last eval()
    bool rw_done_ = false;       // ReadWrite already fired in this step
    bool rw_reopen_ = false;     // ...but the host wrote after it
    bool dumped_ = false;        // this step is in the trace already

    std::vector<Clock> clocks_;
    std::vector<Trigger> watch_;    // edge, cycles, until: checked after each eval()
    std::vector<Trigger> timers_;
    std::vector<Trigger> readwrite_, readonly_, nexttime_;
    std::vector<Trigger> stream_trigs_;
    uint64_t next_timer_ = UINT64_MAX;
    uint64_t seq_ = 0;

    std::vector<Fired>* fired_ = nullptr;

    uint64_t evals_ = 0;
    uint64_t eval_ns_ = 0;
    bool profiling_ = false;
    InputRecorder inputs_;
    uint64_t check_every_ = 256;  // run-loop iterations between wall-clock checks
};

}  // namespace ms

#endif
