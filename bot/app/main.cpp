// kith: the one executable. Parses the command line and hands over to one function per subcommand.
#include <unistd.h>
#include <CLI/CLI.hpp>

#include <iostream>

#include "bot/app/admin_commands.hpp"
#include "bot/app/demo/demo_session.hpp"
#include "bot/app/doctor/doctor_command.hpp"
#include "bot/app/export/export_command.hpp"
#include "bot/app/run_command.hpp"

int main(int argc, char** argv) {
  using namespace kith;
  CLI::App app{"Kith: helps the people of an organisation know and connect with each other.", "kith"};
  app.set_version_flag("--version", std::string("kith ") + KITH_VERSION);
  app.require_subcommand(1);

  std::string config_path;
  auto* run = app.add_subcommand("run", "Connect to the configured chat server and run the rituals");
  run->add_option("--config,-c", config_path, "Configuration file (TOML)")->required()->check(CLI::ExistingFile);

  std::string check_path;
  auto* check = app.add_subcommand("check-config", "Validate a configuration file without connecting anywhere");
  check->add_option("file", check_path, "Configuration file (TOML)")->required();

  std::string admin_config;
  std::string team;
  std::string format = "text";
  auto* digest = app.add_subcommand("digest", "Show the weekly team digests");
  digest->add_option("--config,-c", admin_config, "Configuration file (TOML)")->required()->check(CLI::ExistingFile);
  bool dry_run = false;
  digest->add_flag("--dry-run", dry_run, "Print what would be sent and send nothing (the only mode here)")->required();
  std::string as_admin;
  digest->add_option("--as", as_admin, "The admin asking (a username in [bot] admins); the ledger records it")
      ->required();
  digest->add_option("--team", team, "Only this team");
  digest->add_option("--format", format, "text or json")->check(CLI::IsMember({"text", "json"}))->capture_default_str();

  std::string csv_path;
  auto* org = app.add_subcommand("org", "Manage the organisation's structure");
  org->require_subcommand(1);
  auto* org_import = org->add_subcommand("import", "Import team, lead, start date and manager from CSV");
  org_import->add_option("file", csv_path, "CSV with columns user, team, lead, start_date, manager")->required();
  org_import->add_option("--config,-c", admin_config, "Configuration file (TOML)")
      ->required()
      ->check(CLI::ExistingFile);

  std::string backup_target;
  auto* backup = app.add_subcommand("backup", "Write a consistent copy of the database (Kith may keep running)");
  backup->add_option("--to", backup_target, "The new file to write (never overwritten)")->required();
  backup->add_option("--config,-c", admin_config, "Configuration file (TOML)")->required()->check(CLI::ExistingFile);

  app::DoctorOptions doctor_options;
  auto* doctor = app.add_subcommand("doctor",
                                    "Check that Kith can work: chat server, token, listener, clock, disk, "
                                    "database and pseudonym key; one line each");
  doctor->add_option("--config,-c", admin_config, "Configuration file (TOML)")->required()->check(CLI::ExistingFile);
  doctor->add_option("--min-free-mb", doctor_options.min_free_mb, "Fail the disk check below this much free space")
      ->capture_default_str();

  std::string export_format;
  std::string export_target;
  auto* export_cmd = app.add_subcommand(
      "export", "Write pairing history, recognitions and quiz scores as one JSON document (no message text, no key)");
  export_cmd->add_option("--format", export_format, "json")->required()->check(CLI::IsMember({"json"}));
  export_cmd->add_option("--to", export_target, "A new file to write (mode 0600, never overwritten); default stdout");
  export_cmd->add_option("--config,-c", admin_config, "Configuration file (TOML)")
      ->required()
      ->check(CLI::ExistingFile);

  auto* privacy = app.add_subcommand("privacy", "Privacy tools");
  privacy->require_subcommand(1);
  auto* rotate = privacy->add_subcommand(
      "rotate-key", "Replace the pseudonym key; old pseudonymous links are deliberately broken and deleted");
  rotate->add_option("--config,-c", admin_config, "Configuration file (TOML)")->required()->check(CLI::ExistingFile);
  std::string forget_user;
  auto* forget = privacy->add_subcommand(
      "forget", "Opt a person out of everything and erase what Kith stored about them (\"optout all\" for them)");
  forget->add_option("user", forget_user, "Their username (or chat id)")->required();
  forget->add_option("--config,-c", admin_config, "Configuration file (TOML)")->required()->check(CLI::ExistingFile);

  demo::DemoOptions demo_options;
  demo_options.scripted = !::isatty(0);
  auto* demo_cmd = app.add_subcommand("demo", "Run Kith in the terminal against a simulated organisation");
  demo_cmd->add_option("--data-dir", demo_options.data_dir, "Where the demo keeps its database")->capture_default_str();
  demo_cmd->add_option("--speed", demo_options.speed, "Simulated seconds per real second")
      ->capture_default_str()
      ->check(CLI::Range(1.0, 100000.0));
  demo_cmd->add_flag("--script", demo_options.scripted, "Run the scripted session even on a terminal");

  // CLI11 would only say "A subcommand is required"; name the word that was not understood.
  const auto known = [&](const std::string& word) {
    for (const auto* sub : app.get_subcommands({})) {
      if (sub->get_name() == word) return true;
    }
    return false;
  };
  if (argc > 1 && argv[1][0] != '-' && !known(argv[1])) {
    std::cerr << "kith: unknown command '" << argv[1] << "'; run kith --help to see the commands\n";
    return app::exit_usage;
  }
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int code = app.exit(e);
    return code == 0 ? app::exit_ok : app::exit_usage;
  }
  if (*run) return app::run_kith(config_path);
  if (*check) return app::check_config(check_path);
  if (*demo_cmd) return demo::run_demo(demo_options);
  if (*digest) return app::digest_dry_run(admin_config, as_admin, team, format);
  if (*org_import) return app::org_import(admin_config, csv_path);
  if (*rotate) return app::rotate_key(admin_config);
  if (*forget) return app::forget_person(admin_config, forget_user);
  if (*backup) return app::backup(admin_config, backup_target);
  if (*doctor) return app::run_doctor(admin_config, doctor_options);
  if (*export_cmd) return app::export_data(admin_config, export_format, export_target);
  return app::exit_usage;
}
