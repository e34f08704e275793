#include "adapters/mattermost/wire.hpp"

#include "adapters/json/bounded_json.hpp"

#include <simdjson.h>

#include <algorithm>
#include <array>

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
    if (kind != ondemand::json_type::string) return wrong_type();
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
      return wrong_type();
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
    if (kind != ondemand::json_type::boolean) return wrong_type();
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
  /// The value's type, or null (after marking the document broken) when it has none.
  ondemand::json_type type() {
    ondemand::json_type kind{};
    if (failed(v_.type().get(kind))) return ondemand::json_type::null;
    return kind;
  }

  /// A value of another type than the one asked for: it is still read past (validated), so the frame's parse
  /// goes on and a syntax error in it is still noticed, and the read reports failure.
  bool wrong_type() {
    skip();
    return false;
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

  template <class F>
  bool each_field(F&& visit) {
    if (type() != ondemand::json_type::object) return wrong_type();
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
  /// each_field(), and the object's JSON text into `raw`: a view into the document's buffer.
  template <class F>
  bool each_field_viewing_text(std::string_view& raw, F&& visit) {
    if (type() != ondemand::json_type::object) return wrong_type();
    const auto opening = v_.raw_json_token();  // from the "{", in the document's buffer
    const bool ok = each_field(std::forward<F>(visit));
    const char* after = nullptr;  // the token after the closing "}"
    if (broken_ || failed(v_.current_location().get(after))) return false;
    raw = std::string_view(opening.data(), static_cast<std::size_t>(after - opening.data()));
    return ok;
  }

  /// A string holding JSON, decoded by `decode` into `out` (left empty when the string is not valid
  /// JSON of the shape `decode` expects); false only for a syntax error in the frame itself.
  template <class T, class Decode>
  bool read_embedded(std::optional<T>& out, Decode&& decode);

  template <class F>
  bool each_element(F&& visit) {
    if (type() != ondemand::json_type::array) return wrong_type();
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
  ondemand::value v_;
  bool& broken_;
};

/// A parser and input buffer per thread and nesting level (a frame, the JSON in one of its strings),
/// reused: allocating them costs more than a parse.
struct ParseLevel {
  ondemand::parser parser;
  std::string padded;
};
thread_local std::array<ParseLevel, 2> parse_levels;
thread_local std::size_t parse_depth = 0;  ///< Levels in use.

/// Runs `decode` on the root (an object or an array) of the JSON document `text`; nothing when the
/// text is not one well-formed JSON document or is larger than max_json_bytes. May be called again
/// from within `decode`, once, for JSON held in a string of the document.
template <class Decode>
auto decode_on_demand(std::string_view text, Decode&& decode) -> decltype(decode(std::declval<OnDemandValue&>())) {
  // The decoders walk values recursively (skip()): a document nested deeper than any frame Mattermost
  // sends is refused before it is read.
  if (text.size() > max_json_bytes || parse_depth == parse_levels.size() || !json_input::nesting_within(text)) {
    return std::nullopt;
  }
  auto& [parser, padded] = parse_levels[parse_depth];
  struct Nested {
    Nested() { ++parse_depth; }
    ~Nested() { --parse_depth; }
    Nested(const Nested&) = delete;
    Nested& operator=(const Nested&) = delete;
  } nested;
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

template <class T, class Decode>
bool OnDemandValue::read_embedded(std::optional<T>& out, Decode&& decode) {
  if (type() != ondemand::json_type::string) return skip();
  std::string_view text;  // unescaped into the frame's parser, so valid while its document is read
  if (failed(v_.get_string().get(text))) return false;
  out = decode_on_demand(text, std::forward<Decode>(decode));
  return true;
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
  // props.kith_key, when a string: anything else in props is the poster's to choose, and ignored.
  const auto read_props = [&](auto& props) {
    props.each_field([&](std::string_view key, auto& field) {
      if (key != "kith_key") return field.skip();
      (void)field.read(p.kith_key);  // A wrong type was read past and leaves the key empty.
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
    if (key == "props") return read_props(field);
    return field.skip();
  });
  if (!ok || p.id.empty() || p.channel_id.empty()) return std::nullopt;
  return p;
}

/// The string elements of an array (data.mentions); other elements are left out.
std::optional<std::vector<std::string>> decode_strings(OnDemandValue& value) {
  std::vector<std::string> strings;
  const bool is_array = value.each_element([&](OnDemandValue& item) {
    if (item.type() != ondemand::json_type::string) return item.skip();
    strings.emplace_back();
    return item.read(strings.back());
  });
  if (!is_array) return std::nullopt;
  return strings;
}

std::optional<WsFrame> decode_frame(OnDemandValue& value) {
  WsFrame f;
  std::string_view data_text;  // in the parser's buffer, so kept (copied) below only where it is read
  const auto read_data = [&](OnDemandValue& data) {
    if (data.type() == ondemand::json_type::null) return data.skip();
    return data.each_field_viewing_text(data_text, [&](std::string_view key, OnDemandValue& field) {
      if (key == "post") return field.read_embedded(f.post, [](OnDemandValue& v) { return decode_post(v); });
      if (key == "reaction") {
        return field.read_embedded(f.reaction, [](OnDemandValue& v) { return decode_reaction(v); });
      }
      if (key == "mentions") {
        f.has_mentions = true;
        return field.read_embedded(f.mentions, decode_strings);
      }
      if (key == "channel_type" && field.type() == ondemand::json_type::string) return field.read(f.channel_type);
      return field.skip();
    });
  };
  const bool ok = value.each_field([&](std::string_view key, OnDemandValue& field) {
    if (key == "event") return field.read(f.event);
    if (key == "status") return field.read(f.status);
    if (key == "seq") return field.read(f.seq);
    if (key == "seq_reply") return field.read(f.seq_reply);
    if (key == "data") return read_data(field);
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
  if (!data_text.empty() && !f.data_decoded()) f.data_text.assign(data_text);
  return f;
}
}  // namespace

std::optional<json> parse_json(std::string_view text, std::size_t limit) {
  return json_input::parse(text, limit);
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
    if (key == "roles") return field.read(u.roles);
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

bool WsFrame::data_decoded() const {
  return event == "posted" || event == "post_edited" || event == "post_deleted" || event == "reaction_added" ||
         event == "reaction_removed";
}

json WsFrame::data() const {
  // Validated as an object when the frame was decoded.
  auto parsed = parse_json(data_text);
  return parsed && parsed->is_object() ? std::move(*parsed) : json::object();
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
