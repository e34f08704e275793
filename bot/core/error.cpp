#include "bot/core/error.hpp"

#include <string>

namespace kith {
namespace {
// error_category's destructor is protected and non-virtual by design; categories are singletons.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wnon-virtual-dtor"
class KithCategory final : public boost::system::error_category {
 public:
  [[nodiscard]] const char* name() const noexcept override { return "kith"; }
  [[nodiscard]] std::string message(int ev) const override {
    switch (static_cast<errc>(ev)) {
      case errc::unauthorized: return "the server refused Kith's credentials";
      case errc::rate_limited: return "the server is rate-limiting Kith";
      case errc::not_found: return "not found on the server";
      case errc::protocol_violation: return "the server sent something Kith could not understand";
      case errc::timeout: return "the server did not answer in time";
      case errc::unavailable: return "the server is unreachable or failing";
      case errc::unsupported: return "not supported by this chat adapter";
      case errc::rejected: return "the server rejected the request";
    }
    return "unknown kith error";
  }
};
#pragma GCC diagnostic pop
}  // namespace

const boost::system::error_category& kith_category() noexcept {
  static const KithCategory category;
  return category;
}

}  // namespace kith
