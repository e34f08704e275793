#pragma once
// Strong identifier types: a UserId cannot be passed where a ChannelId is expected.
#include <compare>
#include <functional>
#include <string>
#include <utility>

namespace kith {

/// An opaque identifier assigned by the chat server, tagged with what it identifies.
template <class Tag>
class StrongId {
 public:
  StrongId() = default;
  explicit StrongId(std::string value) : value_(std::move(value)) {}

  [[nodiscard]] const std::string& str() const noexcept { return value_; }
  [[nodiscard]] bool empty() const noexcept { return value_.empty(); }
  auto operator<=>(const StrongId&) const = default;

 private:
  std::string value_;
};

using UserId = StrongId<struct UserIdTag>;
using ChannelId = StrongId<struct ChannelIdTag>;
using MessageId = StrongId<struct MessageIdTag>;

}  // namespace kith

template <class Tag>
struct std::hash<kith::StrongId<Tag>> {
  std::size_t operator()(const kith::StrongId<Tag>& id) const noexcept { return std::hash<std::string>{}(id.str()); }
};
