// The Matrix wire layer is the only place that reads a homeserver's JSON by type: nlohmann's
// value(), at() and get<>() throw on a field of another type, and one such call outside the wire
// layer was enough for a single room member to stop Kith for good. This test reads the adapter's
// sources and fails when one appears.
#include <catch2/catch.hpp>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

TEST_CASE("outside its wire layer the Matrix adapter reads no JSON with a call that can throw") {
  const std::filesystem::path dir = std::filesystem::path(KITH_SOURCE_DIR) / "adapters" / "matrix";
  // (std::regex would do, but GCC 12 warns inside it under the sanitizers.)
  const std::vector<std::string> throwing{".value(",   ".at(",     "get<std::string>", "get<std::int64_t>",
                                          "get<bool>", "get<int>", "get<double>",      "get<std::vector"};
  const auto throws = [&](const std::string& line) {
    return std::any_of(throwing.begin(), throwing.end(),
                       [&](const std::string& call) { return line.find(call) != std::string::npos; });
  };
  std::size_t files = 0;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    const auto name = entry.path().filename().string();
    if (entry.path().extension() != ".cpp" || name == "wire.cpp") continue;
    ++files;
    std::ifstream in(entry.path());
    std::string line;
    for (int number = 1; std::getline(in, line); ++number) {
      INFO(name << ":" << number << ": " << line);
      CHECK_FALSE(throws(line));
    }
  }
  CHECK(files >= 4);
}
