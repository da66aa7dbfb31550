// Verilator's makefile appends -Os to user files; before_eval() is a hot path.
#pragma GCC optimize("O2")
#include "input_recorder.h"

#include <algorithm>
#include <cerrno>
#include <cstring>

#include <nlohmann/json.hpp>

#include "command_args.h"
#include "scheduler.h"
#include "signal_table.h"
#include "verilated.h"

namespace ms {

namespace {

constexpr char kMagic[8] = {'M', 'S', 'I', 'N', 'R', 'E', 'C', '1'};
constexpr char kEndMagic[8] = {'M', 'S', 'I', 'N', 'E', 'N', 'D', '1'};
constexpr uint32_t kFormatVersion = 1;
constexpr size_t kBufferBytes = 1u << 20;

uint32_t storage_bytes(const Signal& s) {
    switch (s.storage) {
        case Storage::u8: return 1;
        case Storage::u16: return 2;
        case Storage::u32: return 4;
        case Storage::u64: return 8;
        case Storage::wide: return s.nwords * 4;
        default: return 0;
    }
}

}  // namespace

InputRecorder::InputRecorder(VerilatedContext* ctx, const SignalTable& table)
    : ctx_(ctx), table_(table) {}

InputRecorder::~InputRecorder() { stop(); }

void InputRecorder::put_bytes(const void* p, size_t n) {
    std::memcpy(&buf_[pos_], p, n);
    pos_ += n;
}

void InputRecorder::put_string(const std::string& s) {
    ensure_room(4 + s.size());
    put_u32(static_cast<uint32_t>(s.size()));
    put_bytes(s.data(), s.size());
}

void InputRecorder::flush(size_t room_needed) {
    if (pos_ > 0 && error_.empty()) {
        if (std::fwrite(buf_.data(), 1, pos_, out_) != pos_) {
            error_ = std::string("writing '") + path_ + "' failed: " + std::strerror(errno);
        }
    }
    written_ += pos_;
    pos_ = 0;
    if (buf_.size() < room_needed) buf_.resize(room_needed);
}

std::string InputRecorder::start(const std::string& path, uint64_t evals_before) {
    if (active()) return "input recording is already on (to '" + path_ + "'); record_stop first";
    if (path.empty()) return "'file' must not be empty";
    std::FILE* f = std::fopen(path.c_str(), "wb");
    if (!f) return "cannot open '" + path + "' for writing: " + std::strerror(errno);

    inputs_.clear();
    outputs_.clear();
    uint32_t offset = 0;
    max_record_ = 20;  // the two varints of a record
    for (const Signal& s : table_.all()) {
        if (s.kind != SigKind::port || s.is_memory) continue;
        const uint32_t bytes = storage_bytes(s);
        if (bytes == 0) continue;
        if (s.dir == 1 || s.dir == 3) {  // inputs, and inouts the host may drive
            inputs_.push_back({&s, bytes, offset});
            offset += bytes;
            max_record_ += 5 + bytes;
        }
        if (s.dir == 2 || s.dir == 3) outputs_.push_back({&s, bytes, 0});
    }
    last_.assign(offset, 0);
    changed_.assign(inputs_.size(), 0);
    buf_.assign(std::max(kBufferBytes, 2 * max_record_), 0);
    pos_ = 0;
    written_ = 0;
    evals_ = 0;
    error_.clear();
    first_ = true;
    last_time_ = ctx_->time();
    out_ = f;
    path_ = path;

    ensure_room(64);
    put_bytes(kMagic, 8);
    put_u32(kFormatVersion);
    put_string(table_.top_name());
    ensure_room(64);
    put_u32(static_cast<uint32_t>(static_cast<int32_t>(ctx_->timeprecision())));
    put_u64(last_time_);
    put_u64(evals_before);
    for (const auto* list : {&inputs_, &outputs_}) {
        ensure_room(4);
        put_u32(static_cast<uint32_t>(list->size()));
        for (const Port& p : *list) {
            put_string(p.sig->name);
            ensure_room(8);
            put_u32(p.sig->width);
            put_u32(p.bytes);
        }
    }
    // The header is on disk at once, so a file that cannot take data fails here.
    flush(0);
    if (std::fflush(out_) != 0 && error_.empty()) {
        error_ = std::string("writing '") + path_ + "' failed: " + std::strerror(errno);
    }
    if (!error_.empty()) {
        std::string why = error_;
        std::fclose(out_);
        out_ = nullptr;
        std::remove(path.c_str());
        return why;
    }
    return "";
}

void InputRecorder::before_eval() {
    const uint64_t now = ctx_->time();
    size_t n = 0;
    const size_t count = inputs_.size();
    const Port* ports = inputs_.data();
    uint8_t* last = last_.data();
    uint32_t* changed = changed_.data();
    if (first_) {
        // The first record holds every input: the replay needs no assumption
        // about what the host wrote before the recording started.
        first_ = false;
        for (size_t i = 0; i < count; ++i) {
            std::memcpy(last + ports[i].offset, ports[i].sig->base, ports[i].bytes);
            changed[n++] = static_cast<uint32_t>(i);
        }
    } else {
        for (size_t i = 0; i < count; ++i) {
            const Port& p = ports[i];
            uint8_t* prev = last + p.offset;
            const uint8_t* cur = p.sig->base;
            const bool differs = p.bytes == 1 ? *prev != *cur : std::memcmp(prev, cur, p.bytes) != 0;
            if (differs) {
                std::memcpy(prev, cur, p.bytes);
                changed[n++] = static_cast<uint32_t>(i);
            }
        }
    }
    ensure_room(max_record_);
    put_varint(n + 1);
    put_varint(now - last_time_);
    for (size_t k = 0; k < n; ++k) {
        const Port& p = ports[changed[k]];
        put_varint(changed[k]);
        put_bytes(last + p.offset, p.bytes);
    }
    last_time_ = now;
    ++evals_;
}

RecordingSummary InputRecorder::stop() {
    RecordingSummary summary;
    if (!active()) return summary;
    ensure_room(1 + 16 + 8);
    put_varint(0);
    put_u64(evals_);
    put_u64(ctx_->time());
    for (const Port& p : outputs_) {
        ensure_room(p.bytes);
        put_bytes(p.sig->base, p.bytes);
    }
    ensure_room(8);
    put_bytes(kEndMagic, 8);
    flush(0);
    if (std::fclose(out_) != 0 && error_.empty()) {
        error_ = std::string("closing '") + path_ + "' failed: " + std::strerror(errno);
    }
    out_ = nullptr;
    summary.file = path_;
    summary.evals = evals_;
    summary.bytes = written_;
    summary.error = error_;
    buf_.clear();
    buf_.shrink_to_fit();
    return summary;
}

// ---- the commands -----------------------------------------------------------

nlohmann::json record_inputs_command(Scheduler& sched, const nlohmann::json& req) {
    const std::string& file = need_string(req, "file");
    std::string why = sched.inputs().start(file, sched.evals());
    if (!why.empty()) bad_arg("file", why);
    return nlohmann::json::object();
}

nlohmann::json record_stop_command(Scheduler& sched) {
    if (!sched.inputs().active()) return nlohmann::json::object();
    RecordingSummary s = sched.inputs().stop();
    if (!s.error.empty()) bad_arg("file", s.error + "; the recording is incomplete");
    return {{"file", s.file}, {"evals", s.evals}, {"bytes", s.bytes}};
}

}  // namespace ms
