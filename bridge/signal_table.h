// Every signal of the Verilated model, found once through Verilator's own
// symbol table (no VPI), with direct pointers to its storage so reads,
// writes and forces on hot paths are plain loads and stores.
#ifndef MIRRORSIM_SIGNAL_TABLE_H
#define MIRRORSIM_SIGNAL_TABLE_H

#include <cstdint>
#include <cstring>
#include <string>
#include <unordered_map>
#include <vector>

#include "values.h"

class VerilatedContext;

namespace ms {

enum class SigKind : uint8_t { port, signal, memory, parameter };
enum class Storage : uint8_t { u8, u16, u32, u64, wide, unsupported };

struct Signal {
    std::string name;
    int handle = 0;
    unsigned width = 0;
    SigKind kind = SigKind::signal;
    int dir = 0;  // 0 none, 1 in, 2 out, 3 inout
    bool writable = false;
    Storage storage = Storage::unsupported;
    unsigned nwords = 1;        // 32-bit words per element
    uint32_t top_mask = ~0u;    // valid bits of the top word
    uint64_t mask64 = ~0ull;    // valid bits, for width <= 64
    uint8_t* base = nullptr;    // the value, or the element at the lowest index
    bool is_memory = false;
    int low = 0, high = 0;      // declared index range of a memory
    size_t depth = 0;
    size_t stride = 0;          // bytes between memory elements
    std::string unsupported_why;  // set when storage == unsupported

    bool narrow() const { return storage <= Storage::u64; }
    uint8_t* element(long index) const {
        return base + static_cast<size_t>(index - low) * stride;
    }
};

const char* kind_name(SigKind k);
const char* dir_name(int dir);  // nullptr for "no direction"

// Raw element access. `out`/`in` hold s.nwords words; values are masked to
// the width on the way in and out.
void read_words(const Signal& s, const uint8_t* p, uint32_t* out);
void write_words(const Signal& s, uint8_t* p, const uint32_t* in);

inline uint64_t read_u64(Storage st, const uint8_t* p) {
    switch (st) {
        case Storage::u8: return *p;
        case Storage::u16: { uint16_t v; std::memcpy(&v, p, 2); return v; }
        case Storage::u32: { uint32_t v; std::memcpy(&v, p, 4); return v; }
        case Storage::u64: { uint64_t v; std::memcpy(&v, p, 8); return v; }
        default: { uint64_t v; std::memcpy(&v, p, 8); return v; }  // low 64 bits of a wide value
    }
}

inline void write_u64(Storage st, uint8_t* p, uint64_t v) {
    switch (st) {
        case Storage::u8: *p = static_cast<uint8_t>(v); break;
        case Storage::u16: { uint16_t x = static_cast<uint16_t>(v); std::memcpy(p, &x, 2); break; }
        case Storage::u32: { uint32_t x = static_cast<uint32_t>(v); std::memcpy(p, &x, 4); break; }
        case Storage::u64: std::memcpy(p, &v, 8); break;
        default: break;
    }
}

class SignalTable {
public:
    // `hier` is the model instance name (Vmodel::hierName()), which Verilator
    // puts in front of every scope name.
    void discover(VerilatedContext* ctx, const std::string& hier);

    const std::string& top_name() const { return top_; }
    const std::vector<Signal>& all() const { return signals_; }
    const Signal* find(const std::string& name) const;
    const Signal* by_handle(long long handle) const;
    // The closest names by edit distance, also matching on the last path
    // component (so "count_q" suggests "u_counter.count_q").
    std::vector<std::string> closest(const std::string& name) const;

    // A forced value is stored again after every eval() until released.
    void force(const Signal& s, uint8_t* p, const Words& value);
    void release(uint8_t* p);
    bool any_forces() const { return !forces_.empty(); }
    // Returns true if the design had overwritten any forced value.
    bool reapply_forces() const;

private:
    struct Force {
        const Signal* sig;
        uint8_t* p;
        uint64_t narrow;
        Words wide;
    };
    std::string top_;
    std::vector<Signal> signals_;
    std::unordered_map<std::string, int> by_name_;
    std::vector<Force> forces_;
};

// Verilator's escapes (__BRA__, __KET__, __DOT__, __0xx) back to source form.
std::string decode_name(const std::string& raw);

size_t edit_distance(const std::string& a, const std::string& b, size_t limit);
std::vector<std::string> closest_names(const std::string& query,
                                       const std::vector<std::string>& names, bool use_last);

}  // namespace ms

#endif
