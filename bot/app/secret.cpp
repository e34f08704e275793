#include "bot/app/secret.hpp"

#include <cstdlib>
#include <fstream>
#include <sstream>
#include <stdexcept>

namespace kith::app {

Secret load_secret(const std::string& env_var, const std::string& file, const std::string& what) {
  if (const char* value = std::getenv(env_var.c_str()); value && *value) return Secret(value);
  if (file.empty()) {
    throw std::runtime_error(what + " is not set: export " + env_var + " or set token_file in the configuration");
  }
  std::ifstream in(file);
  if (!in) throw std::runtime_error("cannot read " + what + " from " + file + ": check the path and permissions");
  std::stringstream buffer;
  buffer << in.rdbuf();
  auto value = buffer.str();
  while (!value.empty() && std::isspace(static_cast<unsigned char>(value.back()))) value.pop_back();
  if (value.empty()) throw std::runtime_error(what + " file " + file + " is empty");
  return Secret(std::move(value));
}

}  // namespace kith::app
