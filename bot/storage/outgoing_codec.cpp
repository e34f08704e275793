#include "bot/storage/outgoing_codec.hpp"

#include <nlohmann/json.hpp>

#include "bot/storage/sqlite_db.hpp"

namespace kith::storage {
namespace {
using nlohmann::json;

json encode_text(const RichText& text) {
  json spans = json::array();
  for (const auto& span : text.spans()) {
    spans.push_back({{"s", static_cast<int>(span.style)}, {"t", span.text}, {"u", span.user.str()}});
  }
  return spans;
}

RichText decode_text(const json& spans) {
  RichText text;
  for (const auto& span : spans) {
    const auto style = static_cast<TextSpan::Style>(span.at("s").get<int>());
    auto t = span.at("t").get<std::string>();
    switch (style) {
      case TextSpan::Style::plain: text.text(std::move(t)); break;
      case TextSpan::Style::bold: text.bold(std::move(t)); break;
      case TextSpan::Style::italic: text.italic(std::move(t)); break;
      case TextSpan::Style::code: text.code(std::move(t)); break;
      case TextSpan::Style::mention: text.mention(UserId(span.at("u").get<std::string>()), std::move(t)); break;
      case TextSpan::Style::line_break: text.line(); break;
    }
  }
  return text;
}

json encode_destination(const Destination& to) {
  return std::visit(
      [](const auto& d) -> json {
        using T = std::decay_t<decltype(d)>;
        if constexpr (std::is_same_v<T, ToChannel>) {
          return {{"kind", "channel"},
                  {"channel", d.channel.str()},
                  {"thread", d.thread_root ? json(d.thread_root->str()) : json(nullptr)}};
        } else if constexpr (std::is_same_v<T, ToDirect>) {
          return {{"kind", "direct"}, {"user", d.user.str()}};
        } else if constexpr (std::is_same_v<T, ToGroup>) {
          json users = json::array();
          for (const auto& u : d.users) users.push_back(u.str());
          return {{"kind", "group"}, {"users", users}};
        } else {
          return {{"kind", "private"}, {"user", d.user.str()}, {"channel", d.channel.str()}};
        }
      },
      to);
}

Destination decode_destination(const json& j) {
  const auto kind = j.at("kind").get<std::string>();
  if (kind == "channel") {
    ToChannel to{ChannelId(j.at("channel").get<std::string>()), std::nullopt};
    if (!j.at("thread").is_null()) to.thread_root = MessageId(j.at("thread").get<std::string>());
    return to;
  }
  if (kind == "direct") return ToDirect{UserId(j.at("user").get<std::string>())};
  if (kind == "group") {
    ToGroup to;
    for (const auto& u : j.at("users")) to.users.emplace_back(u.get<std::string>());
    return to;
  }
  if (kind == "private") {
    return ToPrivately{UserId(j.at("user").get<std::string>()), ChannelId(j.at("channel").get<std::string>())};
  }
  throw DatabaseError("outbox item has unknown destination kind \"" + kind + "\"");
}
}  // namespace

std::string encode_outgoing(const OutgoingItem& item) {
  if (const auto* reaction = std::get_if<OutgoingReaction>(&item)) {
    return json{{"type", "reaction"},
                {"key", reaction->key},
                {"channel", reaction->channel.str()},
                {"message", reaction->message.str()},
                {"emoji", reaction->emoji}}
        .dump();
  }
  const auto& message = std::get<OutgoingMessage>(item);
  json choices = json::array();
  for (const auto& c : message.choices) choices.push_back({{"id", c.id}, {"label", c.label}});
  json j{{"type", "message"},
         {"key", message.key},
         {"to", encode_destination(message.to)},
         {"text", encode_text(message.text)},
         {"choices", choices}};
  if (message.avatar_of) j["avatar_of"] = message.avatar_of->str();
  // The image bytes go into their own BLOB column; only their description is in the text.
  if (message.image) {
    j["image"] = {{"file_name", message.image->file_name}, {"media_type", message.image->media_type}};
  }
  return j.dump();
}

OutgoingItem decode_outgoing(const std::string& text, std::vector<std::uint8_t> image_bytes) {
  try {
    const auto j = json::parse(text);
    if (j.at("type") == "reaction") {
      return OutgoingReaction{j.at("key").get<std::string>(), ChannelId(j.at("channel").get<std::string>()),
                              MessageId(j.at("message").get<std::string>()), j.at("emoji").get<std::string>()};
    }
    OutgoingMessage message;
    message.key = j.at("key").get<std::string>();
    message.to = decode_destination(j.at("to"));
    message.text = decode_text(j.at("text"));
    for (const auto& c : j.at("choices")) {
      message.choices.push_back({c.at("id").get<std::string>(), c.at("label").get<std::string>()});
    }
    if (j.contains("avatar_of")) message.avatar_of = UserId(j.at("avatar_of").get<std::string>());
    if (j.contains("image")) {
      message.image = Image{j.at("image").at("file_name").get<std::string>(),
                            j.at("image").at("media_type").get<std::string>(), std::move(image_bytes)};
    }
    return message;
  } catch (const json::exception& e) {
    throw DatabaseError(std::string("outbox item is not valid: ") + e.what());
  }
}

}  // namespace kith::storage
