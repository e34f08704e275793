#pragma once
// Outbox items are stored as JSON text, and an attached image's bytes in a BLOB column beside it,
// so a pending item survives a restart byte for byte.
#include <cstdint>
#include <string>
#include <vector>

#include "bot/core/outgoing.hpp"

namespace kith::storage {

[[nodiscard]] std::string encode_outgoing(const OutgoingItem& item);
/// Throws DatabaseError when the stored text is not a valid item.
[[nodiscard]] OutgoingItem decode_outgoing(const std::string& text, std::vector<std::uint8_t> image_bytes);

}  // namespace kith::storage
