#pragma once
// Generated hostile input: every node of a well-formed JSON template replaced, in turn, by each
// value a hostile server or room member could put there (missing, null, another type, huge, nested
// far deeper than any parser's stack). The same generator serves both adapters' tests.
#include <nlohmann/json.hpp>

#include <functional>
#include <string>
#include <vector>

namespace kith::test {

struct HostileCase {
  std::string path;      ///< The JSON pointer of the node replaced ("/rooms/join/!r/timeline").
  std::string mutation;  ///< What it became ("missing", "number", "deep", ...).
  std::string text;      ///< The whole document, as the adapter would receive it.
};

/// Every JSON pointer in `doc`, the root excluded, parents before children.
inline void collect_paths(const nlohmann::json& doc, const nlohmann::json::json_pointer& at,
                          std::vector<nlohmann::json::json_pointer>& out) {
  if (doc.is_object()) {
    for (const auto& [key, value] : doc.items()) {
      out.push_back(at / key);
      collect_paths(value, at / key, out);
    }
  } else if (doc.is_array()) {
    for (std::size_t i = 0; i < doc.size(); ++i) {
      out.push_back(at / i);
      collect_paths(doc[i], at / i, out);
    }
  }
}

/// Calls `check` with every hostile variant of `doc`.
inline void for_each_hostile_variant(const nlohmann::json& doc, const std::function<void(const HostileCase&)>& check) {
  using nlohmann::json;
  std::vector<json::json_pointer> paths;
  collect_paths(doc, json::json_pointer(), paths);
  // Deep nesting is spliced into the text, since building it as a json value would itself recurse.
  const std::string deep_marker = "\"__kith_deep__\"";
  const std::string deep = std::string(100000, '[') + std::string(100000, ']');
  const std::vector<std::pair<std::string, json>> values{
      {"null", nullptr},         {"number", 5},
      {"negative float", -1.5},  {"huge integer", 18446744073709551615ULL},
      {"string", "x"},           {"empty string", ""},
      {"boolean", true},         {"array", json::array({1, "a"})},
      {"object", {{"k", 1}}},    {"huge string", std::string(1 << 20, 'a')},
      {"deep", "__kith_deep__"},
  };
  for (const auto& path : paths) {
    {
      json copy = doc;
      const auto parent = path.parent_pointer();
      auto& holder = copy[parent];
      if (holder.is_object()) {
        holder.erase(path.back());
      } else {
        holder.erase(static_cast<std::size_t>(std::stoul(path.back())));
      }
      check({path.to_string(), "missing", copy.dump()});
    }
    for (const auto& [name, value] : values) {
      json copy = doc;
      copy[path] = value;
      auto text = copy.dump();
      if (name == "deep") text.replace(text.find(deep_marker), deep_marker.size(), deep);
      check({path.to_string(), name, std::move(text)});
    }
  }
}

}  // namespace kith::test
