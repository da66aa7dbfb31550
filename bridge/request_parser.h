// Parses a request frame into a JSON tree, except that the `items` array of
// a request (top level or inside a batch's `cmds`) is kept as a flat token
// list: stream_push carries thousands of items and a tree node per value
// would cost more than simulating them.
#ifndef MIRRORSIM_REQUEST_PARSER_H
#define MIRRORSIM_REQUEST_PARSER_H

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace ms {

struct CompactItems {
    enum Kind : uint8_t { text, unsigned_number, other };
    struct Token {
        Kind kind;
        uint32_t length;  // text: bytes in `arena`
        uint64_t value;   // text: offset in `arena`; number: the value; other: index in `others`
    };
    std::vector<Token> tokens;
    std::vector<uint32_t> item_sizes;  // tokens per item, in order
    std::string arena;
    std::vector<nlohmann::json> others;  // values of any other JSON type, kept for messages
    bool shape_ok = true;  // false when an item is not a flat array of values

    std::string token_text(const Token& t) const { return arena.substr(t.value, t.length); }
    nlohmann::json token_json(const Token& t) const;
};

class ParsedRequest {
public:
    // False when the frame is not valid JSON.
    bool parse(const char* data, size_t size);
    nlohmann::json& root() { return root_; }
    // The captured `items` an `items` field stands for, or null.
    const CompactItems* compact(const nlohmann::json& items_field) const;

private:
    nlohmann::json root_;
    std::vector<CompactItems> captures_;
    uint64_t nonce_ = 0;
};

}  // namespace ms

#endif
