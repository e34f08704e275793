#pragma once
#include <optional>
#include <string>

#include "bot/core/ids.hpp"

namespace kith {

/// What the chat server tells Kith about a person. Kept in the directory store so rituals can
/// address and describe people without asking the server.
struct UserProfile {
  UserId id;
  std::string username;      ///< Handle without the leading "@".
  std::string display_name;  ///< Full name where the server has one, else the username.
  bool is_bot = false;
  bool has_custom_avatar = false;  ///< False for generated default pictures.
  std::string avatar_ref;          ///< Adapter-specific reference (URL, mxc URI, file path); may be empty.
  std::optional<std::string> title;
  bool operator==(const UserProfile&) const = default;
};

}  // namespace kith
