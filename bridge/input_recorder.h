// Input recording (`record_inputs` / `record_stop`): while on, the bridge
// writes, just before every eval(), the top-level input ports that changed
// since the previous eval() and the eval's simulation time to a compact
// binary file. A bare C++ loop that applies the same changes before the same
// evals reproduces the run without the host, the bridge or ZeroMQ
// (bench/native/replay_mirror.cpp), and checks itself against the output
// values the trailer holds. The format is in docs/protocol.md.
#ifndef MIRRORSIM_INPUT_RECORDER_H
#define MIRRORSIM_INPUT_RECORDER_H

#include <cstdint>
#include <cstdio>
#include <string>
#include <vector>

#include <nlohmann/json_fwd.hpp>

class VerilatedContext;

namespace ms {

class Scheduler;
class SignalTable;
struct Signal;

// What one recording holds, when it is stopped.
struct RecordingSummary {
    std::string file;
    uint64_t evals = 0;  // records in the file, one per eval()
    uint64_t bytes = 0;  // the file's size
    std::string error;   // why the file is incomplete (a failed write), else empty
};

class InputRecorder {
public:
    InputRecorder(VerilatedContext* ctx, const SignalTable& table);
    ~InputRecorder();
    InputRecorder(const InputRecorder&) = delete;
    InputRecorder& operator=(const InputRecorder&) = delete;

    // The scheduler tests this before every eval(): one load, one branch.
    bool active() const { return out_ != nullptr; }
    const std::string& file() const { return path_; }

    // Creates `path` and writes the header. `evals_before` is how many
    // eval() calls the model has had (1: only its initial evaluation), so a
    // replay knows whether it starts where the recording did. Returns an
    // empty string, or why the file cannot be written.
    std::string start(const std::string& path, uint64_t evals_before);
    // The changed inputs and the time of the eval() about to run.
    void before_eval();
    // Writes the trailer (evals, time, every output port's value now) and
    // closes the file. Does nothing when no recording is on.
    RecordingSummary stop();

private:
    struct Port {
        const Signal* sig;
        uint32_t bytes;   // storage size: 1, 2, 4, 8 or 4 per word
        uint32_t offset;  // into last_
    };
    void put_varint(uint64_t v) {
        while (v >= 0x80) {
            buf_[pos_++] = static_cast<uint8_t>(v | 0x80);
            v >>= 7;
        }
        buf_[pos_++] = static_cast<uint8_t>(v);
    }
    void put_bytes(const void* p, size_t n);
    void put_u32(uint32_t v) { put_bytes(&v, 4); }
    void put_u64(uint64_t v) { put_bytes(&v, 8); }
    void put_string(const std::string& s);
    void ensure_room(size_t n) {
        if (pos_ + n > buf_.size()) flush(n);
    }
    void flush(size_t room_needed);

    VerilatedContext* ctx_;
    const SignalTable& table_;
    std::FILE* out_ = nullptr;
    std::string path_;
    std::string error_;
    std::vector<Port> inputs_, outputs_;
    std::vector<uint8_t> last_;     // each input's value at the previous eval()
    std::vector<uint32_t> changed_; // scratch: indices changed at this eval()
    std::vector<uint8_t> buf_;
    size_t pos_ = 0;
    size_t max_record_ = 0;  // bytes one record can take at most
    uint64_t written_ = 0;   // bytes flushed to the file
    uint64_t evals_ = 0;
    uint64_t last_time_ = 0;
    bool first_ = true;      // the first record holds every input
};

// The commands: `record_inputs` {file} and `record_stop` (commands.cpp
// dispatches to them); bad input is refused with `bad_argument`.
nlohmann::json record_inputs_command(Scheduler& sched, const nlohmann::json& req);
nlohmann::json record_stop_command(Scheduler& sched);

}  // namespace ms

#endif
