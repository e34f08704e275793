// Pictures Kith posts on Matrix: images it made (digest charts) are uploaded and sent as m.image;
// a colleague's photo for the quiz is fetched through the authenticated media endpoints
// (Matrix 1.11) and uploaded again as a new, neutrally named file. Pointing the quiz at the
// person's own avatar URI would give the answer away: anyone can match an mxc URI against the
// avatars in the member list.
#include <algorithm>
#include <cctype>

#include "adapters/matrix/matrix_adapter.hpp"
#include "adapters/matrix/request_helpers.hpp"
#include "adapters/matrix/wire.hpp"

namespace kith::matrix {
namespace asio = boost::asio;
namespace {
constexpr int quiz_picture_pixels = 320;  // plenty for a face in a chat bubble

/// "mxc://server/media" -> ("server", "media"); nothing for anything else.
std::optional<std::pair<std::string, std::string>> split_mxc(const std::string& uri) {
  constexpr std::string_view scheme = "mxc://";
  if (uri.rfind(scheme, 0) != 0) return std::nullopt;
  const auto slash = uri.find('/', scheme.size());
  if (slash == std::string::npos || slash == scheme.size() || slash + 1 == uri.size()) return std::nullopt;
  return std::pair{uri.substr(scheme.size(), slash - scheme.size()), uri.substr(slash + 1)};
}
}  // namespace

asio::awaitable<Result<std::string>> MatrixAdapter::upload(const Image& image) {
  ApiCall call{"POST", "/_matrix/media/v3/upload?filename=" + enc(image.file_name),
               std::string(image.bytes.begin(), image.bytes.end()), image.media_type};
  auto response = co_await api(call);
  if (!response) co_return response.error();
  auto uri = wire::string_at(response->body, "content_uri");
  if (response->status != 200 || uri.empty()) co_return make_error_code(status_error(response->status));
  co_return uri;
}

asio::awaitable<Result<json>> MatrixAdapter::picture_of(const UserId& person) {
  auto found = co_await profile(person);
  if (!found) co_return found.error();
  const auto mxc = split_mxc(found->avatar_ref);
  if (!mxc) {
    log_->warn("{} has no avatar on the homeserver to show", person.str());
    co_return make_error_code(errc::not_found);
  }
  const auto media = "/" + enc(mxc->first) + "/" + enc(mxc->second);
  const auto size = std::to_string(quiz_picture_pixels);
  // A thumbnail keeps the picture small; servers that cannot make one still serve the original.
  ApiCall thumbnail{
      "GET", "/_matrix/client/v1/media/thumbnail" + media + "?width=" + size + "&height=" + size + "&method=scale"};
  thumbnail.binary = true;
  thumbnail.attempts = 3;
  auto fetched = co_await api(thumbnail);
  if (!fetched || fetched->status != 200) {
    ApiCall download{"GET", "/_matrix/client/v1/media/download" + media};
    download.binary = true;
    download.attempts = 3;
    fetched = co_await api(download);
  }
  if (!fetched) co_return fetched.error();
  if (fetched->status != 200 || fetched->raw.empty()) {
    log_->warn("could not fetch the avatar of {}: HTTP {} {}", person.str(), fetched->status, fetched->errcode);
    co_return make_error_code(status_error(fetched->status));
  }
  auto type = net::find_header(fetched->headers, "Content-Type").value_or("");
  type = type.substr(0, type.find(';'));
  std::erase_if(type, [](unsigned char c) { return std::isspace(c) != 0; });
  if (type.rfind("image/", 0) != 0 || type.size() <= 6 ||
      !std::all_of(type.begin() + 6, type.end(),
                   [](unsigned char c) { return std::isalnum(c) || c == '.' || c == '+' || c == '-'; })) {
    log_->warn("the avatar of {} is not an image (Content-Type \"{}\"); not showing it", person.str(), type);
    co_return make_error_code(errc::protocol_violation);
  }
  Image image;
  image.media_type = type;
  image.file_name = "colleague." + (type == "image/jpeg" ? std::string("jpg") : type.substr(6, type.find('+') - 6));
  image.bytes.assign(fetched->raw.begin(), fetched->raw.end());
  auto uri = co_await upload(image);
  if (!uri) co_return uri.error();
  co_return json{{"msgtype", "m.image"},
                 {"body", image.file_name},
                 {"url", *uri},
                 {"info", {{"mimetype", image.media_type}, {"size", image.bytes.size()}}},
                 {"m.mentions", json::object()}};
}

}  // namespace kith::matrix
