// Reading a request's arguments: typed field access with `bad_argument`
// errors that name the field, signal values in any accepted form, and the
// error type every command throws.
#ifndef MIRRORSIM_COMMAND_ARGS_H
#define MIRRORSIM_COMMAND_ARGS_H

#include <cstdint>
#include <string>

#include <nlohmann/json.hpp>

#include "request_parser.h"
#include "signal_table.h"
#include "values.h"

namespace ms {

constexpr uint64_t kMaxJsonInt = 1ull << 53;

// A failed command: becomes {"ok": false, "error": {code, message, ...extra}}.
struct CmdError {
    std::string code;
    std::string message;
    nlohmann::json extra;          // merged into the error object
    nlohmann::json top = nullptr;  // merged into the reply (batch results)
};

[[noreturn]] void fail(std::string code, std::string message,
                       nlohmann::json extra = nlohmann::json::object());
[[noreturn]] void bad_arg(const std::string& field, const std::string& message);

// A field, or nullptr when it is missing or null.
const nlohmann::json* opt(const nlohmann::json& req, const char* name);
const nlohmann::json& need(const nlohmann::json& req, const char* name);
int64_t as_int(const nlohmann::json& v, const char* field, int64_t lo, int64_t hi);
int64_t get_int(const nlohmann::json& req, const char* name, int64_t lo, int64_t hi, int64_t def);
int64_t need_int(const nlohmann::json& req, const char* name, int64_t lo, int64_t hi);
bool get_bool(const nlohmann::json& req, const char* name, bool def);
const std::string& need_string(const nlohmann::json& req, const char* name);
double get_prob(const nlohmann::json& req, const char* name, double def);
const nlohmann::json& need_array(const nlohmann::json& req, const char* name);

std::string value_hex(const Signal& s, const uint8_t* p);
void require_access(const Signal& s);    // `unsupported` for strings, reals, ...
void require_writable(const Signal& s);  // and `not_writable` for parameters
// A value for `s` (s.nwords words), refused with bad_argument or value_too_wide.
Words to_words(const nlohmann::json& v, const Signal& s, const char* field);
// The same into `out`, without allocating for values of up to 64 bits.
void value_into(const nlohmann::json& v, const Signal& s, const char* field, uint32_t* out);
// The same for a value the request parser kept in CompactItems.
void token_into(const CompactItems& c, const CompactItems::Token& t, const Signal& s, uint32_t* out);
bool is_bit(const Signal& s);  // 1-bit, byte storage, not a memory

}  // namespace ms

#endif
