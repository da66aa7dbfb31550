// Base64 (RFC 4648, with padding) for stream item batches: the host packs
// items as little-endian 32-bit words and sends them as one JSON string,
// which costs one native decode instead of a JSON value per item.
#ifndef MIRRORSIM_BASE64_H
#define MIRRORSIM_BASE64_H

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace ms {

void base64_append(std::string& out, const void* data, size_t bytes);

// Decodes `text` into `out`; false (out unspecified) if it is not base64.
bool base64_decode(const std::string& text, std::vector<uint8_t>& out);

}  // namespace ms

#endif
