#pragma once
// Reads a Mattermost wire fixture (tests/mattermost/fixtures/NAME), failing the test when missing.
#include <catch2/catch.hpp>

#include <fstream>
#include <sstream>
#include <string>

namespace kith::mattermost::test {

inline std::string fixture(const std::string& name) {
  std::ifstream in(std::string(KITH_SOURCE_DIR) + "/tests/mattermost/fixtures/" + name);
  REQUIRE(in);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

}  // namespace kith::mattermost::test
