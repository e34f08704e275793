#include "adapters/mattermost/wire.hpp"

#include <simdjson.h>

#include <algorithm>

namespace kith::mattermost {
namespace {
namespace ondemand = simdjson::ondemand;

// Each wire struct is decoded once, as a function over a value type, for both JSON libraries:
// nlohmann for REST bodies, simdjson On-Demand for the WebSocket frames that arrive by the thousand.
// A value offers read(std::string&), read(std::int64_t&) and read(bool&) (absent or null leaves the
// default and is fine, a wrong type is not), skip(), each_field(f(key, value)) and
// each_element(f(value)). Both visit every field even after a wrong type, and return false then.
// (A key repeated within one object, which Mattermost never sends, is read each time on the
// On-Demand side, where nlohmann keeps only its last value.)

/// A value of a document nlohmann has already parsed, so known to be well-formed.
class ParsedValue {
 public:
  explicit ParsedValue(const json& value) : v_(value) {}

  bool read(std::string& out) {
    if (v_.is_null()) return true;
    if (!v_.is_string()) return false;
    out = v_.get<std::string>();
    return true;
  }
  bool read(std::int64_t& out) {
    if (v_.is_null()) return true;
    if (!v_.is_number_integer() && !v_.is_number_unsigned()) return false;
    out = v_.get<std::int64_t>();
    return true;
  }
  bool read(bool& out) {
    if (v_.is_null()) return true;
    if (!v_.is_boolean()) return false;
    out = v_.get<bool>();
    return true;
  }
  static bool skip() { return true; }
  template <class F>
  bool each_field(F&& visit) {
    if (!v_.is_object()) return false;
    bool ok = true;
    for (auto it = v_.begin(); it != v_.end(); ++it) {
      ParsedValue member(it.value());
      ok = visit(std::string_view(it.key()), member) && ok;
    }
    return ok;
  }
  template <class F>
  bool each_element(F&& visit) {
    if (!v_.is_array()) return false;
    bool ok = true;
    for (const auto& element : v_) {
      ParsedValue item(element);
      ok = visit(item) && ok;
    }
    return ok;
  }

 private:
  const json& v_;
};

/// A value of a document simdjson On-Demand is reading. Values are read in document order, and
/// On-Demand finds syntax errors only where it reads, so every value is read or validated whether or
/// not it is used; the first syntax error marks the whole document `broken`.
class OnDemandValue {
 public:
  OnDemandValue(ondemand::value value, bool& broken) : v_(value), broken_(broken) {}

  bool read(std::string& out) {
    const auto kind = type();
    if (kind == ondemand::json_type::null) return skip();
    if (kind != ondemand::json_type::string) return skip() && false;
    std::string_view text;
    if (failed(v_.get_string().get(text))) return false;
    out.assign(text);
    return true;
  }
  bool read(std::int64_t& out) {
    const auto kind = type();
    if (kind == ondemand::json_type::null) return skip();
    ondemand::number_type number_type{};
    if (kind != ondemand::json_type::number || v_.get_number_type().get(number_type) ||
        number_type == ondemand::number_type::floating_point_number) {
      return skip() && false;
    }
    if (number_type == ondemand::number_type::unsigned_integer) {
      std::uint64_t value = 0;
      if (failed(v_.get_uint64().get(value))) return false;
      out = static_cast<std::int64_t>(value);  // as nlohmann's get<std::int64_t>() does
      return true;
    }
    return !failed(v_.get_int64().get(out));
  }
  bool read(bool& out) {
    const auto kind = type();
    if (kind == ondemand::json_type::null) return skip();
    if (kind != ondemand::json_type::boolean) return skip() && false;
    return !failed(v_.get_bool().get(out));
  }

  bool read(std::optional<std::int64_t>& out) {
    if (type() == ondemand::json_type::null) {
      out.reset();
      return skip();
    }
    std::int64_t n = 0;
    if (!read(n)) return false;
    out = n;
    return true;
  }
  /// An object, kept as nlohmann JSON for fields looked up later by name.
  bool read_object(json& out) {
    const auto kind = type();
    if (kind == ondemand::json_type::null) return skip();
    if (kind != ondemand::json_type::object) return skip() && false;
    auto object = to_json();
    if (!object) return false;
    out = std::move(*object);
    return true;
  }

  /// The value's type, or null (after marking the document broken) when it has none.
  ondemand::json_type type() {
    ondemand::json_type kind{};
    if (failed(v_.type().get(kind))) return ondemand::json_type::null;
    return kind;
  }

  /// Validates the value without keeping it; false only for a syntax error.
  bool skip() {
    if (broken_) return false;
    switch (type()) {
      case ondemand::json_type::object:
        each_field([](std::string_view, OnDemandValue& member) { return member.skip(); });
        break;
      case ondemand::json_type::array: each_element([](OnDemandValue& item) { return item.skip(); }); break;
      case ondemand::json_type::string: {
        std::string_view text;
        failed(v_.get_string().get(text));
        break;
      }
      case ondemand::json_type::number: {
        double number = 0;
        failed(v_.get_double().get(number));
        break;
      }
      case ondemand::json_type::boolean: {
        bool value = false;
        failed(v_.get_bool().get(value));
        break;
      }
      case ondemand::json_type::null: {
        bool is_null = false;
        if (!failed(v_.is_null().get(is_null)) && !is_null) broken_ = true;
        break;
      }
    }
    return !broken_;
  }

  /// The value as nlohmann JSON, for fields kept as `json`; nothing for a syntax error.
  std::optional<json> to_json() {
    switch (type()) {
      case ondemand::json_type::object: {
        auto object = json::object();
        each_field([&](std::string_view key, OnDemandValue& member) {
          auto value = member.to_json();
          if (value) object[std::string(key)] = std::move(*value);
          return value.has_value();
        });
        return broken_ ? std::nullopt : std::optional<json>(std::move(object));
      }
      case ondemand::json_type::array: {
        auto array = json::array();
        each_element([&](OnDemandValue& item) {
          auto value = item.to_json();
          if (value) array.push_back(std::move(*value));
          return value.has_value();
        });
        return broken_ ? std::nullopt : std::optional<json>(std::move(array));
      }
      case ondemand::json_type::string: {
        std::string_view text;
        if (failed(v_.get_string().get(text))) return std::nullopt;
        return json(std::string(text));
      }
      case ondemand::json_type::number: return number_to_json();
      case ondemand::json_type::boolean: {
        bool value = false;
        if (failed(v_.get_bool().get(value))) return std::nullopt;
        return json(value);
      }
      case ondemand::json_type::null: return skip() ? std::optional<json>(json(nullptr)) : std::nullopt;
    }
    return std::nullopt;
  }

  template <class F>
  bool each_field(F&& visit) {
    if (type() != ondemand::json_type::object) return skip() && false;
    ondemand::object object;
    if (failed(v_.get_object().get(object))) return false;
    bool ok = true;
    for (auto field : object) {
      std::string_view key;
      ondemand::value value;
      if (failed(field.unescaped_key().get(key)) || failed(field.value().get(value))) return false;
      OnDemandValue member(value, broken_);
      ok = visit(key, member) && ok;
      if (broken_) return false;
    }
    return ok;
  }
  template <class F>
  bool each_element(F&& visit) {
    if (type() != ondemand::json_type::array) return skip() && false;
    ondemand::array array;
    if (failed(v_.get_array().get(array))) return false;
    bool ok = true;
    for (auto element : array) {
      ondemand::value value;
      if (failed(element.get(value))) return false;
      OnDemandValue item(value, broken_);
      ok = visit(item) && ok;
      if (broken_) return false;
    }
    return ok;
  }

 private:
  bool failed(simdjson::error_code error) {
    if (error != simdjson::SUCCESS) broken_ = true;
    return broken_;
  }
  std::optional<json> number_to_json() {
    ondemand::number_type kind{};
    if (v_.get_number_type().get(kind) == simdjson::SUCCESS) {
      if (kind == ondemand::number_type::signed_integer) {
        std::int64_t value = 0;
        if (!failed(v_.get_int64().get(value))) return json(value);
        return std::nullopt;
      }
      if (kind == ondemand::number_type::unsigned_integer) {
        std::uint64_t value = 0;
        if (!failed(v_.get_uint64().get(value))) return json(value);
        return std::nullopt;
      }
    }
    double value = 0;  // a fraction, an exponent, or an integer too large for 64 bits
    if (failed(v_.get_double().get(value))) return std::nullopt;
    return json(value);
  }

  ondemand::value v_;
  bool& broken_;
};

/// Runs `decode` on the root (an object or an array) of the JSON document `text`; nothing when the
/// text is not one well-formed JSON document or is larger than max_json_bytes.
template <class Decode>
auto decode_on_demand(std::string_view text, Decode&& decode) -> decltype(decode(std::declval<OnDemandValue&>())) {
  if (text.size() > max_json_bytes) return std::nullopt;
  // One parser and input buffer per thread, reused: allocating them costs more than a parse.
  thread_local ondemand::parser parser;
  thread_local std::string padded;
  padded.assign(text);
  padded.resize(text.size() + simdjson::SIMDJSON_PADDING);
  ondemand::document document;
  ondemand::value root;
  if (parser.iterate(padded.data(), text.size(), padded.size()).get(document) || document.get_value().get(root)) {
    return std::nullopt;
  }
  bool broken = false;
  OnDemandValue value(root, broken);
  auto decoded = decode(value);
  // At the end of the input there is no current location: anything else is trailing content.
  if (broken || document.current_location().error() != simdjson::OUT_OF_BOUNDS) return std::nullopt;
  return decoded;
}

template <class Value>
std::optional<WireReaction> decode_reaction(Value& value) {
  WireReaction r;
  const bool ok = value.each_field([&](std::string_view key, auto& field) {
    if (key == "user_id") return field.read(r.user_id);
    if (key == "post_id") return field.read(r.post_id);
    if (key == "emoji_name") return field.read(r.emoji_name);
    if (key == "create_at") return field.read(r.create_at);
    return field.skip();
  });
  if (!ok || r.user_id.empty() || r.post_id.empty() || r.emoji_name.empty()) return std::nullopt;
  return r;
}

template <class Value>
std::optional<WirePost> decode_post(Value& value) {
  WirePost p;
  // metadata.reactions, when present: an entry that is not a valid reaction is left out, and
  // metadata of the wrong shape is ignored.
  const auto read_metadata = [&](auto& metadata) {
    metadata.each_field([&](std::string_view key, auto& field) {
      if (key != "reactions") return field.skip();
      field.each_element([&](auto& item) {
        if (auto reaction = decode_reaction(item)) p.reactions.push_back(std::move(*reaction));
        return true;
      });
      return true;
    });
    return true;
  };
  const bool ok = value.each_field([&](std::string_view key, auto& field) {
    if (key == "id") return field.read(p.id);
    if (key == "channel_id") return field.read(p.channel_id);
    if (key == "user_id") return field.read(p.user_id);
    if (key == "root_id") return field.read(p.root_id);
    if (key == "message") return field.read(p.message);
    if (key == "type") return field.read(p.type);
    if (key == "create_at") return field.read(p.create_at);
    if (key == "update_at") return field.read(p.update_at);
    if (key == "edit_at") return field.read(p.edit_at);
    if (key == "delete_at") return field.read(p.delete_at);
    if (key == "metadata") return read_metadata(field);
    return field.skip();
  });
  if (!ok || p.id.empty() || p.channel_id.empty()) return std::nullopt;
  return p;
}

std::optional<WsFrame> decode_frame(OnDemandValue& value) {
  WsFrame f;
  const bool ok = value.each_field([&](std::string_view key, OnDemandValue& field) {
    if (key == "event") return field.read(f.event);
    if (key == "status") return field.read(f.status);
    if (key == "seq") return field.read(f.seq);
    if (key == "seq_reply") return field.read(f.seq_reply);
    if (key == "data") return field.read_object(f.data);
    if (key == "broadcast" && field.type() == ondemand::json_type::object) {
      return field.each_field([&](std::string_view name, OnDemandValue& member) {
        if (name == "channel_id") return member.read(f.broadcast_channel_id);
        if (name == "user_id") return member.read(f.broadcast_user_id);
        return member.skip();
      });
    }
    return field.skip();
  });
  if (!ok || (f.event.empty() && !f.seq_reply)) return std::nullopt;
  return f;
}

/// The string field `key` of `data`, or nothing when absent or not a string.
const std::string* string_field(const json& data, const char* key) {
  const auto it = data.find(key);
  return it != data.end() && it->is_string() ? &it->get_ref<const std::string&>() : nullptr;
}
}  // namespace

std::optional<json> parse_json(std::string_view text, std::size_t limit) {
  if (text.size() > limit) return std::nullopt;
  auto j = json::parse(text, nullptr, false);
  if (j.is_discarded()) return std::nullopt;
  return j;
}

std::int64_t WirePost::latest() const {
  return std::max({create_at, update_at, edit_at, delete_at});
}

std::optional<WireUser> parse_user(const json& j) {
  if (!j.is_object()) return std::nullopt;
  WireUser u;
  ParsedValue value(j);
  const bool ok = value.each_field([&](std::string_view key, ParsedValue& field) {
    if (key == "id") return field.read(u.id);
    if (key == "username") return field.read(u.username);
    if (key == "first_name") return field.read(u.first_name);
    if (key == "last_name") return field.read(u.last_name);
    if (key == "nickname") return field.read(u.nickname);
    if (key == "position") return field.read(u.position);
    if (key == "is_bot") return field.read(u.is_bot);
    if (key == "last_picture_update") return field.read(u.last_picture_update);
    if (key == "update_at") return field.read(u.update_at);
    if (key == "delete_at") return field.read(u.delete_at);
    return ParsedValue::skip();
  });
  if (!ok || u.id.empty() || u.username.empty()) return std::nullopt;
  return u;
}

std::optional<WireReaction> parse_reaction(const json& j) {
  ParsedValue value(j);
  return decode_reaction(value);
}

std::optional<WirePost> parse_post(const json& j) {
  ParsedValue value(j);
  return decode_post(value);
}

std::optional<WireChannel> parse_channel(const json& j) {
  WireChannel c;
  ParsedValue value(j);
  const bool ok = value.each_field([&](std::string_view key, ParsedValue& field) {
    if (key == "id") return field.read(c.id);
    if (key == "type") return field.read(c.type);
    if (key == "name") return field.read(c.name);
    if (key == "display_name") return field.read(c.display_name);
    if (key == "team_id") return field.read(c.team_id);
    return ParsedValue::skip();
  });
  if (!ok || c.id.empty()) return std::nullopt;
  return c;
}

std::optional<WsFrame> parse_frame(std::string_view text) {
  return decode_on_demand(text, decode_frame);
}

std::optional<WirePost> parse_embedded_post(const json& data) {
  const auto* text = string_field(data, "post");
  if (text == nullptr) return std::nullopt;
  return decode_on_demand(*text, [](OnDemandValue& value) { return decode_post(value); });
}

std::optional<WireReaction> parse_embedded_reaction(const json& data) {
  const auto* text = string_field(data, "reaction");
  if (text == nullptr) return std::nullopt;
  return decode_on_demand(*text, [](OnDemandValue& value) { return decode_reaction(value); });
}

std::optional<std::vector<std::string>> parse_embedded_strings(const json& data, const char* key) {
  const auto* text = string_field(data, key);
  if (text == nullptr) return std::nullopt;
  return decode_on_demand(*text, [](OnDemandValue& value) -> std::optional<std::vector<std::string>> {
    std::vector<std::string> strings;
    const bool is_array = value.each_element([&](OnDemandValue& item) {
      if (item.type() != ondemand::json_type::string) return item.skip();
      strings.emplace_back();
      return item.read(strings.back());
    });
    if (!is_array) return std::nullopt;
    return strings;
  });
}

std::optional<ChannelKind> channel_kind(std::string_view type) {
  if (type == "O") return ChannelKind::public_channel;
  if (type == "P") return ChannelKind::private_channel;
  if (type == "D") return ChannelKind::direct;
  if (type == "G") return ChannelKind::group;
  return std::nullopt;
}

UserProfile to_profile(const WireUser& user) {
  UserProfile p;
  p.id = UserId(user.id);
  p.username = user.username;
  std::string full = user.first_name;
  if (!user.last_name.empty()) full += (full.empty() ? "" : " ") + user.last_name;
  p.display_name = !full.empty() ? full : !user.nickname.empty() ? user.nickname : user.username;
  p.is_bot = user.is_bot;
  // Mattermost serves a generated picture until someone uploads one (last_picture_update 0).
  p.has_custom_avatar = user.last_picture_update > 0;
  p.avatar_ref = "/api/v4/users/" + user.id + "/image?_=" + std::to_string(user.last_picture_update);
  if (!user.position.empty()) p.title = user.position;
  return p;
}

TimePoint from_millis(std::int64_t ms) {
  return std::chrono::floor<Seconds>(std::chrono::sys_time<std::chrono::milliseconds>(std::chrono::milliseconds(ms)));
}

}  // namespace kith::mattermost
