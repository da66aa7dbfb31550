// The two-node system's own speed ceiling: a run recorded by the bridge
// (`record_inputs`, docs/protocol.md) replayed on the Verilated model alone,
// with no host, no bridge and no ZeroMQ. Each recorded eval() gets its input
// changes written straight into the model's port variables, then eval(); at
// the end the output ports must equal the values the recording's trailer
// holds, so a replay that measured something else than the recorded run
// says so.
//
//   replay_mirror FILE [--profile] [--repeat N] [--clock NAME]
//
//   --profile   time every eval() too and report eval_share (costs a little)
//   --repeat N  replay N times on fresh models, report the fastest (default 1)
//   --clock     the input whose rising edges count as cycles (default clk_i,
//               else the first 1-bit input with "clk" in its name)
//
// Prints one JSON line {evals, cycles, seconds, cycles_per_s, evals_per_s,
// sim_time, verified, eval_share?}. Exit status: 0 verified; 1 the replay
// differs from the recording (the message names the first output port that
// differs, or the assertion the design stopped at); 2 bad arguments or a
// file that is not a complete recording.
//
// Built with Verilator against the same design as the bridge (bench/mirror-
// ceiling.ts, src/mirror/replay.ts) with bridge/signal_table.cpp to find the
// ports by name.
#include <cerrno>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include "Vmodel.h"
#include "signal_table.h"
#include "verilated.h"

namespace {

constexpr char kMagic[8] = {'M', 'S', 'I', 'N', 'R', 'E', 'C', '1'};
constexpr char kEndMagic[8] = {'M', 'S', 'I', 'N', 'E', 'N', 'D', '1'};
constexpr uint32_t kFormatVersion = 1;
constexpr int kExitMismatch = 1;
constexpr int kExitBadInput = 2;

[[noreturn]] void bad_input(const std::string& message) {
    std::fprintf(stderr, "replay_mirror: %s\n", message.c_str());
    std::exit(kExitBadInput);
}

struct PortInfo {
    std::string name;
    uint32_t width = 0;
    uint32_t bytes = 0;
};

// One input change as decoded from the file: which port, and its value (up
// to 8 bytes inline, wider ones in Recording::wide).
struct Change {
    uint32_t port;
    uint32_t bytes;
    uint64_t value;  // or the offset into Recording::wide
};

struct Recording {
    std::string top;
    uint64_t start_time = 0;
    uint64_t evals_before = 0;
    std::vector<PortInfo> inputs, outputs;
    std::vector<uint64_t> times;     // per eval
    std::vector<uint32_t> first;     // per eval: its first change; one more entry at the end
    std::vector<Change> changes;
    std::vector<uint8_t> wide;
    uint64_t cycles = 0;             // rising edges of the clock input
    uint64_t end_time = 0;
    std::vector<std::vector<uint8_t>> final_outputs;
};

class Reader {
public:
    Reader(const std::vector<uint8_t>& data, const std::string& file) : d_(data), file_(file) {}
    size_t pos() const { return pos_; }
    void need(size_t n) {
        if (d_.size() - pos_ < n) {
            bad_input("'" + file_ + "' ends at byte " + std::to_string(d_.size()) +
                      " inside a record: not a complete recording (was it stopped with "
                      "record_stop or quit?)");
        }
    }
    const uint8_t* bytes(size_t n) {
        need(n);
        const uint8_t* p = d_.data() + pos_;
        pos_ += n;
        return p;
    }
    uint32_t u32() { uint32_t v; std::memcpy(&v, bytes(4), 4); return v; }
    uint64_t u64() { uint64_t v; std::memcpy(&v, bytes(8), 8); return v; }
    std::string str() {
        uint32_t n = u32();
        const uint8_t* p = bytes(n);
        return std::string(reinterpret_cast<const char*>(p), n);
    }
    uint64_t varint() {
        uint64_t v = 0;
        for (int shift = 0; shift < 64; shift += 7) {
            uint8_t b = *bytes(1);
            v |= static_cast<uint64_t>(b & 0x7f) << shift;
            if (!(b & 0x80)) return v;
        }
        bad_input("'" + file_ + "': a number at byte " + std::to_string(pos_) + " is too long");
    }

private:
    const std::vector<uint8_t>& d_;
    const std::string& file_;
    size_t pos_ = 0;
};

std::vector<uint8_t> read_file(const std::string& file) {
    std::FILE* f = std::fopen(file.c_str(), "rb");
    if (!f) bad_input("cannot open '" + file + "': " + std::strerror(errno));
    std::vector<uint8_t> data;
    uint8_t chunk[1 << 16];
    size_t n;
    while ((n = std::fread(chunk, 1, sizeof chunk, f)) > 0) data.insert(data.end(), chunk, chunk + n);
    std::fclose(f);
    return data;
}

std::vector<PortInfo> read_ports(Reader& r) {
    std::vector<PortInfo> ports(r.u32());
    for (auto& p : ports) {
        p.name = r.str();
        p.width = r.u32();
        p.bytes = r.u32();
    }
    return ports;
}

int pick_clock(const std::vector<PortInfo>& inputs, const std::string& wanted) {
    for (size_t i = 0; i < inputs.size(); ++i) {
        if (inputs[i].name == wanted) return static_cast<int>(i);
    }
    if (wanted != "clk_i") bad_input("the recording has no input '" + wanted + "' (--clock)");
    for (size_t i = 0; i < inputs.size(); ++i) {
        if (inputs[i].width == 1 && inputs[i].name.find("clk") != std::string::npos) return static_cast<int>(i);
    }
    return -1;  // no clock: cycles stay 0
}

Recording decode(const std::string& file, const std::string& clock_name) {
    const std::vector<uint8_t> data = read_file(file);
    Reader r(data, file);
    Recording rec;
    if (data.size() < 8 || std::memcmp(r.bytes(8), kMagic, 8) != 0) {
        bad_input("'" + file + "' is not an input recording (no MSINREC1 header)");
    }
    const uint32_t version = r.u32();
    if (version != kFormatVersion) {
        bad_input("'" + file + "' is a version " + std::to_string(version) +
                  " recording; this replay reads version " + std::to_string(kFormatVersion));
    }
    rec.top = r.str();
    r.u32();  // time precision: the replay only passes times through
    rec.start_time = r.u64();
    rec.evals_before = r.u64();
    rec.inputs = read_ports(r);
    rec.outputs = read_ports(r);
    for (const auto& p : rec.inputs) {
        if (p.bytes == 0) bad_input("'" + file + "': input '" + p.name + "' has no storage size");
    }

    const int clock = pick_clock(rec.inputs, clock_name);
    uint8_t clock_value = 0;
    uint64_t time = rec.start_time;
    rec.first.push_back(0);
    for (;;) {
        const uint64_t head = r.varint();
        if (head == 0) break;  // the trailer
        time += r.varint();
        rec.times.push_back(time);
        for (uint64_t k = 0; k < head - 1; ++k) {
            const uint64_t port = r.varint();
            if (port >= rec.inputs.size()) {
                bad_input("'" + file + "': record " + std::to_string(rec.times.size()) + " at byte " +
                          std::to_string(r.pos()) + " names input " + std::to_string(port) +
                          " of " + std::to_string(rec.inputs.size()));
            }
            const uint32_t bytes = rec.inputs[port].bytes;
            const uint8_t* value = r.bytes(bytes);
            Change c{static_cast<uint32_t>(port), bytes, 0};
            if (bytes <= 8) {
                std::memcpy(&c.value, value, bytes);
            } else {
                c.value = rec.wide.size();
                rec.wide.insert(rec.wide.end(), value, value + bytes);
            }
            if (static_cast<int>(port) == clock) {
                const uint8_t v = *value & 1u;
                if (v && !clock_value) ++rec.cycles;
                clock_value = v;
            }
            rec.changes.push_back(c);
        }
        rec.first.push_back(static_cast<uint32_t>(rec.changes.size()));
    }
    const uint64_t evals = r.u64();
    rec.end_time = r.u64();
    if (evals != rec.times.size()) {
        bad_input("'" + file + "': the trailer counts " + std::to_string(evals) + " evals, the file holds " +
                  std::to_string(rec.times.size()));
    }
    for (const auto& p : rec.outputs) {
        const uint8_t* v = r.bytes(p.bytes);
        rec.final_outputs.emplace_back(v, v + p.bytes);
    }
    if (std::memcmp(r.bytes(8), kEndMagic, 8) != 0) bad_input("'" + file + "': the trailer does not end in MSINEND1");
    return rec;
}

std::string hex_of(const uint8_t* p, uint32_t bytes) {
    static const char* digits = "0123456789abcdef";
    std::string out = "0x";
    bool leading = true;
    for (uint32_t i = bytes; i-- > 0;) {
        for (int half : {p[i] >> 4, p[i] & 15}) {
            if (leading && half == 0) continue;
            leading = false;
            out.push_back(digits[half]);
        }
    }
    if (leading) out.push_back('0');
    return out;
}

// A change with the port's address resolved in one model instance.
struct Apply {
    uint8_t* dst;
    uint64_t value;  // or, for wide ports, a pointer into Recording::wide
    uint32_t bytes;
};

inline void apply(const Apply& a) {
    switch (a.bytes) {
        case 1: *a.dst = static_cast<uint8_t>(a.value); break;
        case 2: { const uint16_t v = static_cast<uint16_t>(a.value); std::memcpy(a.dst, &v, 2); break; }
        case 4: { const uint32_t v = static_cast<uint32_t>(a.value); std::memcpy(a.dst, &v, 4); break; }
        case 8: std::memcpy(a.dst, &a.value, 8); break;
        default: std::memcpy(a.dst, reinterpret_cast<const uint8_t*>(a.value), a.bytes); break;
    }
}

inline uint64_t mono_ns() {
    timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return static_cast<uint64_t>(ts.tv_sec) * 1000000000ull + static_cast<uint64_t>(ts.tv_nsec);
}

// The model of the replay in progress, so that a design that stops inside
// eval() (vl_stop / vl_fatal below) can still be compared and reported.
struct Replay {
    const Recording* rec = nullptr;
    std::vector<const ms::Signal*> outputs;
    VerilatedContext* ctx = nullptr;
    uint64_t done = 0;
};
Replay g_replay;

// The first output port that differs from the trailer, or -1.
int first_mismatch() {
    const Recording& rec = *g_replay.rec;
    for (size_t i = 0; i < rec.outputs.size(); ++i) {
        if (std::memcmp(g_replay.outputs[i]->base, rec.final_outputs[i].data(), rec.outputs[i].bytes) != 0) {
            return static_cast<int>(i);
        }
    }
    return -1;
}

std::string mismatch_text(int i) {
    const Recording& rec = *g_replay.rec;
    const PortInfo& p = rec.outputs[static_cast<size_t>(i)];
    return "output port '" + p.name + "' is " + hex_of(g_replay.outputs[static_cast<size_t>(i)]->base, p.bytes) +
           " after the replay, the recording ended with " + hex_of(rec.final_outputs[static_cast<size_t>(i)].data(), p.bytes);
}

[[noreturn]] void design_stopped(const char* what, const char* file, int line, const char* msg) {
    const int i = first_mismatch();
    std::fprintf(stderr,
                 "replay_mirror: mismatch: the design stopped (%s) at %s:%d at time %llu, eval %llu of %zu, "
                 "which the recorded run did not%s%s%s\n",
                 what, file ? file : "?", line, static_cast<unsigned long long>(g_replay.ctx->time()),
                 static_cast<unsigned long long>(g_replay.done + 1), g_replay.rec->times.size(),
                 msg && *msg ? ": " : "", msg ? msg : "",
                 i >= 0 ? ("; first differing " + mismatch_text(i)).c_str() : "");
    std::exit(kExitMismatch);
}

struct Timing {
    double seconds = 0;
    uint64_t eval_ns = 0;
};

template <bool kProfile>
Timing run_loop(Vmodel& model, VerilatedContext& ctx, const std::vector<Apply>& applies,
                const Recording& rec) {
    const uint64_t* times = rec.times.data();
    const uint32_t* first = rec.first.data();
    const Apply* a = applies.data();
    const size_t n = rec.times.size();
    uint64_t eval_ns = 0;
    const auto t0 = std::chrono::steady_clock::now();
    for (size_t i = 0; i < n; ++i) {
        ctx.time(times[i]);
        for (uint32_t k = first[i], end = first[i + 1]; k < end; ++k) apply(a[k]);
        if (kProfile) {
            const uint64_t e0 = mono_ns();
            model.eval();
            eval_ns += mono_ns() - e0;
        } else {
            model.eval();
        }
        g_replay.done = i + 1;
    }
    Timing t;
    t.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    t.eval_ns = eval_ns;
    return t;
}

Timing replay_once(const Recording& rec, bool profile, int argc, char** argv) {
    auto ctx = std::make_unique<VerilatedContext>();
    ctx->commandArgs(argc, argv);
    auto model = std::make_unique<Vmodel>(ctx.get(), "TOP");
    ms::SignalTable table;
    table.discover(ctx.get(), model->hierName());
    if (table.top_name() != rec.top) {
        bad_input("the recording is of '" + rec.top + "', this replay is built for '" + table.top_name() + "'");
    }
    auto port = [&](const PortInfo& p, bool input) {
        const ms::Signal* s = table.find(p.name);
        const bool dir_ok = s && (input ? (s->dir == 1 || s->dir == 3) : (s->dir == 2 || s->dir == 3));
        if (!s || s->kind != ms::SigKind::port || !dir_ok) {
            bad_input(std::string("the recording's ") + (input ? "input" : "output") + " '" + p.name +
                      "' is not an " + (input ? "input" : "output") + " port of " + rec.top);
        }
        if (s->width != p.width) {
            bad_input("port '" + p.name + "' is " + std::to_string(s->width) + " bits here, " +
                      std::to_string(p.width) + " in the recording");
        }
        return s;
    };
    std::vector<uint8_t*> inputs;
    for (const auto& p : rec.inputs) inputs.push_back(port(p, true)->base);
    g_replay.rec = &rec;
    g_replay.ctx = ctx.get();
    g_replay.done = 0;
    g_replay.outputs.clear();
    for (const auto& p : rec.outputs) g_replay.outputs.push_back(port(p, false));

    std::vector<Apply> applies;
    applies.reserve(rec.changes.size());
    for (const Change& c : rec.changes) {
        Apply a{inputs[c.port], c.value, c.bytes};
        if (c.bytes > 8) a.value = reinterpret_cast<uint64_t>(rec.wide.data() + c.value);
        applies.push_back(a);
    }

    // The bridge's initial evaluation, at time 0, before any input is written.
    if (rec.evals_before > 0) {
        ctx->time(0);
        model->eval();
    }
    Timing t = profile ? run_loop<true>(*model, *ctx, applies, rec) : run_loop<false>(*model, *ctx, applies, rec);
    const int i = first_mismatch();
    if (i >= 0) {
        std::fprintf(stderr, "replay_mirror: mismatch: %s (%zu evals replayed, to time %llu)\n",
                     mismatch_text(i).c_str(), rec.times.size(),
                     static_cast<unsigned long long>(ctx->time()));
        std::exit(kExitMismatch);
    }
    model->final();
    return t;
}

}  // namespace

// The design's $stop / $fatal / $error (an immediate assertion) inside a
// replay: the recorded run had none, so the replay has diverged.
void vl_finish(const char*, int, const char*) { Verilated::threadContextp()->gotFinish(true); }
void vl_stop(const char* filename, int linenum, const char*) { design_stopped("$stop or $error", filename, linenum, nullptr); }
void vl_fatal(const char* filename, int linenum, const char*, const char* msg) { design_stopped("fatal", filename, linenum, msg); }

int main(int argc, char** argv) {
    std::string file, clock = "clk_i";
    bool profile = false;
    long repeat = 1;
    for (int i = 1; i < argc; ++i) {
        const std::string arg = argv[i];
        if (!arg.empty() && arg[0] == '+') continue;  // Verilator plusargs
        if (arg == "--profile") {
            profile = true;
        } else if (arg == "--repeat" && i + 1 < argc) {
            repeat = std::strtol(argv[++i], nullptr, 10);
            if (repeat < 1) bad_input(std::string("--repeat needs a count of at least 1, not '") + argv[i] + "'");
        } else if (arg == "--clock" && i + 1 < argc) {
            clock = argv[++i];
        } else if (file.empty() && arg.compare(0, 2, "--") != 0) {
            file = arg;
        } else {
            bad_input("unknown argument '" + arg + "'\nusage: replay_mirror FILE [--profile] [--repeat N] [--clock NAME]");
        }
    }
    if (file.empty()) bad_input("usage: replay_mirror FILE [--profile] [--repeat N] [--clock NAME]");

    const Recording rec = decode(file, clock);
    if (rec.evals_before != 1) {
        std::fprintf(stderr,
                     "replay_mirror: warning: the recording started after %llu evals of the model; the replay "
                     "starts from its initial state, so it verifies only if those evals did what the first does\n",
                     static_cast<unsigned long long>(rec.evals_before));
    }
    Timing best;
    for (long k = 0; k < repeat; ++k) {
        Timing t = replay_once(rec, profile, argc, argv);
        if (k == 0 || t.seconds < best.seconds) best = t;
    }
    const double s = best.seconds;
    std::printf("{\"evals\":%zu,\"cycles\":%llu,\"seconds\":%.6f,\"cycles_per_s\":%.0f,\"evals_per_s\":%.0f,"
                "\"sim_time\":%llu,\"verified\":true,\"repeat\":%ld",
                rec.times.size(), static_cast<unsigned long long>(rec.cycles), s,
                s > 0 ? static_cast<double>(rec.cycles) / s : 0.0,
                s > 0 ? static_cast<double>(rec.times.size()) / s : 0.0,
                static_cast<unsigned long long>(rec.end_time), repeat);
    if (profile) std::printf(",\"eval_share\":%.4f", s > 0 ? static_cast<double>(best.eval_ns) / 1e9 / s : 0.0);
    std::printf("}\n");
    return 0;
}
