#pragma once
// The simulated organisation `kith demo` runs against: about 40 colleagues in five teams, each
// with a name, team, start date and a generated avatar picture.
#include <filesystem>
#include <string>
#include <vector>

#include "adapters/shell/shell_adapter.hpp"

namespace kith::demo {

struct Colleague {
  UserProfile profile;
  std::string team;
  bool is_lead = false;
  int start_days_ago = 0;
};

struct SyntheticOrg {
  std::vector<Colleague> colleagues;
  shell::ShellWorkspace workspace;
  UserId you;  ///< The colleague the person at the terminal speaks as.
};

/// Builds the organisation deterministically and writes avatar PNGs under `avatar_dir`.
/// A few colleagues keep the server's default picture, as in real workspaces.
[[nodiscard]] SyntheticOrg make_synthetic_org(const std::filesystem::path& avatar_dir);

}  // namespace kith::demo
