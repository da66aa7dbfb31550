// Verilator's makefile appends -Os to user files; stream_push converts
// many values here.
#pragma GCC optimize("O2")
#include "command_args.h"

#include <algorithm>
#include <cmath>

namespace ms {

using json = nlohmann::json;


[[noreturn]] void fail(std::string code, std::string message, json extra) {
    throw CmdError{std::move(code), std::move(message), std::move(extra)};
}

[[noreturn]] void bad_arg(const std::string& field, const std::string& message) {
    fail("bad_argument", message, {{"field", field}});
}

// ---- argument access -------------------------------------------------------

const json* opt(const json& req, const char* name) {
    auto it = req.find(name);
    if (it == req.end() || it->is_null()) return nullptr;
    return &*it;
}

const json& need(const json& req, const char* name) {
    const json* v = opt(req, name);
    if (!v) bad_arg(name, std::string("missing field '") + name + "'");
    return *v;
}

int64_t as_int(const json& v, const char* field, int64_t lo, int64_t hi) {
    int64_t x = 0;
    if (v.is_number_unsigned()) {
        uint64_t u = v.get<uint64_t>();
        if (u > static_cast<uint64_t>(hi)) {
            bad_arg(field, std::string("'") + field + "' is too large (at most " +
                               std::to_string(hi) + ")");
        }
        x = static_cast<int64_t>(u);
    } else if (v.is_number_integer()) {
        x = v.get<int64_t>();
    } else if (v.is_number_float()) {
        double d = v.get<double>();
        if (!std::isfinite(d) || d != std::floor(d) || std::fabs(d) > 9.0e15) {
            bad_arg(field, std::string("'") + field + "' must be an integer");
        }
        x = static_cast<int64_t>(d);
    } else {
        bad_arg(field, std::string("'") + field + "' must be an integer, not " + v.type_name());
    }
    if (x < lo) {
        bad_arg(field, std::string("'") + field + "' must be at least " + std::to_string(lo) +
                           " (got " + std::to_string(x) + ")");
    }
    if (x > hi) {
        bad_arg(field, std::string("'") + field + "' must be at most " + std::to_string(hi) +
                           " (got " + std::to_string(x) + ")");
    }
    return x;
}

int64_t get_int(const json& req, const char* name, int64_t lo, int64_t hi, int64_t def) {
    const json* v = opt(req, name);
    return v ? as_int(*v, name, lo, hi) : def;
}

int64_t need_int(const json& req, const char* name, int64_t lo, int64_t hi) {
    return as_int(need(req, name), name, lo, hi);
}

bool get_bool(const json& req, const char* name, bool def) {
    const json* v = opt(req, name);
    if (!v) return def;
    if (!v->is_boolean()) bad_arg(name, std::string("'") + name + "' must be true or false");
    return v->get<bool>();
}

const std::string& need_string(const json& req, const char* name) {
    const json& v = need(req, name);
    if (!v.is_string()) bad_arg(name, std::string("'") + name + "' must be a string");
    return v.get_ref<const std::string&>();
}

double get_prob(const json& req, const char* name, double def) {
    const json* v = opt(req, name);
    if (!v) return def;
    if (!v->is_number()) bad_arg(name, std::string("'") + name + "' must be a number from 0 to 1");
    double p = v->get<double>();
    if (!(p >= 0.0 && p <= 1.0)) {
        bad_arg(name, std::string("'") + name + "' must be a number from 0 to 1");
    }
    return p;
}

const json& need_array(const json& req, const char* name) {
    const json& v = need(req, name);
    if (!v.is_array()) bad_arg(name, std::string("'") + name + "' must be an array");
    return v;
}

// ---- signals and values ------------------------------------------------------

std::string value_hex(const Signal& s, const uint8_t* p) {
    if (s.narrow()) return format_hex_u64(read_u64(s.storage, p) & s.mask64);
    Words w(s.nwords);
    read_words(s, p, w.data());
    return format_hex(w.data(), w.size());
}

void require_access(const Signal& s) {
    if (s.storage == Storage::unsupported) {
        fail("unsupported", "signal '" + s.name + "' " + s.unsupported_why +
                                "; the bridge can only read and write bit vectors");
    }
}

void require_writable(const Signal& s) {
    require_access(s);
    if (!s.writable) {
        fail("not_writable", "'" + s.name + "' is a " + kind_name(s.kind) + " and cannot be written");
    }
}

Words to_words(const json& v, const Signal& s, const char* field) {
    Words w;
    if (v.is_string()) {
        std::string why;
        bool too_wide = false;
        if (!parse_value_text(v.get_ref<const std::string&>(), w, why, s.width, &too_wide)) {
            if (too_wide) {
                fail("value_too_wide", why + " does not fit '" + s.name + "' (" + std::to_string(s.width) + " bits)",
                     {{"width", s.width}, {"field", field}});
            }
            bad_arg(field, why);
        }
    } else if (v.is_number_integer() && !v.is_number_unsigned() && v.get<int64_t>() < 0) {
        bad_arg(field, "negative values are not accepted");
    } else if (v.is_number_integer()) {
        uint64_t u = v.get<uint64_t>();
        if (u > kMaxJsonInt) {
            bad_arg(field, "JSON integers above 2^53 are not exact; send the value as a string");
        }
        w = {static_cast<uint32_t>(u), static_cast<uint32_t>(u >> 32)};
    } else {
        bad_arg(field, std::string("'") + field +
                           "' must be a string (\"0x..\", \"0b..\", decimal) or a non-negative "
                           "integer, not " + v.type_name());
    }
    if (bit_length(w) > s.width) {
        fail("value_too_wide",
             "value " + format_hex(w.data(), w.size()) + " does not fit '" + s.name + "' (" +
                 std::to_string(s.width) + " bits)",
             {{"width", s.width}, {"field", field}});
    }
    w.resize(s.nwords, 0);
    return w;
}

// Writes the value's s.nwords words to `out`; values of up to 64 bits skip
// the general parser and its allocations (stream_push sends many).
void value_into(const json& v, const Signal& s, const char* field, uint32_t* out) {
    if (s.nwords <= 2) {
        uint64_t x = 0;
        bool fast = false;
        if (v.is_string()) {
            fast = parse_u64_text(v.get_ref<const std::string&>(), x);
        } else if (v.is_number_unsigned()) {
            x = v.get<uint64_t>();
            fast = x <= kMaxJsonInt;
        }
        if (fast && (s.width >= 64 || (x >> s.width) == 0)) {
            out[0] = static_cast<uint32_t>(x);
            if (s.nwords > 1) out[1] = static_cast<uint32_t>(x >> 32);
            return;
        }
    }
    Words w = to_words(v, s, field);  // reports why the value is refused
    std::copy(w.begin(), w.end(), out);
}

// value_into for a value captured by the request parser.
void token_into(const CompactItems& c, const CompactItems::Token& t, const Signal& s, uint32_t* out) {
    if (s.nwords <= 2) {
        uint64_t x = 0;
        bool fast = false;
        if (t.kind == CompactItems::text) {
            fast = parse_u64_text(c.arena.data() + t.value, t.length, x);
        } else if (t.kind == CompactItems::unsigned_number) {
            x = t.value;
            fast = x <= kMaxJsonInt;
        }
        if (fast && (s.width >= 64 || (x >> s.width) == 0)) {
            out[0] = static_cast<uint32_t>(x);
            if (s.nwords > 1) out[1] = static_cast<uint32_t>(x >> 32);
            return;
        }
    }
    value_into(c.token_json(t), s, "items", out);
}

bool is_bit(const Signal& s) {
    return s.width == 1 && s.storage == Storage::u8 && !s.is_memory;
}

}  // namespace ms
