#include "waves_coverage.h"

#include <cerrno>
#include <cstdio>
#include <cstring>

#include "Vmodel.h"
#include "verilated.h"

#if defined(VM_TRACE_FST) && VM_TRACE_FST
#include "verilated_fst_c.h"
#define MIRRORSIM_FST 1
#else
#define MIRRORSIM_FST 0
#endif

#if defined(VM_COVERAGE) && VM_COVERAGE
#include "verilated_cov.h"
#define MIRRORSIM_COVERAGE 1
#else
#define MIRRORSIM_COVERAGE 0
#endif

namespace ms {

bool trace_built_in() { return MIRRORSIM_FST != 0; }
bool coverage_built_in() { return MIRRORSIM_COVERAGE != 0; }

namespace {

// Verilator's writers abort (or write through a null handle) when a file
// can't be created, so find out first.
std::string check_writable(const std::string& file) {
    if (file.empty()) return "empty file name";
    std::FILE* f = std::fopen(file.c_str(), "ab");
    if (!f) return "cannot write '" + file + "': " + std::strerror(errno);
    std::fclose(f);
    return "";
}

}  // namespace

Waves::Waves(Vmodel* model) : model_(model) {}

Waves::~Waves() { stop(); }

std::string Waves::start(const std::string& file, int depth, uint64_t from, uint64_t to) {
#if MIRRORSIM_FST
    std::string why = check_writable(file);
    if (!why.empty()) return why;
    stop();
    fst_ = new VerilatedFstC;
    model_->trace(fst_, depth);
    fst_->open(file.c_str());
    if (!fst_->isOpen()) {
        delete fst_;
        fst_ = nullptr;
        return "cannot open trace file '" + file + "'";
    }
    open_ = true;
    from_ = from;
    to_ = to;
    return "";
#else
    (void)file;
    (void)depth;
    (void)from;
    (void)to;
    return "the model was built without FST tracing (--trace-fst)";
#endif
}

void Waves::stop() {
#if MIRRORSIM_FST
    if (fst_) {
        fst_->close();
        delete fst_;
        fst_ = nullptr;
    }
#endif
    open_ = false;
}

void Waves::dump(uint64_t time) {
#if MIRRORSIM_FST
    if (!fst_ || time < from_) return;
    if (time <= to_) fst_->dump(time);
    if (time >= to_) stop();  // the window is complete: flush it for readers now
#else
    (void)time;
#endif
}

std::string write_coverage(VerilatedContext* ctx, const std::string& file) {
#if MIRRORSIM_COVERAGE
    std::string why = check_writable(file);
    if (!why.empty()) return why;
    ctx->coveragep()->write(file.c_str());
    return "";
#else
    (void)ctx;
    (void)file;
    return "the model was built without coverage (--coverage)";
#endif
}

}  // namespace ms
