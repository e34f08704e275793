#include "bot/app/demo/synthetic_org.hpp"

#include <cairo.h>

#include <array>
#include <cmath>

namespace kith::demo {
using shell::ShellChannel;

namespace {
constexpr std::array teams{"platform", "design", "sales", "people", "research"};
constexpr std::array first_names{"Ada",   "Bilal", "Chen",  "Dara", "Elif",   "Femi",   "Greta", "Hiro",
                                 "Ines",  "Jonas", "Kemi",  "Lars", "Maya",   "Nico",   "Olu",   "Priya",
                                 "Quinn", "Rosa",  "Sami",  "Tara", "Umar",   "Vera",   "Wei",   "Ximena",
                                 "Yusuf", "Zoe",   "Arjun", "Bea",  "Carlos", "Dmitri", "Esme",  "Farah",
                                 "Gabe",  "Hana",  "Ivo",   "Jade", "Kofi",   "Lena",   "Mateo", "Noor"};
constexpr std::array last_names{"Okafor", "Lindqvist", "Moreau", "Tanaka", "Kowalski", "Haddad", "Novak", "Silva"};

void write_avatar(const std::filesystem::path& path, const std::string& initials, int hue_index) {
  auto* surface = cairo_image_surface_create(CAIRO_FORMAT_ARGB32, 128, 128);
  auto* cr = cairo_create(surface);
  const double hue = (hue_index * 47 % 360) / 360.0;
  cairo_set_source_rgb(cr, 0.35 + 0.5 * std::fabs(std::sin(hue * 6.28)), 0.45,
                       0.35 + 0.5 * std::fabs(std::cos(hue * 6.28)));
  cairo_arc(cr, 64, 64, 60, 0, 2 * M_PI);
  cairo_fill(cr);
  cairo_set_source_rgb(cr, 1, 1, 1);
  cairo_select_font_face(cr, "sans-serif", CAIRO_FONT_SLANT_NORMAL, CAIRO_FONT_WEIGHT_BOLD);
  cairo_set_font_size(cr, 48);
  cairo_text_extents_t extents;
  cairo_text_extents(cr, initials.c_str(), &extents);
  cairo_move_to(cr, 64 - extents.width / 2 - extents.x_bearing, 64 - extents.height / 2 - extents.y_bearing);
  cairo_show_text(cr, initials.c_str());
  cairo_surface_write_to_png(surface, path.c_str());
  cairo_destroy(cr);
  cairo_surface_destroy(surface);
}
}  // namespace

SyntheticOrg make_synthetic_org(const std::filesystem::path& avatar_dir) {
  std::filesystem::create_directories(avatar_dir);
  SyntheticOrg org;
  org.workspace.bot = UserId("u-kith");
  ShellChannel general{ChannelId("c-general"), "general", ChannelKind::public_channel, {org.workspace.bot}};
  ShellChannel coffee{ChannelId("c-coffee"), "coffee", ChannelKind::public_channel, {org.workspace.bot}};
  std::vector<ShellChannel> team_channels;
  for (const auto* team : teams) {
    team_channels.push_back(ShellChannel{ChannelId(std::string("c-team-") + team),
                                         std::string("team-") + team,
                                         ChannelKind::public_channel,
                                         {org.workspace.bot}});
  }
  for (std::size_t i = 0; i < first_names.size(); ++i) {
    const std::string first = first_names[i];
    const std::string last = last_names[(i * 3 + i / 8) % last_names.size()];
    std::string username = first;
    for (auto& c : username) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    Colleague c;
    c.team = teams[i % teams.size()];
    c.is_lead = i < teams.size();
    // Two recent joiners; everyone else joined over the last four years.
    c.start_days_ago = (i == 37 || i == 38) ? static_cast<int>(i - 30) : static_cast<int>(60 + (i * 97) % 1400);
    c.profile.id = UserId("u-" + username);
    c.profile.username = username;
    c.profile.display_name = first + " " + last;
    c.profile.title = c.is_lead ? std::optional<std::string>("Lead, " + c.team) : std::nullopt;
    // Every seventh colleague keeps the default picture: the quiz must not show them.
    c.profile.has_custom_avatar = i % 7 != 6;
    if (c.profile.has_custom_avatar) {
      const auto path = avatar_dir / (username + ".png");
      write_avatar(path, std::string{first[0], last[0]}, static_cast<int>(i));
      c.profile.avatar_ref = path.string();
    }
    general.members.push_back(c.profile.id);
    if (i % 2 == 0) coffee.members.push_back(c.profile.id);
    team_channels[i % teams.size()].members.push_back(c.profile.id);
    org.workspace.people.push_back(c.profile);
    org.colleagues.push_back(std::move(c));
  }
  org.workspace.channels.push_back(std::move(general));
  org.workspace.channels.push_back(std::move(coffee));
  for (auto& t : team_channels) org.workspace.channels.push_back(std::move(t));
  org.you = org.colleagues.front().profile.id;
  return org;
}

}  // namespace kith::demo
