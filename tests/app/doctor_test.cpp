// kith doctor's checks of this machine and of the clock, each with the broken case that makes it fail.
// The checks against the chat servers run through the kith binary (doctor.js).
#include <catch2/catch.hpp>

#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "bot/app/doctor/check.hpp"
#include "bot/app/doctor/clock_check.hpp"
#include "bot/app/doctor/local_checks.hpp"
#include "bot/storage/sqlite_db.hpp"
#include "support/temp_dir.hpp"

using namespace kith::app::doctor;
namespace fs = std::filesystem;

namespace {
void write_file(const std::string& path, const std::string& bytes, mode_t mode) {
  std::ofstream(path, std::ios::binary) << bytes;
  REQUIRE(::chmod(path.c_str(), mode) == 0);
}

bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

/// A small database with a table of a few pages, closed (so its WAL is folded in).
void make_database(const std::string& path) {
  kith::storage::Database db(path);
  db.exec("CREATE TABLE t (x TEXT); CREATE INDEX t_x ON t (x);");
  for (int i = 0; i < 200; ++i) db.exec("INSERT INTO t VALUES (hex(randomblob(40)))");
}
}  // namespace

TEST_CASE("an HTTP date is read in the IMF-fixdate form and nothing else") {
  const auto t = parse_http_date("Sun, 06 Nov 1994 08:49:37 GMT");
  REQUIRE(t);
  CHECK(std::chrono::system_clock::to_time_t(*t) == 784111777);
  CHECK_FALSE(parse_http_date("Sunday, 06-Nov-94 08:49:37 GMT"));  // RFC 850, obsolete
  CHECK_FALSE(parse_http_date("Sun Nov  6 08:49:37 1994"));        // asctime
  CHECK_FALSE(parse_http_date("Sun, 06 Nov 1994 08:49:37 UTC"));
  CHECK_FALSE(parse_http_date("Sun, 06 Foo 1994 08:49:37 GMT"));
  CHECK_FALSE(parse_http_date("Sun, 06 Nov 1994 28:49:37 GMT"));
  CHECK_FALSE(parse_http_date(""));
}

TEST_CASE("the clock check fails when this machine and the server disagree by more than a minute") {
  const auto server_time = *parse_http_date("Mon, 06 May 2024 10:00:00 GMT");
  const std::string date = "Mon, 06 May 2024 10:00:00 GMT";
  CHECK(check_clock(date, server_time + std::chrono::seconds(3), "X").status == Status::ok);
  const auto ahead = check_clock(date, server_time + std::chrono::minutes(10), "Mattermost at X");
  CHECK(ahead.status == Status::fail);
  CHECK(contains(ahead.detail, "600 s ahead of Mattermost at X"));
  CHECK(contains(ahead.detail, "timedatectl set-ntp true"));
  const auto behind = check_clock(date, server_time - std::chrono::hours(1), "X");
  CHECK(behind.status == Status::fail);
  CHECK(contains(behind.detail, "3600 s behind"));
  CHECK(check_clock(std::nullopt, server_time, "X").status == Status::warn);
  CHECK(check_clock(std::string("yesterday"), server_time, "X").status == Status::warn);
}

TEST_CASE("the data folder must be a private folder of the user running Kith") {
  kith::test::TempDir dir;
  const auto data = dir.file("data");
  CHECK(check_data_dir(data).status == Status::warn);  // not created yet
  fs::create_directory(data);
  REQUIRE(::chmod(data.c_str(), 0700) == 0);
  CHECK(check_data_dir(data).status == Status::ok);
  REQUIRE(::chmod(data.c_str(), 0755) == 0);
  const auto open = check_data_dir(data);
  CHECK(open.status == Status::fail);
  CHECK(contains(open.detail, "mode 0755"));
  CHECK(contains(open.detail, "chmod 700 " + data));
  write_file(dir.file("file"), "x", 0600);
  CHECK(check_data_dir(dir.file("file")).status == Status::fail);
}

TEST_CASE("the disk check fails below the free space asked for") {
  kith::test::TempDir dir;
  CHECK(check_disk(dir.path().string(), 1).status == Status::ok);
  const auto full = check_disk(dir.path().string(), std::uint64_t{1} << 40);  // a mebibyte to the power of two
  CHECK(full.status == Status::fail);
  CHECK(contains(full.detail, "MiB wanted"));
  CHECK(contains(full.detail, "move [bot] data_dir"));
  // Before the first start the folder does not exist; its parent's file system is measured.
  CHECK(check_disk(dir.file("not/yet"), 1).status == Status::ok);
}

TEST_CASE("the database check runs quick_check and finds a damaged file") {
  kith::test::TempDir dir;
  const auto path = dir.file("kith.sqlite3");
  CHECK(check_database(path).status == Status::warn);  // before the first start
  make_database(path);
  REQUIRE(::chmod(path.c_str(), 0600) == 0);
  const auto healthy = check_database(path);
  CHECK(healthy.status == Status::ok);
  CHECK(contains(healthy.detail, "quick_check ok"));

  SECTION("readable by others") {
    REQUIRE(::chmod(path.c_str(), 0644) == 0);
    CHECK(check_database(path).status == Status::fail);
  }
  SECTION("pages overwritten") {
    {
      std::fstream f(path, std::ios::in | std::ios::out | std::ios::binary);
      f.seekp(4096 * 2);
      const std::string garbage(4096 * 2, '\x5a');
      f.write(garbage.data(), static_cast<std::streamsize>(garbage.size()));
    }
    const auto damaged = check_database(path);
    CHECK(damaged.status == Status::fail);
    CHECK(contains(damaged.detail, path));
    CHECK(contains(damaged.detail, "restore the latest kith backup"));
  }
  SECTION("not a database at all") {
    write_file(path, std::string(8192, 'x'), 0600);
    const auto wrong = check_database(path);
    CHECK(wrong.status == Status::fail);
    CHECK(contains(wrong.detail, "cannot be read"));
  }
}

TEST_CASE("the pseudonym key must be there once there is a database, private and whole") {
  kith::test::TempDir dir;
  const auto key = dir.file("pseudonym.key");
  CHECK(check_pseudonym_key(key, false).status == Status::warn);  // first start: Kith makes one
  const auto lost = check_pseudonym_key(key, true);
  CHECK(lost.status == Status::fail);
  CHECK(contains(lost.detail, "restore the key from your backup"));
  write_file(key, std::string(32, '\x01'), 0600);
  const auto fine = check_pseudonym_key(key, true);
  CHECK(fine.status == Status::ok);
  CHECK(fine.detail.find('\x01') == std::string::npos);  // never the key itself
  REQUIRE(::chmod(key.c_str(), 0640) == 0);
  const auto shared = check_pseudonym_key(key, true);
  CHECK(shared.status == Status::fail);
  CHECK(contains(shared.detail, "chmod 600 " + key));
  write_file(key, std::string(31, '\x01'), 0600);
  CHECK(check_pseudonym_key(key, true).status == Status::fail);
}

TEST_CASE("a secret file must be private") {
  kith::test::TempDir dir;
  const auto token = dir.file("token");
  CHECK(check_secret_file("token file", token, "[mattermost] token_file").status == Status::fail);  // missing
  write_file(token, "secret-value\n", 0600);
  const auto fine = check_secret_file("token file", token, "[mattermost] token_file");
  CHECK(fine.status == Status::ok);
  CHECK_FALSE(contains(fine.detail, "secret-value"));
  REQUIRE(::chmod(token.c_str(), 0644) == 0);
  CHECK(check_secret_file("token file", token, "[mattermost] token_file").status == Status::fail);
}

TEST_CASE("doctor lines say ok, warn, FAIL or skip first, and only FAIL fails the run") {
  CHECK(format_line(ok("disk", "12 GiB free")) == "ok    disk: 12 GiB free");
  CHECK(format_line(fail("token", "refused")) == "FAIL  token: refused");
  CHECK_FALSE(any_failed({ok("a", ""), warn("b", ""), skipped("c", "")}));
  CHECK(any_failed({ok("a", ""), fail("b", "")}));
}
