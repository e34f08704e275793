#pragma once
// The 64 bits the event ledger stores for an event key. Stored hashes must stay comparable with
// new ones, so this function can never change.
#include <cstdint>
#include <string_view>

namespace kith::storage {

/// The first 8 bytes of SHA-256(`key`), as a signed integer (SQLite's INTEGER). Two distinct keys
/// share a hash with probability 2^-64, and no one can craft a pair that does. migrate() offers it
/// to migrations as the SQL function `event_key_hash(text)`.
[[nodiscard]] std::int64_t event_key_hash(std::string_view key);

}  // namespace kith::storage
