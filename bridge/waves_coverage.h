// FST waveforms and coverage files. Both are optional parts of the model
// (Verilator --trace-fst / --coverage): without them the commands answer
// `unsupported`.
#ifndef MIRRORSIM_WAVES_COVERAGE_H
#define MIRRORSIM_WAVES_COVERAGE_H

#include <cstdint>
#include <memory>
#include <string>

class Vmodel;
class VerilatedContext;
class VerilatedFstC;

namespace ms {

bool trace_built_in();
bool coverage_built_in();

// A trace covers a window of time [from, to]: the file is opened at once (so
// a bad path is reported by trace_start), the first step dumped is the one at
// `from`, and the file is closed after the step at `to`. Before and after the
// window nothing is dumped, so the scheduler keeps its lean loop there.
class Waves {
public:
    static constexpr uint64_t kNoEnd = UINT64_MAX;

    explicit Waves(Vmodel* model);
    ~Waves();

    bool tracing() const { return open_; }
    // Whether the step at `time` goes into the trace.
    bool records(uint64_t time) const { return open_ && time >= from_; }
    // The next window edge after `now` that needs a time step of its own:
    // `from` while waiting for it, `to` while recording; else UINT64_MAX.
    uint64_t next_edge(uint64_t now) const {
        if (!open_) return UINT64_MAX;
        if (now < from_) return from_;
        return now < to_ ? to_ : UINT64_MAX;
    }
    // Returns an empty string on success, else why the file can't be used.
    std::string start(const std::string& file, int depth, uint64_t from = 0, uint64_t to = kNoEnd);
    void stop();
    // Records the settled state of the time step that is ending; after the
    // window's last step, closes the file.
    void dump(uint64_t time);

private:
    Vmodel* model_;
    VerilatedFstC* fst_ = nullptr;
    bool open_ = false;
    uint64_t from_ = 0;
    uint64_t to_ = kNoEnd;
};

// Returns an empty string on success, else the reason.
std::string write_coverage(VerilatedContext* ctx, const std::string& file);

}  // namespace ms

#endif
