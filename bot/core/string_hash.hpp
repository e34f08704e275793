#pragma once
// A hash for maps keyed by std::string that are looked up by std::string_view: a lookup with
// text from a frame or a message then builds no std::string.
#include <cstddef>
#include <string_view>

#include <boost/container_hash/hash.hpp>

namespace kith {

struct StringHash {
  using is_transparent = void;
  std::size_t operator()(std::string_view s) const noexcept { return boost::hash<std::string_view>{}(s); }
};

}  // namespace kith
