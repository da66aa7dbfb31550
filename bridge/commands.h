// JSON requests -> replies: argument checking, one function per command,
// batches. Every request gets exactly one reply, whatever it contains.
#ifndef MIRRORSIM_COMMANDS_H
#define MIRRORSIM_COMMANDS_H

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

class Vmodel;
class VerilatedContext;

namespace ms {

class SignalTable;
class ParsedRequest;
class Scheduler;
class Streams;
class Waves;

struct Session {
    VerilatedContext* ctx;
    Vmodel* model;
    SignalTable& table;
    Scheduler& sched;
    Streams& streams;
    Waves& waves;
    uint64_t seed;
    uint64_t max_wall_ms;
};

class RawFragments {
public:
    RawFragments() : nonce_(static_cast<uint64_t>(reinterpret_cast<uintptr_t>(this)) ^ 0x9e3779b97f4a7c15ull) {}
    nlohmann::json add(std::string text);
    void splice(std::string& dumped);
    bool empty() const { return texts_.empty(); }
    void clear() { texts_.clear(); }

private:
    std::string marker(size_t i) const;
    uint64_t nonce_;
    std::vector<std::string> texts_;
};

class Commands {
public:
    explicit Commands(Session s);
    ~Commands();
    std::string handle(const char* data, size_t size, bool& quit);

private:
    nlohmann::json dispatch(const nlohmann::json& req, bool in_batch, bool& quit);

    Session s_;
    uint64_t start_ns_;
    uint64_t requests_ = 0;
    RawFragments raw_;
    std::unique_ptr<ParsedRequest> parsed_;  // reused: keeps its buffers between requests
};

}  // namespace ms

#endif
