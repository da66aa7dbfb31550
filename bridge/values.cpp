// Verilator's makefile appends -Os to user files; this is a hot path.
#pragma GCC optimize("O2")
#include "values.h"

namespace ms {

namespace {

int hex_digit(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

void trim(Words& w) {
    while (w.size() > 1 && w.back() == 0) w.pop_back();
}

void mul10_add(Words& w, uint32_t digit) {
    uint64_t carry = digit;
    for (auto& word : w) {
        uint64_t v = static_cast<uint64_t>(word) * 10u + carry;
        word = static_cast<uint32_t>(v);
        carry = v >> 32;
    }
    if (carry) w.push_back(static_cast<uint32_t>(carry));
}

}  // namespace

// One pass over the text: every character checked, the digits placed
// straight into their words (hex and binary), and a value with more
// significant digits than `max_bits` can hold refused before any
// arithmetic, so a huge value costs its length, never its length squared.
bool parse_value_text(const std::string& text, Words& out, std::string& why, unsigned max_bits, bool* too_wide) {
    out.assign(1, 0);
    if (too_wide) *too_wide = false;
    auto quoted = [&text] { return text.size() <= 80 ? text : text.substr(0, 60) + "... (" + std::to_string(text.size()) + " characters)"; };
    if (text.empty()) {
        why = "empty value";
        return false;
    }
    if (text[0] == '-') {
        why = "negative values are not accepted: '" + quoted() + "'";
        return false;
    }
    size_t pos = 0;
    unsigned radix_bits = 0;  // 0 = decimal
    if (text.size() >= 2 && text[0] == '0' && (text[1] == 'x' || text[1] == 'X')) {
        radix_bits = 4;
        pos = 2;
    } else if (text.size() >= 2 && text[0] == '0' && (text[1] == 'b' || text[1] == 'B')) {
        radix_bits = 1;
        pos = 2;
    }
    // Check every character; count the significant digits.
    size_t digits = 0, significant = 0;
    for (size_t i = pos; i < text.size(); ++i) {
        const char c = text[i];
        if (c == '_' && digits > 0) continue;  // Verilog-style digit grouping
        const int d = radix_bits == 4 ? hex_digit(c) : (c >= '0' && c <= '9' ? c - '0' : -1);
        if (d < 0 || (radix_bits == 1 && d > 1)) {
            why = "not a number: '" + quoted() + "' (use \"0x\" hex, \"0b\" binary or decimal digits)";
            return false;
        }
        ++digits;
        if (d != 0 || significant > 0) ++significant;
    }
    if (digits == 0) {
        why = "no digits in value '" + quoted() + "'";
        return false;
    }
    // The fewest bits the value can have: a decimal digit carries more than 3.
    const uint64_t per_digit = radix_bits ? radix_bits : 3;
    const uint64_t least_bits = significant > 0 ? (significant - 1) * per_digit + 1 : 0;
    if (least_bits > max_bits) {
        if (too_wide) *too_wide = true;
        why = "a value of " + std::to_string(significant) + " significant digits";
        return false;
    }
    if (radix_bits) {
        // From the last digit up: digit k (0 = least significant) goes to bit k * radix_bits;
        // a digit never straddles two words (32 is a multiple of 4).
        out.assign(significant * radix_bits / 32 + 1, 0);
        uint64_t bit = 0;
        for (size_t i = text.size(); i-- > pos && bit < significant * radix_bits;) {
            const char c = text[i];
            if (c == '_') continue;
            const auto d = static_cast<uint32_t>(radix_bits == 4 ? hex_digit(c) : c - '0');
            out[bit / 32] |= d << (bit % 32);
            bit += radix_bits;
        }
    } else {
        for (size_t i = pos; i < text.size(); ++i) {
            if (text[i] != '_') mul10_add(out, static_cast<uint32_t>(text[i] - '0'));
        }
    }
    trim(out);
    return true;
}

unsigned bit_length(const uint32_t* words, size_t n) {
    for (size_t i = n; i-- > 0;) {
        if (words[i]) return static_cast<unsigned>(i * 32 + 32 - __builtin_clz(words[i]));
    }
    return 0;
}

bool parse_u64_text(const char* text, size_t n, uint64_t& out) {
    size_t pos = 0;
    unsigned shift = 0;  // 0 = decimal
    if (n >= 2 && text[0] == '0' && (text[1] == 'x' || text[1] == 'X')) {
        shift = 4;
        pos = 2;
    } else if (n >= 2 && text[0] == '0' && (text[1] == 'b' || text[1] == 'B')) {
        shift = 1;
        pos = 2;
    }
    if (pos == n) return false;
    uint64_t v = 0;
    for (; pos < n; ++pos) {
        const char c = text[pos];
        int d;
        if (c == '_') {
            if (pos == 0 || text[pos - 1] == 'x' || text[pos - 1] == 'b') return false;
            continue;
        }
        if (shift == 4) {
            d = hex_digit(c);
        } else {
            d = (c >= '0' && c <= '9') ? c - '0' : -1;
            if (shift == 1 && d > 1) d = -1;
        }
        if (d < 0) return false;
        if (shift) {
            if (v >> (64 - shift)) return false;
            v = (v << shift) | static_cast<uint64_t>(d);
        } else {
            if (v > (UINT64_MAX - static_cast<uint64_t>(d)) / 10) return false;
            v = v * 10 + static_cast<uint64_t>(d);
        }
    }
    out = v;
    return true;
}

void append_hex(std::string& out, const uint32_t* words, size_t n) {
    static const char digits[] = "0123456789abcdef";
    size_t top = n;
    while (top > 1 && words[top - 1] == 0) --top;
    out += "0x";
    if (top == 0 || (top == 1 && words[0] == 0)) {
        out.push_back('0');
        return;
    }
    bool started = false;
    for (size_t i = top; i-- > 0;) {
        for (int shift = 28; shift >= 0; shift -= 4) {
            unsigned d = (words[i] >> shift) & 0xf;
            if (!started && d == 0) continue;
            started = true;
            out.push_back(digits[d]);
        }
    }
}

void append_hex_u64(std::string& out, uint64_t value) {
    uint32_t w[2] = {static_cast<uint32_t>(value), static_cast<uint32_t>(value >> 32)};
    append_hex(out, w, 2);
}

std::string format_hex(const uint32_t* words, size_t n) {
    std::string s;
    s.reserve(2 + n * 8);
    append_hex(s, words, n);
    return s;
}

std::string format_hex_u64(uint64_t value) {
    std::string s;
    s.reserve(18);
    append_hex_u64(s, value);
    return s;
}

}  // namespace ms
