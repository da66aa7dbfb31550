// Value text on the wire ("0x2a", "42", "0b101") <-> little-endian arrays of
// 32-bit words, which is how Verilator stores signals wider than 64 bits.
#ifndef MIRRORSIM_VALUES_H
#define MIRRORSIM_VALUES_H

#include <cstdint>
#include <string>
#include <vector>

namespace ms {

using Words = std::vector<uint32_t>;

// Parses hex ("0x"), binary ("0b") or decimal text of any length into `out`
// (at least one word, no trailing zero words beyond the first). Returns false
// with a reason when the text is not a non-negative number.
bool parse_value_text(const std::string& text, Words& out, std::string& why, unsigned max_bits = ~0u, bool* too_wide = nullptr);

// Number of significant bits (0 for zero).
unsigned bit_length(const uint32_t* words, size_t n);
inline unsigned bit_length(const Words& w) { return bit_length(w.data(), w.size()); }

// Fast path for values of up to 64 bits: false if the text is not a number
// or does not fit 64 bits (then use parse_value_text, which says why).
bool parse_u64_text(const char* text, size_t n, uint64_t& out);
inline bool parse_u64_text(const std::string& text, uint64_t& out) {
    return parse_u64_text(text.data(), text.size(), out);
}

// "0x" + lower-case hex without leading zeros ("0x0" for zero).
std::string format_hex(const uint32_t* words, size_t n);
// Appends the same text as format_hex, without a temporary string.
void append_hex(std::string& out, const uint32_t* words, size_t n);
void append_hex_u64(std::string& out, uint64_t value);
std::string format_hex_u64(uint64_t value);

inline size_t words_for_bits(unsigned width) { return width == 0 ? 1 : (width + 31) / 32; }

// Mask of the valid bits in the top word of a `width`-bit value.
inline uint32_t top_word_mask(unsigned width) {
    unsigned rem = width % 32;
    return rem == 0 ? 0xffffffffu : ((1u << rem) - 1u);
}

}  // namespace ms

#endif
