#include "sim_events.h"

#include <cstdio>
#include <cstring>
#include <fstream>

#include "verilated.h"

namespace ms {

bool g_finished = false;
bool g_in_eval = false;

namespace {

constexpr size_t kRingLines = 20;

struct OutputRing {
    std::string lines[kRingLines];
    size_t count = 0;  // complete lines stored, up to kRingLines
    size_t next = 0;   // slot the next complete line goes to
    std::string partial;
    bool dirty = false;

    void push_line(std::string line) {
        lines[next] = std::move(line);
        next = (next + 1) % kRingLines;
        if (count < kRingLines) ++count;
    }
    void append(const char* text, size_t len) {
        const char* end = text + len;
        while (text < end) {
            const char* nl = static_cast<const char*>(std::memchr(text, '\n', end - text));
            if (!nl) {
                partial.append(text, end - text);
                return;
            }
            partial.append(text, nl - text);
            push_line(std::move(partial));
            partial.clear();
            text = nl + 1;
        }
    }
    std::vector<std::string> recent() const {
        std::vector<std::string> out;
        out.reserve(count + 1);
        for (size_t i = 0; i < count; ++i) {
            out.push_back(lines[(next + kRingLines - count + i) % kRingLines]);
        }
        if (!partial.empty()) out.push_back(partial);
        return out;
    }
    std::string last() const {
        if (!partial.empty()) return partial;
        if (count == 0) return "";
        return lines[(next + kRingLines - 1) % kRingLines];
    }
};

OutputRing& ring() {
    static OutputRing r;
    return r;
}

SimEvent& event_storage() {
    static SimEvent e;
    return e;
}

std::string base_name(const char* path) {
    if (!path) return "";
    const char* slash = std::strrchr(path, '/');
    return slash ? slash + 1 : path;
}

// Verilator 5.006 compiles $error, failed assertions and $fatal alike to a
// printed "%Error: ..." line followed by VL_STOP_MT. The source line is the
// only place left that tells $fatal apart.
bool source_line_has(const char* path, int line, const char* needle) {
    if (!path || !*path || line <= 0) return false;
    std::ifstream in(path);
    if (!in) return false;
    std::string text;
    for (int i = 1; i <= line; ++i) {
        if (!std::getline(in, text)) return false;
    }
    return text.find(needle) != std::string::npos;
}

// The design's own words from the "%Error: file:line: Assertion failed in
// scope: text" line Verilator printed just before calling vl_stop.
std::string stop_message(const std::string& file, int line) {
    std::string last = ring().last();
    const std::string tag = file + ":" + std::to_string(line) + ": ";
    size_t at = last.find(tag);
    if (file.empty() || at == std::string::npos) return "";
    std::string text = last.substr(at + tag.size());
    const std::string failed = "Assertion failed in ";
    if (text.compare(0, failed.size(), failed) == 0) {
        size_t colon = text.find(": ");
        text = colon == std::string::npos ? text : text.substr(colon + 2);
    }
    while (!text.empty() && (text.back() == '\n' || text.back() == '\r')) text.pop_back();
    return text;
}

void record(const char* kind, const char* filename, int linenum, std::string message) {
    if (g_finished) return;  // the first event ends the simulation; later ones are echoes
    SimEvent& e = event_storage();
    e.kind = kind;
    e.file = base_name(filename);
    e.line = linenum;
    e.time = Verilated::threadContextp()->time();
    e.message = std::move(message);
    e.output = ring().recent();
    g_finished = true;
    Verilated::threadContextp()->gotFinish(true);
    std::fprintf(stderr, "mirrorsim-bridge: simulation ended (%s) at %s:%d, time %llu: %s\n", kind,
                 e.file.c_str(), e.line, static_cast<unsigned long long>(e.time),
                 e.message.c_str());
}

}  // namespace

const SimEvent& finish_event() { return event_storage(); }

std::vector<std::string> recent_output() { return ring().recent(); }

void flush_design_output() {
    if (ring().dirty) {
        std::fflush(stdout);
        ring().dirty = false;
    }
}

}  // namespace ms

extern "C" int mirrorsim_vprintf(const char* format, va_list ap) {
    char small[512];
    va_list copy;
    va_copy(copy, ap);
    int len = std::vsnprintf(small, sizeof small, format, copy);
    va_end(copy);
    if (len < 0) return len;
    const char* text = small;
    std::string big;
    if (static_cast<size_t>(len) >= sizeof small) {
        big.resize(static_cast<size_t>(len) + 1);
        std::vsnprintf(&big[0], big.size(), format, ap);
        text = big.c_str();
    }
    std::fwrite(text, 1, static_cast<size_t>(len), stdout);
    ms::ring().append(text, static_cast<size_t>(len));
    ms::ring().dirty = true;
    return len;
}

extern "C" int mirrorsim_printf(const char* format, ...) {
    va_list ap;
    va_start(ap, format);
    int len = mirrorsim_vprintf(format, ap);
    va_end(ap);
    return len;
}

// VL_USER_FINISH / VL_USER_STOP / VL_USER_FATAL remove Verilator's versions,
// which print and then exit or abort the process.
//
// The generated code reaches these through VL_FINISH_MT / VL_STOP_MT /
// VL_FATAL_MT, which post a message to VerilatedThreadMsgQueue. In a
// single-threaded model eval_step() runs with mtaskId 0, so post() runs the
// message at once, inside eval(); with --threads the worker threads' queues
// are flushed and processed by endOfEval() at the end of eval_step(). Either
// way the event is recorded before eval() returns, which is where the run
// loop looks at g_finished.

void vl_finish(const char* filename, int linenum, const char* /*hier*/) {
    ms::record("finish", filename, linenum, "Verilog $finish");
}

void vl_stop(const char* filename, int linenum, const char* /*hier*/) {
    std::string file = ms::base_name(filename);
    std::string message = ms::stop_message(file, linenum);
    const char* kind = "stop";
    if (ms::source_line_has(filename, linenum, "$fatal")) {
        kind = "fatal";
    } else if (message.empty()) {
        message = "Verilog $stop";
    }
    if (message.empty()) message = "Verilog $fatal";
    ms::record(kind, filename, linenum, std::move(message));
}

void vl_fatal(const char* filename, int linenum, const char* /*hier*/, const char* msg) {
    std::string message = msg ? msg : "";
    if (!ms::g_in_eval) throw ms::RuntimeFatal(message);
    ms::record("fatal", filename, linenum, message);
    throw ms::FatalUnwind{};
}
