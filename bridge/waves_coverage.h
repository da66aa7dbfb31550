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

class Waves {
public:
    explicit Waves(Vmodel* model);
    ~Waves();

    bool tracing() const { return open_; }
    // Returns an empty string on success, else why the file can't be used.
    std::string start(const std::string& file, int depth);
    void stop();
    // Records the settled state of the time step that is ending.
    void dump(uint64_t time);

private:
    Vmodel* model_;
    VerilatedFstC* fst_ = nullptr;
    bool open_ = false;
};

// Returns an empty string on success, else the reason.
std::string write_coverage(VerilatedContext* ctx, const std::string& file);

}  // namespace ms

#endif
