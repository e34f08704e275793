#include <sys/wait.h>
#include <unistd.h>
#include <array>
#include <catch2/catch.hpp>
#include <csignal>

#include "bot/storage/sqlite_stores.hpp"
#include "support/fake_clock.hpp"
#include "support/temp_dir.hpp"

using namespace kith;
using kith::test::utc;

namespace {
OutgoingMessage message(std::string key, std::string text) {
  return OutgoingMessage{
      std::move(key), ToChannel{ChannelId("c1"), MessageId("root")}, RichText(std::move(text)), {}, std::nullopt,
      std::nullopt};
}
}  // namespace

TEST_CASE("an outbox key is queued once") {
  storage::SqliteStores s(":memory:");
  CHECK(s.outbox.enqueue(message("k1", "a"), utc(2026, 1, 1)));
  CHECK_FALSE(s.outbox.enqueue(message("k1", "b"), utc(2026, 1, 1)));
  CHECK(s.outbox.pending_count() == 1);
}

TEST_CASE("outbox items round-trip with every field, in order") {
  storage::SqliteStores s(":memory:");
  auto rich = message("k1", "");
  rich.text = RichText().text("Hi ").mention(UserId("u1"), "Alice <b>").bold("*now*").line().code("x");
  rich.choices = {{"a", "Alice"}, {"b", "Bob"}};
  rich.avatar_of = UserId("u2");
  rich.image = Image{"chart.png", "image/png", {0x89, 'P', 'N', 'G', 0, 1, 2}};
  const auto to_group =
      OutgoingMessage{"k2", ToGroup{{UserId("a"), UserId("b")}}, RichText("g"), {}, std::nullopt, std::nullopt};
  const OutgoingReaction reaction{"k3", ChannelId("c"), MessageId("m"), "taco"};
  s.outbox.enqueue(rich, utc(2026, 1, 1));
  s.outbox.enqueue(to_group, utc(2026, 1, 1));
  s.outbox.enqueue(reaction, utc(2026, 1, 1));
  const auto due = s.outbox.due(utc(2026, 1, 1), 10);
  REQUIRE(due.size() == 3);
  CHECK(std::get<OutgoingMessage>(due[0].item) == rich);
  CHECK(std::get<OutgoingMessage>(due[1].item) == to_group);
  CHECK(std::get<OutgoingReaction>(due[2].item) == reaction);
}

TEST_CASE("a postponed entry holds back everything queued after it") {
  storage::SqliteStores s(":memory:");
  s.outbox.enqueue(message("k1", "a"), utc(2026, 1, 1));
  s.outbox.enqueue(message("k2", "b"), utc(2026, 1, 1));
  const auto first = s.outbox.due(utc(2026, 1, 1), 10).front();
  s.outbox.postpone(first.id, utc(2026, 1, 1, 0, 5), "429");
  CHECK(s.outbox.due(utc(2026, 1, 1, 0, 1), 10).empty());
  const auto later = s.outbox.due(utc(2026, 1, 1, 0, 5), 10);
  REQUIRE(later.size() == 2);
  CHECK(later[0].attempts == 1);
}

TEST_CASE("delivered and failed entries leave the queue and delivered ones can be looked up by key") {
  storage::SqliteStores s(":memory:");
  s.outbox.enqueue(message("k1", "a"), utc(2026, 1, 1));
  s.outbox.enqueue(message("k2", "b"), utc(2026, 1, 1));
  const auto due = s.outbox.due(utc(2026, 1, 1), 10);
  s.outbox.mark_delivered(due[0].id, MessageId("server-1"), utc(2026, 1, 1));
  s.outbox.give_up(due[1].id, "403");
  CHECK(s.outbox.pending_count() == 0);
  CHECK(s.outbox.delivered_message("k1") == MessageId("server-1"));
  CHECK_FALSE(s.outbox.delivered_message("k2"));
}

TEST_CASE("a delivered or abandoned item keeps no content, only what exactly-once delivery needs") {
  storage::SqliteStores s(":memory:");
  s.outbox.enqueue(message("k1", "Ada: I collect old maps"), utc(2026, 1, 1));
  s.outbox.enqueue(message("k2", "your private answer: 3"), utc(2026, 1, 1));
  const auto due = s.outbox.due(utc(2026, 1, 1), 10);
  REQUIRE(due.size() == 2);
  s.outbox.mark_delivered(due[0].id, MessageId("server-1"), utc(2026, 1, 1));
  s.outbox.give_up(due[1].id, "HTTP 403");
  auto rows = s.db.prepare("SELECT key, item, image IS NULL, message_id IS NULL FROM outbox ORDER BY key");
  REQUIRE(rows.step());
  CHECK(rows.text(0) == "k1");
  CHECK(rows.text(1).empty());
  CHECK(rows.int64(2) == 1);
  CHECK(rows.int64(3) == 0);
  REQUIRE(rows.step());
  CHECK(rows.text(0) == "k2");
  CHECK(rows.text(1).empty());
  // The key still guards against a second send.
  CHECK_FALSE(s.outbox.enqueue(message("k1", "Ada: I collect old maps"), utc(2026, 1, 2)));
  CHECK(s.outbox.delivered_message("k1") == MessageId("server-1"));
}

TEST_CASE("opting out drops the messages queued to or about the person and every row whose key names them") {
  storage::SqliteStores s(":memory:");
  const auto at = utc(2026, 1, 1);
  const UserId ada("@ada:example.org");
  auto about_ada = message("intro:1", "");
  about_ada.text = RichText("Meet ").mention(ada, "Ada");
  s.outbox.enqueue(about_ada, at);
  s.outbox.enqueue(OutgoingMessage{"dm:1", ToDirect{ada}, RichText("hi"), {}, std::nullopt, std::nullopt}, at);
  s.outbox.enqueue(
      OutgoingMessage{"group:1", ToGroup{{UserId("u-bo"), ada}}, RichText("g"), {}, std::nullopt, std::nullopt}, at);
  auto quiz = message("quiz:1", "who is this?");
  quiz.avatar_of = ada;
  s.outbox.enqueue(quiz, at);
  s.outbox.enqueue(message("digest:team:x:@ada:example.org:42", "sent"), at);
  s.outbox.enqueue(message("digest:team:x:@ada:example.organisation:42", "someone else"), at);
  s.outbox.enqueue(message("plain:1", "for everyone"), at);
  s.outbox.mark_delivered(s.outbox.due(at, 10).at(4).id, MessageId("m5"), at);
  CHECK_THAT(s.outbox.describe(ada).at(0), Catch::StartsWith("4 message(s) waiting"));

  s.outbox.erase(ada);
  std::vector<std::string> left;
  for (const auto& e : s.outbox.due(at, 10)) left.push_back(std::get<OutgoingMessage>(e.item).key);
  CHECK(left == std::vector<std::string>{"digest:team:x:@ada:example.organisation:42", "plain:1"});
  CHECK_FALSE(s.outbox.delivered_message("digest:team:x:@ada:example.org:42"));
  CHECK(s.outbox.describe(ada).empty());
}

TEST_CASE("retention deletes outbox rows queued before the cutoff, delivered or not") {
  storage::SqliteStores s(":memory:");
  s.outbox.enqueue(message("old-sent", "a"), utc(2026, 1, 1));
  s.outbox.enqueue(message("old-pending", "b"), utc(2026, 1, 2));
  s.outbox.enqueue(message("new", "c"), utc(2026, 6, 1));
  s.outbox.mark_delivered(s.outbox.due(utc(2026, 1, 1), 1).at(0).id, MessageId("m1"), utc(2026, 1, 1));
  s.outbox.expire(utc(2026, 3, 1));
  CHECK_FALSE(s.outbox.delivered_message("old-sent"));
  const auto left = s.outbox.due(utc(2026, 7, 1), 10);
  REQUIRE(left.size() == 1);
  CHECK(std::get<OutgoingMessage>(left[0].item).key == "new");
}

TEST_CASE("what was committed survives kill -9 of the writing process") {
  test::TempDir dir;
  const auto path = dir.file("k.db");
  { storage::SqliteStores create(path); }
  int ack[2];
  REQUIRE(pipe(ack) == 0);
  const pid_t child = fork();
  if (child == 0) {
    storage::SqliteStores s(path);
    for (int i = 0;; ++i) {
      s.db.atomically([&] { s.outbox.enqueue(message("k" + std::to_string(i), "x"), utc(2026, 1, 1)); });
      const char byte = 1;  // acknowledged only after the commit returned
      if (write(ack[1], &byte, 1) != 1) _exit(1);
    }
  }
  close(ack[1]);
  int acknowledged = 0;
  char byte = 0;
  while (acknowledged < 50 && read(ack[0], &byte, 1) == 1) ++acknowledged;
  kill(child, SIGKILL);
  waitpid(child, nullptr, 0);
  while (read(ack[0], &byte, 1) == 1) ++acknowledged;
  close(ack[0]);
  storage::SqliteStores after(path);
  CHECK(after.outbox.pending_count() >= static_cast<std::size_t>(acknowledged));
  CHECK(acknowledged >= 50);
}

TEST_CASE("state and ledger behave as documented") {
  storage::SqliteStores s(":memory:");
  s.state.put("ns", "k", "v1");
  s.state.put("ns", "k", "v2");
  CHECK(s.state.get("ns", "k") == "v2");
  s.state.erase("ns", "k");
  CHECK_FALSE(s.state.get("ns", "k"));
  CHECK(s.ledger.record_once("e1", utc(2026, 1, 1)));
  CHECK_FALSE(s.ledger.record_once("e1", utc(2026, 1, 1)));
  s.ledger.forget_before(utc(2026, 1, 2));
  CHECK(s.ledger.record_once("e1", utc(2026, 1, 3)));
}

TEST_CASE("nested transactions roll back only the inner work") {
  storage::SqliteStores s(":memory:");
  s.db.atomically([&] {
    s.state.put("ns", "outer", "1");
    CHECK_THROWS(s.db.atomically([&] {
      s.state.put("ns", "inner", "1");
      throw std::runtime_error("inner fails");
    }));
  });
  CHECK(s.state.get("ns", "outer") == "1");
  CHECK_FALSE(s.state.get("ns", "inner"));
}

TEST_CASE("a nested transaction opens its savepoint when it first uses the database") {
  storage::SqliteStores s(":memory:");
  s.db.atomically([&] {
    s.state.put("ns", "outer", "1");
    CHECK_THROWS(s.db.atomically([] { throw std::runtime_error("fails before using the database"); }));
    s.db.atomically([&] {
      // The inner statement opens this level's savepoint too, before its own.
      CHECK_THROWS(s.db.atomically([&] {
        s.state.put("ns", "inner", "1");
        throw std::runtime_error("inner fails");
      }));
      s.state.put("ns", "middle", "1");
    });
    CHECK_THROWS(s.db.atomically([&] {
      s.db.atomically([&] { s.state.put("ns", "deep", "1"); });
      throw std::runtime_error("fails after a nested write committed to it");
    }));
  });
  CHECK(s.state.get("ns", "outer") == "1");
  CHECK(s.state.get("ns", "middle") == "1");
  CHECK_FALSE(s.state.get("ns", "inner"));
  CHECK_FALSE(s.state.get("ns", "deep"));
  CHECK(s.db.rollbacks() == 2);  // the savepoints that wrote; the first failure had nothing to undo
}

TEST_CASE("cached statements are reused, reset after each use, and safe to nest") {
  storage::Database db(":memory:");
  db.exec("CREATE TABLE t (n INTEGER NOT NULL)");
  for (int i = 1; i <= 3; ++i) db.cached("INSERT INTO t (n) VALUES (?)").bind_all(i).run();
  {
    auto outer = db.cached("SELECT n FROM t ORDER BY n");
    REQUIRE(outer.step());
    CHECK(outer.int64(0) == 1);
    // The same SQL while the first is mid-iteration: a separate statement, the outer one unaffected.
    auto inner = db.cached("SELECT n FROM t ORDER BY n");
    REQUIRE(inner.step());
    CHECK(inner.int64(0) == 1);
    REQUIRE(outer.step());
    CHECK(outer.int64(0) == 2);
  }
  // Abandoned mid-iteration above: the next use starts from the first row with fresh bindings.
  auto again = db.cached("SELECT n FROM t ORDER BY n");
  REQUIRE(again.step());
  CHECK(again.int64(0) == 1);
  CHECK_THROWS_WITH(db.cached("SELECT nope FROM t"), Catch::Contains("prepare") && Catch::Contains("nope"));
}

TEST_CASE("rows inserted later are read, kept and rolled back as if inserted at once") {
  storage::Database db(":memory:");
  db.exec("CREATE TABLE t (n INTEGER NOT NULL CHECK (n > 0), b BLOB NOT NULL)");
  const std::array<std::uint8_t, 2> blob{1, 2};
  const auto add = [&](std::int64_t n) { db.insert_later("t (n, b)", {n, blob}); };
  const auto rows = [&] {
    auto stmt = db.prepare("SELECT count(*), sum(n), sum(b = x'0102') FROM t");
    stmt.step();
    return std::vector<std::int64_t>{stmt.int64(0), stmt.int64(1), stmt.int64(2)};
  };
  add(1);  // outside a transaction: written at once
  CHECK(rows() == std::vector<std::int64_t>{1, 1, 1});
  db.atomically([&] {
    for (int n = 2; n <= 100; ++n) add(n);  // several statements: 64, 32, 2 and 1 rows
    CHECK_THROWS(db.atomically([&] {
      add(1000);
      throw std::runtime_error("dropped before it was written");
    }));
    CHECK_THROWS(db.atomically([&] {
      add(2000);
      // This read writes rows 2..100 outside this savepoint, then row 2000 inside it.
      CHECK(rows() == std::vector<std::int64_t>{101, 7050, 101});
      throw std::runtime_error("undone after it was written");
    }));
    db.atomically([&] { add(101); });
    db.atomically([&] {
      add(102);
      // The inner savepoint opens after row 102 is written in this one, so keeps it.
      CHECK_THROWS(db.atomically([&] {
        add(3000);
        CHECK(rows()[0] == 103);
        throw std::runtime_error("only this level's row is undone");
      }));
    });
  });
  CHECK(rows() == std::vector<std::int64_t>{102, 5253, 102});
  CHECK_THROWS(db.atomically([&] {
    add(4000);
    throw std::runtime_error("the whole transaction fails");
  }));
  // A row that cannot be written fails the commit, with the statement named, and the transaction is rolled back.
  CHECK_THROWS_WITH(db.atomically([&] {
    add(5000);
    add(-1);
  }),
                    Catch::Contains("INSERT INTO t (n, b)") && Catch::Contains("CHECK constraint"));
  CHECK(rows() == std::vector<std::int64_t>{102, 5253, 102});
  add(7);
  CHECK(rows()[0] == 103);
  CHECK_THROWS_WITH(add(-2), Catch::Contains("CHECK constraint"));
  CHECK(rows()[0] == 103);
}

TEST_CASE("what a rollback undoes is reported to on_rollback, newest first, and a commit forgets it") {
  storage::Database db(":memory:");
  db.exec("CREATE TABLE t (n INTEGER NOT NULL CHECK (n > 0))");
  std::vector<std::string> undone;
  const auto write = [&](const std::string& name, std::int64_t n) {
    db.insert_later("t (n)", {n});
    db.on_rollback([&undone, name] { undone.push_back(name); });
  };
  write("outside a transaction: durable at once", 1);
  db.atomically([&] {
    write("kept", 2);
    db.atomically([&] { write("released into the transaction", 3); });
    CHECK_THROWS(db.atomically([&] {
      write("first in a savepoint", 4);
      db.atomically([&] { write("second, released into that savepoint", 5); });
      throw std::runtime_error("the savepoint rolls back");
    }));
    CHECK(undone == std::vector<std::string>{"second, released into that savepoint", "first in a savepoint"});
    undone.clear();
  });
  CHECK(undone.empty());
  // Once committed, a later rollback reports only its own writes.
  CHECK_THROWS(db.atomically([&] {
    write("in a transaction that fails", 6);
    throw std::runtime_error("the transaction rolls back");
  }));
  CHECK(undone == std::vector<std::string>{"in a transaction that fails"});
  undone.clear();
  // A failed commit (a row that cannot be written) undoes the whole transaction.
  CHECK_THROWS(db.atomically([&] {
    write("before the failing row", 7);
    write("the failing row", -1);
  }));
  CHECK(undone == std::vector<std::string>{"the failing row", "before the failing row"});
  auto count = db.prepare("SELECT count(*) FROM t");
  count.step();
  CHECK(count.int64(0) == 3);
}
