// Verilator's makefile appends -Os to user files; this is a hot path.
#pragma GCC optimize("O2")
#include "signal_table.h"

#include <algorithm>
#include <cstdlib>
#include <set>

#include "verilated.h"
#include "verilated_syms.h"

namespace ms {

const char* kind_name(SigKind k) {
    switch (k) {
        case SigKind::port: return "port";
        case SigKind::signal: return "signal";
        case SigKind::memory: return "memory";
        case SigKind::parameter: return "parameter";
    }
    return "signal";
}

const char* dir_name(int dir) {
    switch (dir) {
        case 1: return "in";
        case 2: return "out";
        case 3: return "inout";
        default: return nullptr;
    }
}

void read_words(const Signal& s, const uint8_t* p, uint32_t* out) {
    if (s.storage == Storage::wide) {
        std::memcpy(out, p, s.nwords * 4);
        out[s.nwords - 1] &= s.top_mask;
        return;
    }
    uint64_t v = read_u64(s.storage, p) & s.mask64;
    out[0] = static_cast<uint32_t>(v);
    if (s.nwords > 1) out[1] = static_cast<uint32_t>(v >> 32);
}

void write_words(const Signal& s, uint8_t* p, const uint32_t* in) {
    if (s.storage == Storage::wide) {
        std::memcpy(p, in, (s.nwords - 1) * 4);
        uint32_t top = in[s.nwords - 1] & s.top_mask;
        std::memcpy(p + (s.nwords - 1) * 4, &top, 4);
        return;
    }
    uint64_t v = in[0];
    if (s.nwords > 1) v |= static_cast<uint64_t>(in[1]) << 32;
    write_u64(s.storage, p, v & s.mask64);
}

std::string decode_name(const std::string& raw) {
    if (raw.find("__") == std::string::npos) return raw;
    std::string out;
    out.reserve(raw.size());
    auto hex = [](char c) -> int {
        if (c >= '0' && c <= '9') return c - '0';
        if (c >= 'a' && c <= 'f') return c - 'a' + 10;
        if (c >= 'A' && c <= 'F') return c - 'A' + 10;
        return -1;
    };
    for (size_t i = 0; i < raw.size();) {
        if (raw.compare(i, 7, "__BRA__") == 0) {
            out.push_back('[');
            i += 7;
        } else if (raw.compare(i, 7, "__KET__") == 0) {
            out.push_back(']');
            i += 7;
        } else if (raw.compare(i, 7, "__DOT__") == 0) {
            out.push_back('.');
            i += 7;
        } else if (raw.compare(i, 3, "__0") == 0 && i + 4 < raw.size() && hex(raw[i + 3]) >= 0 &&
                   hex(raw[i + 4]) >= 0) {
            out.push_back(static_cast<char>(hex(raw[i + 3]) * 16 + hex(raw[i + 4])));
            i += 5;
        } else {
            out.push_back(raw[i++]);
        }
    }
    return out;
}

namespace {

std::string strip_prefix(const std::string& name, const std::string& hier) {
    if (!hier.empty() && name.size() > hier.size() && name.compare(0, hier.size(), hier) == 0 &&
        name[hier.size()] == '.') {
        return name.substr(hier.size() + 1);
    }
    return name;
}

bool describe(const VerilatedVar& var, Signal& s) {
    const int pdims = var.dims() - var.udims();
    const int left = var.left(0), right = var.right(0);
    s.width = static_cast<unsigned>(std::abs(left - right) + 1);
    s.nwords = static_cast<unsigned>(words_for_bits(s.width));
    s.top_mask = top_word_mask(s.width);
    s.mask64 = s.width >= 64 ? ~0ull : ((1ull << s.width) - 1);
    unsigned capacity = 0;
    switch (var.vltype()) {
        case VLVT_UINT8: s.storage = Storage::u8; capacity = 8; break;
        case VLVT_UINT16: s.storage = Storage::u16; capacity = 16; break;
        case VLVT_UINT32: s.storage = Storage::u32; capacity = 32; break;
        case VLVT_UINT64: s.storage = Storage::u64; capacity = 64; break;
        case VLVT_WDATA: s.storage = Storage::wide; capacity = s.nwords * 32; break;
        case VLVT_STRING:
            s.unsupported_why = "is a string";
            break;
        default:
            s.unsupported_why = "has a type the bridge does not know (Verilator type " +
                                std::to_string(static_cast<int>(var.vltype())) + ")";
            break;
    }
    // A 64-bit container without a packed range is a `real`.
    if (s.storage == Storage::u64 && pdims == 0) {
        s.storage = Storage::unsupported;
        s.unsupported_why = "is a real";
        s.width = 64;
    }
    if (s.storage != Storage::unsupported && s.width > capacity) {
        s.storage = Storage::unsupported;
        s.unsupported_why = "has a packed range wider than its storage";
    }
    if (s.storage == Storage::unsupported) {
        if (var.vltype() == VLVT_STRING) s.width = 0;
        s.nwords = 1;
        s.top_mask = ~0u;
        s.mask64 = ~0ull;
    }
    s.base = static_cast<uint8_t*>(var.datap());
    if (var.udims() >= 1) {
        s.is_memory = true;
        void* datap = var.datap();
        if (var.udims() == 1) {
            s.low = var.low(1);
            s.high = var.high(1);
            s.depth = static_cast<size_t>(s.high - s.low + 1);
            s.base = static_cast<uint8_t*>(var.datapAdjustIndex(datap, 1, s.low));
            if (s.depth > 1) {
                auto* second = static_cast<uint8_t*>(var.datapAdjustIndex(datap, 1, s.low + 1));
                s.stride = static_cast<size_t>(second - s.base);
            } else {
                s.stride = var.entSize();
            }
        } else {
            // Several unpacked dimensions are stored row-major and contiguous:
            // address them by one flat index.
            size_t total = 1;
            for (int d = 1; d <= var.udims(); ++d) total *= static_cast<size_t>(var.elements(d));
            s.low = 0;
            s.high = static_cast<int>(total) - 1;
            s.depth = total;
            s.stride = var.entSize();
        }
        if (!s.base) {
            s.storage = Storage::unsupported;
            s.unsupported_why = "has no storage";
        }
    }
    return true;
}

}  // namespace

void SignalTable::discover(VerilatedContext* ctx, const std::string& hier) {
    const VerilatedScopeNameMap* scopes = ctx->scopeNameMap();
    if (!scopes) return;

    // The port scope: identifier "TOP", named "<hier>.TOP" (or "TOP").
    const VerilatedScope* port_scope = nullptr;
    std::set<std::string> port_names;
    for (const auto& kv : *scopes) {
        if (std::string(kv.second->identifier()) == "TOP" && strip_prefix(kv.first, hier) == "TOP") {
            port_scope = kv.second;
            if (port_scope->varsp()) {
                for (const auto& v : *port_scope->varsp()) port_names.insert(v.first);
            }
            break;
        }
    }

    // The top module's scope is the first-level scope holding copies of the
    // ports; packages and $unit are first-level scopes too.
    std::string top_rel;
    size_t best_score = 0;
    bool found = false;
    for (const auto& kv : *scopes) {
        if (kv.second == port_scope) continue;
        std::string rel = strip_prefix(kv.first, hier);
        if (rel.find('.') != std::string::npos) continue;
        size_t score = 1;  // any candidate beats none
        if (kv.second->varsp()) {
            for (const auto& v : *kv.second->varsp()) score += port_names.count(v.first) * 4;
        }
        const std::string child = rel + ".";
        for (const auto& other : *scopes) {
            if (strip_prefix(other.first, hier).compare(0, child.size(), child) == 0) ++score;
        }
        if (!found || score > best_score) {
            found = true;
            best_score = score;
            top_rel = rel;
        }
    }
    top_ = decode_name(top_rel);

    auto add = [&](const std::string& name, const VerilatedVar& var, bool is_port) {
        if (by_name_.count(name)) return;
        Signal s;
        s.name = name;
        describe(var, s);
        if (var.isParam()) {
            s.kind = SigKind::parameter;
            s.writable = false;
        } else {
            s.kind = is_port ? SigKind::port : (s.is_memory ? SigKind::memory : SigKind::signal);
            s.writable = s.storage != Storage::unsupported;
        }
        if (is_port) {
            int d = static_cast<int>(var.vldir());
            s.dir = (d >= 1 && d <= 3) ? d : 0;
        }
        s.handle = static_cast<int>(signals_.size());
        by_name_.emplace(s.name, s.handle);
        signals_.push_back(std::move(s));
    };

    if (port_scope && port_scope->varsp()) {
        for (const auto& v : *port_scope->varsp()) add(decode_name(v.first), v.second, true);
    }
    for (const auto& kv : *scopes) {
        const VerilatedScope* scope = kv.second;
        if (scope == port_scope || !scope->varsp()) continue;
        std::string rel = strip_prefix(kv.first, hier);
        std::string path;
        bool is_top = false;
        if (rel == top_rel) {
            is_top = true;
        } else if (rel.compare(0, top_rel.size() + 1, top_rel + ".") == 0) {
            path = decode_name(rel.substr(top_rel.size() + 1)) + ".";
        } else {
            path = decode_name(rel) + "::";  // package or $unit
        }
        for (const auto& v : *scope->varsp()) {
            if (is_top && port_names.count(v.first)) continue;  // copy of a port
            add(path + decode_name(v.first), v.second, false);
        }
    }
}

const Signal* SignalTable::find(const std::string& name) const {
    auto it = by_name_.find(name);
    return it == by_name_.end() ? nullptr : &signals_[static_cast<size_t>(it->second)];
}

const Signal* SignalTable::by_handle(long long handle) const {
    if (handle < 0 || handle >= static_cast<long long>(signals_.size())) return nullptr;
    return &signals_[static_cast<size_t>(handle)];
}

size_t edit_distance(const std::string& a, const std::string& b, size_t limit) {
    const size_t n = a.size(), m = b.size();
    if ((n > m ? n - m : m - n) > limit) return limit + 1;
    std::vector<size_t> row(m + 1);
    for (size_t j = 0; j <= m; ++j) row[j] = j;
    for (size_t i = 1; i <= n; ++i) {
        size_t diag = row[0];
        row[0] = i;
        size_t best = row[0];
        for (size_t j = 1; j <= m; ++j) {
            size_t up = row[j];
            size_t cost = a[i - 1] == b[j - 1] ? 0 : 1;
            row[j] = std::min({row[j] + 1, row[j - 1] + 1, diag + cost});
            diag = up;
            best = std::min(best, row[j]);
        }
        if (best > limit) return limit + 1;
    }
    return row[m];
}

namespace {

std::string last_component(const std::string& name) {
    int depth = 0;
    for (size_t i = name.size(); i-- > 0;) {
        char c = name[i];
        if (c == ']') ++depth;
        else if (c == '[') --depth;
        else if (c == '.' && depth == 0) return name.substr(i + 1);
    }
    return name;
}

}  // namespace

std::vector<std::string> closest_names(const std::string& query,
                                       const std::vector<std::string>& names, bool use_last) {
    std::vector<std::pair<size_t, size_t>> scored;  // (distance, index)
    const std::string qlast = last_component(query);
    size_t limit = std::max<size_t>(query.size(), 8);
    for (size_t i = 0; i < names.size(); ++i) {
        size_t d = edit_distance(query, names[i], limit);
        if (use_last) {
            // A right leaf under a wrong or missing hierarchy is a strong hint.
            size_t dl = edit_distance(qlast, last_component(names[i]), limit) + 1;
            d = std::min(d, dl);
        }
        if (d <= limit) scored.emplace_back(d, i);
    }
    std::stable_sort(scored.begin(), scored.end());
    std::vector<std::string> out;
    for (size_t i = 0; i < scored.size() && out.size() < 5; ++i) {
        // Always 3; up to 5 while they are as close as the third.
        if (out.size() >= 3 && scored[i].first > scored[2].first) break;
        out.push_back(names[scored[i].second]);
    }
    return out;
}

std::vector<std::string> SignalTable::closest(const std::string& name) const {
    std::vector<std::string> names;
    names.reserve(signals_.size());
    for (const auto& s : signals_) names.push_back(s.name);
    return closest_names(name, names, true);
}

void SignalTable::force(const Signal& s, uint8_t* p, const Words& value) {
    Force f{&s, p, 0, {}};
    if (s.narrow()) {
        f.narrow = value[0] | (value.size() > 1 ? static_cast<uint64_t>(value[1]) << 32 : 0);
    } else {
        f.wide = value;
        f.wide.resize(s.nwords, 0);
    }
    for (auto& existing : forces_) {
        if (existing.p == p) {
            existing = std::move(f);
            return;
        }
    }
    forces_.push_back(std::move(f));
}

void SignalTable::release(uint8_t* p) {
    forces_.erase(std::remove_if(forces_.begin(), forces_.end(),
                                 [p](const Force& f) { return f.p == p; }),
                  forces_.end());
}

bool SignalTable::reapply_forces() const {
    bool changed = false;
    for (const auto& f : forces_) {
        if (f.sig->narrow()) {
            changed |= (read_u64(f.sig->storage, f.p) & f.sig->mask64) != f.narrow;
            write_u64(f.sig->storage, f.p, f.narrow);
        } else {
            changed |= std::memcmp(f.p, f.wide.data(), f.wide.size() * 4) != 0;
            write_words(*f.sig, f.p, f.wide.data());
        }
    }
    return changed;
}

}  // namespace ms
