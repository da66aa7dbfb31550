// Base64 by the alphabet of RFC 4648 section 4; written here because the
// bridge's libraries (libzmq, nlohmann-json) offer only Z85 and none for
// strings, and a table-driven codec is a few lines.
#include "base64.h"

#include <array>

namespace ms {
namespace {

constexpr char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

constexpr std::array<int8_t, 256> decode_table() {
    std::array<int8_t, 256> t{};
    for (auto& v : t) v = -1;
    for (int i = 0; i < 64; ++i) t[static_cast<uint8_t>(kAlphabet[i])] = static_cast<int8_t>(i);
    return t;
}

constexpr std::array<int8_t, 256> kDecode = decode_table();

}  // namespace

void base64_append(std::string& out, const void* data, size_t bytes) {
    const auto* p = static_cast<const uint8_t*>(data);
    size_t at = out.size();
    out.resize(at + (bytes + 2) / 3 * 4);
    char* o = &out[at];
    size_t i = 0;
    for (; i + 3 <= bytes; i += 3) {
        uint32_t v = (uint32_t{p[i]} << 16) | (uint32_t{p[i + 1]} << 8) | p[i + 2];
        *o++ = kAlphabet[v >> 18];
        *o++ = kAlphabet[(v >> 12) & 63];
        *o++ = kAlphabet[(v >> 6) & 63];
        *o++ = kAlphabet[v & 63];
    }
    if (i < bytes) {
        uint32_t v = uint32_t{p[i]} << 16;
        if (i + 1 < bytes) v |= uint32_t{p[i + 1]} << 8;
        *o++ = kAlphabet[v >> 18];
        *o++ = kAlphabet[(v >> 12) & 63];
        *o++ = i + 1 < bytes ? kAlphabet[(v >> 6) & 63] : '=';
        *o++ = '=';
    }
}

bool base64_decode(const std::string& text, std::vector<uint8_t>& out) {
    out.clear();
    if (text.size() % 4 != 0) return false;
    out.reserve(text.size() / 4 * 3);
    for (size_t i = 0; i < text.size(); i += 4) {
        const bool last = i + 4 == text.size();
        int v[4];
        int pad = 0;
        for (int k = 0; k < 4; ++k) {
            const auto c = static_cast<uint8_t>(text[i + k]);
            if (c == '=' && last && k >= 2) {
                v[k] = 0;
                ++pad;
                continue;
            }
            if (pad > 0) return false;  // data after padding
            v[k] = kDecode[c];
            if (v[k] < 0) return false;
        }
        const uint32_t w = (uint32_t(v[0]) << 18) | (uint32_t(v[1]) << 12) | (uint32_t(v[2]) << 6) | uint32_t(v[3]);
        out.push_back(static_cast<uint8_t>(w >> 16));
        if (pad < 2) out.push_back(static_cast<uint8_t>(w >> 8));
        if (pad < 1) out.push_back(static_cast<uint8_t>(w));
    }
    return true;
}

}  // namespace ms
